"""The selection of a query, read ahead of execution: which relations to expand, and whether
the document stays within the depth and size limits."""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)

RELATIONS = "roost_relations"  # record type extension: GraphQL field -> Relation
MAX_RELATION_DEPTH = 6  # as REST's expand
MAX_DEPTH = 12  # nested selections
MAX_FIELDS = 1000  # selected fields with every fragment spread out


def _fields(
    selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode]
) -> list[FieldNode]:
    """The fields of a selection set, fragments spread out (both fragment kinds: a record
    has one type, so every condition that validated applies)."""
    out: list[FieldNode] = []
    if selection_set is None:
        return out
    for sel in selection_set.selections:
        if isinstance(sel, FieldNode):
            out.append(sel)
        elif isinstance(sel, InlineFragmentNode):
            out += _fields(sel.selection_set, fragments)
        elif isinstance(sel, FragmentSpreadNode):
            frag = fragments.get(sel.name.value)
            if frag is not None:
                out += _fields(frag.selection_set, fragments)
    return out


def _paths(
    fields: list[FieldNode],
    rtype: GraphQLObjectType,
    info: GraphQLResolveInfo[Any],
    prefix: str,
    depth: int,
    out: set[str],
) -> None:
    relations = rtype.extensions.get(RELATIONS) or {}
    for node in fields:
        rel = relations.get(node.name.value)
        if rel is None:
            continue
        if depth >= MAX_RELATION_DEPTH:
            raise GraphQLError(
                f"Relations nest at most {MAX_RELATION_DEPTH} levels deep.", node, extensions=_limit()
            )
        path = prefix + rel.expand
        out.add(path)
        target = info.schema.get_type(rel.target)
        if isinstance(target, GraphQLObjectType):
            _paths(_fields(node.selection_set, info.fragments), target, info, path + ".", depth + 1, out)


_EXPANDS = "roost_expands"  # schema extension: expand_of by field nodes, as documents are cached
_MAX_EXPANDS = 1024


def expand_of(info: GraphQLResolveInfo[Any], via: str = "") -> str:
    """The `expand` value that loads every relation selected below this field (below its
    `via` field when the records sit one level down, as `items` of a list). It depends on the
    document alone (directives are not read), so it is kept per field node."""
    nodes = info.field_nodes
    key = (*map(id, nodes), via)
    cache: dict[Any, tuple[Any, str]] = info.schema.extensions.setdefault(_EXPANDS, {})
    found = cache.get(key)
    if found is not None:
        return found[1]
    expand = _expand_of(info, via)
    if len(cache) >= _MAX_EXPANDS:
        cache.clear()
    cache[key] = (list(nodes), expand)  # the nodes kept alive, so their ids stay theirs
    return expand


def _expand_of(info: GraphQLResolveInfo[Any], via: str) -> str:
    fields: list[FieldNode] = []
    for node in info.field_nodes:
        fields += _fields(node.selection_set, info.fragments)
    rtype: Any = get_named_type(info.return_type)
    if via:
        fields = [
            inner
            for node in fields
            if node.name.value == via
            for inner in _fields(node.selection_set, info.fragments)
        ]
        field = rtype.fields.get(via) if isinstance(rtype, GraphQLObjectType) else None
        rtype = get_named_type(field.type) if field is not None else None
    if not isinstance(rtype, GraphQLObjectType):
        return ""
    out: set[str] = set()
    _paths(fields, rtype, info, "", 0, out)
    return ",".join(sorted(out))


def _limit() -> dict[str, Any]:
    return {"status": 400, "data": {}}


def check_limits(document: DocumentNode) -> list[GraphQLError]:
    """Errors for a document nested deeper than MAX_DEPTH or selecting more than MAX_FIELDS
    fields once its fragments are spread out (a few fragments can spread to millions)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    count = 0

    def walk(
        selection_set: SelectionSetNode | None, depth: int, seen: tuple[str, ...]
    ) -> GraphQLError | None:
        nonlocal count
        if selection_set is None:
            return None
        for sel in selection_set.selections:
            if isinstance(sel, FieldNode):
                count += 1
                if count > MAX_FIELDS:
                    return GraphQLError(
                        f"The query selects more than {MAX_FIELDS} fields.", sel, extensions=_limit()
                    )
                if sel.selection_set is not None:
                    if depth + 1 > MAX_DEPTH:
                        return GraphQLError(
                            f"The query is nested deeper than {MAX_DEPTH} levels.", sel, extensions=_limit()
                        )
                    err = walk(sel.selection_set, depth + 1, seen)
                    if err:
                        return err
            elif isinstance(sel, InlineFragmentNode):
                err = walk(sel.selection_set, depth, seen)
                if err:
                    return err
            elif isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                frag = fragments.get(name)
                if frag is not None and name not in seen:  # cycles are a validation error already
                    err = walk(frag.selection_set, depth, (*seen, name))
                    if err:
                        return err
        return None

    for d in document.definitions:
        if isinstance(d, OperationDefinitionNode):
            err = walk(d.selection_set, 0, ())
            if err:
                return [err]
    return []
