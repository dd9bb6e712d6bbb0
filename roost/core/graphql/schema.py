"""The GraphQL schema of one audience, generated from the collections (docs/graphql.md).

For a collection `posts` (type name `Posts`): the query fields `posts(filter, sort, page,
perPage, skipTotal): PostsList!` and `posts_by_id(id): Posts`, the mutations `create_posts`,
`update_posts` and `delete_posts`, and the subscription `posts_changed(id, filter): PostsEvent!`.
An operation whose rule is `null` is left out for everyone but superusers, so introspection
shows only what the caller may use. Record types carry their relations (the related type, a
list for multi relations) and back-relations (`comments_via_post`); their `extensions` name the
`expand` path behind each, which the resolvers turn the selection into (one query per relation
and level, as REST's expand)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLField,
    GraphQLFloat,
    GraphQLID,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    value_from_ast_untyped,
)

from roost.core.apidocs.audience import Audience
from roost.core.collections import Collection, Registry
from roost.core.fields import Field, RelationField
from roost.core.graphql import resolvers
from roost.core.graphql.naming import collection_type_names, graphql_name, unique
from roost.core.graphql.selection import RELATIONS


def _json_literal(node: Any, variables: Any = None) -> Any:
    return value_from_ast_untyped(node, variables)


JSONScalar = GraphQLScalarType(
    "JSON",
    description="Any JSON value (json and geoPoint fields).",
    serialize=lambda v: v,
    parse_value=lambda v: v,
    parse_literal=_json_literal,
)


@dataclass(frozen=True, slots=True)
class Relation:
    expand: str  # the `?expand=` name: the field, or `comments_via_post`
    target: str  # the related record type's name


def _nn(t: Any) -> Any:
    return GraphQLNonNull(t)


def _list_of(t: Any) -> Any:
    return _nn(GraphQLList(_nn(t)))


def _readable(coll: Collection, f: Field, audience: Audience) -> bool:
    """As the REST API exports: no passwords, hidden fields only for superusers (not tokenKey)."""
    if f.type == "password":
        return False
    if f.hidden:
        return audience.superuser and not (coll.is_auth and f.name == "tokenKey")
    return True


def _may_view(coll: Collection, audience: Audience) -> bool:
    return audience.superuser or coll.rules.get("viewRule") is not None


def _scalar(f: Field, write: bool = False) -> Any:
    t = f.type
    if t == "number":
        return GraphQLFloat
    if t == "bool":
        return GraphQLBoolean
    if t in ("json", "geoPoint"):
        return JSONScalar
    if t in ("select", "file", "relation"):
        item = GraphQLID if t == "relation" else GraphQLString
        return GraphQLList(_nn(item)) if f.is_multi else item
    return GraphQLString


class _Builder:
    def __init__(self, registry: Registry, audience: Audience) -> None:
        self.registry = registry
        self.audience = audience
        self.all = sorted(registry.all(), key=lambda c: c.name)
        self.names = collection_type_names(self.all)
        self.types: dict[str, GraphQLObjectType] = {}
        # record types: collections one may read, or write (a mutation answers with the record)
        self.typed = [c for c in self.all if self._has_any_op(c)]
        for coll in self.typed:
            self.types[coll.id] = self._record_type(coll)

    def _may(self, coll: Collection, rule: str) -> bool:
        return self.audience.may(coll, rule)

    def _has_any_op(self, coll: Collection) -> bool:
        rules = (
            ("listRule", "viewRule") if coll.is_view else ("listRule", "viewRule", "createRule", "updateRule")
        )
        return any(self._may(coll, r) for r in rules)

    # --- record types ----------------------------------------------------------------------------
    def _record_type(self, coll: Collection) -> GraphQLObjectType:
        relations: dict[str, Relation] = {}
        return GraphQLObjectType(
            self.names[coll.id],
            lambda: self._record_fields(coll, relations),
            description=f"A record of the `{coll.name}` collection.",
            extensions={RELATIONS: relations},
        )

    def _record_fields(self, coll: Collection, relations: dict[str, Relation]) -> dict[str, GraphQLField]:
        fields: dict[str, GraphQLField] = {}
        taken: set[str] = {"collectionId", "collectionName"}
        fields["collectionId"] = GraphQLField(_nn(GraphQLString))
        fields["collectionName"] = GraphQLField(_nn(GraphQLString))
        for f in coll.fields:
            if not _readable(coll, f, self.audience):
                continue
            name = unique(graphql_name(f.name), taken)
            if isinstance(f, RelationField):
                target = self.registry.find(f.collection_id)
                if target is None or target.id not in self.types or not _may_view(target, self.audience):
                    taken.discard(name)
                    continue  # nothing the caller could ever see through it
                t = self.types[target.id]
                relations[name] = Relation(f.name, t.name)
                rtype = _list_of(t) if f.is_multi else t
                fields[name] = GraphQLField(
                    rtype, resolve=resolvers.relation(f.name, f.is_multi), description=f.help or None
                )
                continue
            out: Any = _nn(GraphQLID) if f.name == "id" else _scalar(f)
            fields[name] = GraphQLField(out, resolve=resolvers.key(f.name, name), description=f.help or None)
        for other in self.all:
            if other.id not in self.types or not _may_view(other, self.audience):
                continue
            for f in other.fields:
                if isinstance(f, RelationField) and f.collection_id == coll.id:
                    name = f"{graphql_name(other.name)}_via_{graphql_name(f.name)}"
                    if name in taken:
                        continue  # a field of the record itself wins
                    taken.add(name)
                    expand = f"{other.name}_via_{f.name}"
                    other_type = self.types[other.id]
                    relations[name] = Relation(expand, other_type.name)
                    fields[name] = GraphQLField(
                        _list_of(other_type),
                        resolve=resolvers.relation(expand, True),
                        description=f"`{other.name}` records whose `{f.name}` is this record.",
                    )
        return fields

    # --- inputs ----------------------------------------------------------------------------------
    def _input(self, coll: Collection, create: bool) -> tuple[GraphQLInputObjectType, dict[str, str]]:
        """The `data` input of create or update, and GraphQL field -> record field."""
        names: dict[str, str] = {}
        taken: set[str] = set()
        fields: dict[str, GraphQLInputField] = {}
        for f in coll.fields:
            if f.type in ("autodate", "file") or (f.name == "id" and not create):
                continue
            if coll.is_auth and f.name == "tokenKey":
                continue
            name = unique(graphql_name(f.name), taken)
            names[name] = f.name
            fields[name] = GraphQLInputField(_scalar(f, write=True), description=f.help or None)
        if coll.is_auth:
            extra = ["passwordConfirm"] if create else ["passwordConfirm", "oldPassword"]
            for key in extra:
                name = unique(key, taken)
                names[name] = key
                fields[name] = GraphQLInputField(GraphQLString)
        suffix = "CreateInput" if create else "UpdateInput"
        return GraphQLInputObjectType(self.names[coll.id] + suffix, fields), names

    # --- operations ------------------------------------------------------------------------------
    def build(self) -> GraphQLSchema:
        query: dict[str, GraphQLField] = {}
        mutation: dict[str, GraphQLField] = {}
        subscription: dict[str, GraphQLField] = {}
        for coll in self.typed:
            t = self.types[coll.id]
            base = graphql_name(coll.name)
            if self._may(coll, "listRule"):
                page = GraphQLObjectType(
                    t.name + "List",
                    {
                        "items": GraphQLField(_list_of(t)),
                        "page": GraphQLField(_nn(GraphQLInt)),
                        "perPage": GraphQLField(_nn(GraphQLInt)),
                        "totalItems": GraphQLField(_nn(GraphQLInt)),
                        "totalPages": GraphQLField(_nn(GraphQLInt)),
                    },
                    description="A page of records; totalItems and totalPages are -1 with skipTotal.",
                    extensions={RELATIONS: {}},  # completed by roost/core/graphql/fast.py too
                )
                query[base] = GraphQLField(
                    _nn(page),
                    {
                        "filter": GraphQLArgument(GraphQLString, description="A PocketBase filter."),
                        "sort": GraphQLArgument(GraphQLString, description="e.g. `-created,title`."),
                        "page": GraphQLArgument(GraphQLInt),
                        "perPage": GraphQLArgument(GraphQLInt),
                        "skipTotal": GraphQLArgument(GraphQLBoolean),
                    },
                    resolve=resolvers.list_records(coll),
                )
            if self._may(coll, "viewRule"):
                query[base + "_by_id"] = GraphQLField(
                    t, {"id": GraphQLArgument(_nn(GraphQLID))}, resolve=resolvers.view_record(coll)
                )
            if coll.is_view:
                continue
            if self._may(coll, "createRule"):
                data, names = self._input(coll, create=True)
                mutation["create_" + base] = GraphQLField(
                    _nn(t), {"data": GraphQLArgument(_nn(data))}, resolve=resolvers.create_record(coll, names)
                )
            if self._may(coll, "updateRule"):
                data, names = self._input(coll, create=False)
                mutation["update_" + base] = GraphQLField(
                    _nn(t),
                    {"id": GraphQLArgument(_nn(GraphQLID)), "data": GraphQLArgument(_nn(data))},
                    resolve=resolvers.update_record(coll, names),
                )
            if self._may(coll, "deleteRule"):
                mutation["delete_" + base] = GraphQLField(
                    _nn(GraphQLBoolean),
                    {"id": GraphQLArgument(_nn(GraphQLID))},
                    resolve=resolvers.delete_record(coll),
                )
            if self._may(coll, "listRule") or self._may(coll, "viewRule"):
                event = GraphQLObjectType(
                    t.name + "Event",
                    {
                        "action": GraphQLField(_nn(GraphQLString), description="create, update or delete"),
                        "record": GraphQLField(_nn(t)),
                    },
                )
                subscription[base + "_changed"] = GraphQLField(
                    _nn(event),
                    {
                        "id": GraphQLArgument(GraphQLID, description="One record (its viewRule applies)."),
                        "filter": GraphQLArgument(GraphQLString, description="A PocketBase filter."),
                    },
                    resolve=_identity,
                    subscribe=resolvers.subscribe_records(coll),
                    description="Created, updated and deleted records, as the subscriber may see them.",
                )
        if not query:  # a schema needs a query type with a field
            query["_empty"] = GraphQLField(
                GraphQLBoolean, description="No collection is open to this caller."
            )
        return GraphQLSchema(
            GraphQLObjectType("Query", query),
            GraphQLObjectType("Mutation", mutation) if mutation else None,
            GraphQLObjectType("Subscription", subscription) if subscription else None,
            types=list(self.types.values()),
        )


def _identity(event: Any, _info: Any, **_args: Any) -> Any:
    return event


def build_schema(registry: Registry, audience: Audience) -> GraphQLSchema:
    return _Builder(registry, audience).build()


SchemaFactory = Callable[[Registry, Audience], GraphQLSchema]
