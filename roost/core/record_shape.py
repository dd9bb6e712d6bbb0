"""Rows to records and records to API JSON, with PocketBase's visibility rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from roost.core.collections import Collection


def select_sql(coll: Collection, quote: Any, alias: str | None = None) -> str:
    """`SELECT "t"."id", "t"."title", ... FROM "t"`, cached per collection instance."""
    key = ("select", alias)
    sql = coll.cache.get(key)
    if sql is None:
        prefix = f"{quote(alias or coll.table)}."
        cols = ", ".join(prefix + quote(f.name) for f in coll.columns)
        sql = f"SELECT {cols} FROM {quote(coll.table)}" + (f" {quote(alias)}" if alias else "")
        coll.cache[key] = sql
    return sql


def row_to_record(coll: Collection, row: Sequence[Any]) -> dict[str, Any]:
    decoders = coll.cache.get("decoders")
    if decoders is None:
        decoders = [(f.name, f.from_db) for f in coll.columns]
        coll.cache["decoders"] = decoders
    return {name: dec(raw) for (name, dec), raw in zip(decoders, row)}


def _export_plan(coll: Collection, superuser: bool) -> list[tuple[str, int]]:
    """(field name, mode) per output field: 0 plain, 1 email (visibility rules), 2 password ("")."""
    key = ("export", superuser)
    plan = coll.cache.get(key)
    if plan is None:
        plan = []
        for f in coll.fields:
            if f.type == "password":
                if not f.hidden:
                    plan.append((f.name, 2))
                continue
            if f.hidden and (not superuser or (coll.is_auth and f.name == "tokenKey")):
                continue
            if coll.is_auth and f.name == "email":
                plan.append((f.name, 1))
                continue
            plan.append((f.name, 0))
        coll.cache[key] = plan
    return plan


def export(coll: Collection, record: dict[str, Any], superuser: bool = False, auth_id: str | None = None,
           manager: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"collectionId": coll.id, "collectionName": coll.name}
    for name, mode in _export_plan(coll, superuser):
        if mode == 0:
            out[name] = record.get(name)
        elif mode == 1:
            if superuser or manager or record.get("emailVisibility") or (auth_id is not None and auth_id == record.get("id")):
                out[name] = record.get(name)
        else:
            out[name] = ""
    expand = record.get("@expand")
    if expand is not None:
        out["expand"] = expand
    return out
