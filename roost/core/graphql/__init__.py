"""GraphQL generated from the collections (docs/graphql.md): one schema per audience, rebuilt
when the schema version changes and swapped in whole, and parsed documents validated once."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, validate

from roost.core.apidocs.audience import Audience
from roost.core.graphql.resolvers import RecordOps
from roost.core.graphql.schema import build_schema
from roost.core.graphql.selection import check_limits

if TYPE_CHECKING:
    from roost.core.app import App

__all__ = ["Prepared", "RecordOps", "Schemas"]

MAX_QUERY_LENGTH = 100_000
_DOCUMENTS = 256  # validated documents kept per schema


class Prepared:
    """A schema with its cache of validated documents."""

    __slots__ = ("documents", "schema")

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.documents: OrderedDict[str, DocumentNode | list[GraphQLError]] = OrderedDict()

    def document(self, source: str) -> DocumentNode | list[GraphQLError]:
        """The parsed and validated document, or its syntax, validation or limit errors."""
        found = self.documents.get(source)
        if found is not None:
            self.documents.move_to_end(source)
            return found
        result: DocumentNode | list[GraphQLError]
        if len(source) > MAX_QUERY_LENGTH:
            result = [GraphQLError(f"The query is longer than {MAX_QUERY_LENGTH} characters.")]
        else:
            try:
                doc = parse(source)
            except GraphQLError as err:
                result = [err]
            else:
                result = check_limits(doc) or validate(self.schema, doc) or doc
        self.documents[source] = result
        if len(self.documents) > _DOCUMENTS:
            self.documents.popitem(last=False)
        return result


class Schemas:
    """The schema of each audience for the current collections. Every instance rebuilds on its
    own schema reload (App.reload_collections bumps the registry version), so all of them
    answer with the new schema without a restart."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._version = -1
        self._prepared: dict[str, Prepared] = {}

    def get(self, audience: Audience) -> Prepared:
        version = self.app.registry.version
        if version != self._version:
            # a new dict, never a mutated one: a request that holds the old schema finishes on it
            self._prepared, self._version = {}, version
        prepared = self._prepared.get(audience.key)
        if prepared is None:
            prepared = self._prepared[audience.key] = Prepared(build_schema(self.app.registry, audience))
        return prepared
