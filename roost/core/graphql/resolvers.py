"""Field resolvers: every record operation goes through the context's `RecordOps`, which the API
layer implements with the same functions, rules and hooks as the REST records API. Related
records come from REST's `expand`, asked for once per root field from the selection."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol

from graphql import GraphQLResolveInfo

from roost.core.collections import Collection
from roost.core.graphql.selection import expand_of


class RecordOps(Protocol):
    """What resolvers ask of the caller's request (roost/api/graphql_ops.py)."""

    async def list(self, coll: Collection, query: dict[str, str]) -> dict[str, Any]: ...

    async def view(self, coll: Collection, record_id: str, expand: str) -> dict[str, Any]: ...

    async def create(self, coll: Collection, data: dict[str, Any], expand: str) -> dict[str, Any]: ...

    async def update(
        self, coll: Collection, record_id: str, data: dict[str, Any], expand: str
    ) -> dict[str, Any]: ...

    async def delete(self, coll: Collection, record_id: str) -> None: ...

    def subscribe(
        self, coll: Collection, record_id: str | None, flt: str, expand: str
    ) -> AsyncIterator[dict[str, Any]]: ...


Resolver = Callable[..., Any]


def key(record_key: str, field_name: str) -> Resolver | None:
    """The record's own value; None (graphql-core's dict lookup) when the names agree."""
    if record_key == field_name:
        return None

    def resolve(obj: dict[str, Any], _info: GraphQLResolveInfo[Any]) -> Any:
        return obj.get(record_key)

    return resolve


class RelationResolver:
    """The related record(s) the root resolver expanded (missing when the caller may not view
    them). A class, so that compiled plans (fast.py) can read `expand` and `multi` and inline it."""

    __slots__ = ("expand", "multi")

    def __init__(self, expand: str, multi: bool) -> None:
        self.expand = expand
        self.multi = multi

    def __call__(self, obj: dict[str, Any], _info: GraphQLResolveInfo[Any] | None) -> Any:
        value = (obj.get("expand") or {}).get(self.expand)
        if self.multi:
            return [] if value is None else value if isinstance(value, list) else [value]
        return value[0] if isinstance(value, list) else value


def relation(expand: str, multi: bool) -> Resolver:
    return RelationResolver(expand, multi)


def _ops(info: GraphQLResolveInfo[Any]) -> RecordOps:
    ops: RecordOps = info.context
    return ops


def _query(args: dict[str, Any]) -> dict[str, str]:
    query: dict[str, str] = {}
    for name in ("filter", "sort"):
        if args.get(name):
            query[name] = args[name]
    for name in ("page", "perPage"):
        if args.get(name) is not None:
            query[name] = str(args[name])
    if args.get("skipTotal") is not None:
        query["skipTotal"] = "true" if args["skipTotal"] else "false"
    return query


def list_records(coll: Collection) -> Resolver:
    async def resolve(_root: Any, info: GraphQLResolveInfo[Any], **args: Any) -> dict[str, Any]:
        query = _query(args)
        expand = expand_of(info, "items")
        if expand:
            query["expand"] = expand
        return await _ops(info).list(coll, query)

    return resolve


def view_record(coll: Collection) -> Resolver:
    async def resolve(_root: Any, info: GraphQLResolveInfo[Any], id: str) -> dict[str, Any]:
        return await _ops(info).view(coll, id, expand_of(info))

    return resolve


def _data(data: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {names.get(k, k): v for k, v in data.items()}


def create_record(coll: Collection, names: dict[str, str]) -> Resolver:
    async def resolve(_root: Any, info: GraphQLResolveInfo[Any], data: dict[str, Any]) -> dict[str, Any]:
        return await _ops(info).create(coll, _data(data, names), expand_of(info))

    return resolve


def update_record(coll: Collection, names: dict[str, str]) -> Resolver:
    async def resolve(
        _root: Any, info: GraphQLResolveInfo[Any], id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        return await _ops(info).update(coll, id, _data(data, names), expand_of(info))

    return resolve


def delete_record(coll: Collection) -> Resolver:
    async def resolve(_root: Any, info: GraphQLResolveInfo[Any], id: str) -> bool:
        await _ops(info).delete(coll, id)
        return True

    return resolve


def subscribe_records(coll: Collection) -> Resolver:
    def subscribe(
        _root: Any, info: GraphQLResolveInfo[Any], id: str | None = None, filter: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        return _ops(info).subscribe(coll, id or None, filter or "", expand_of(info, "record"))

    return subscribe
