"""Persisting collection definitions (`_collections`) and settings (`_params`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson

from roost.core import collection_schema, system_collections, system_tables, view_service
from roost.core.collection_defaults import superusers_spec, users_spec
from roost.core.collections import Collection
from roost.core.fields.date import format_datetime, now

if TYPE_CHECKING:
    from roost.core.app import App


async def bootstrap(app: App) -> None:
    """Create the system tables and default collections on first start, then load everything."""
    d = app.dialect
    async with app.db.transaction() as tx:
        for sql in d.setup_statements():
            await tx.execute(sql)
        if not await d.table_exists(tx, system_tables.COLLECTIONS):
            for table in (system_tables.COLLECTIONS, system_tables.PARAMS):
                for sql in system_tables.create_statements(d, table):
                    await tx.execute(sql)
            # one millisecond apart, so that the list order (created, then id) is PocketBase's
            start = datetime.now(UTC)
            for i, spec in enumerate([*system_collections.specs(), superusers_spec(), users_spec()]):
                spec["created"] = spec["updated"] = format_datetime(start + timedelta(milliseconds=i))
                if spec["type"] == "auth":
                    spec["indexes"] = (
                        collection_schema.auth_indexes(spec["id"], spec["name"]) + spec["indexes"]
                    )
                coll = Collection(spec)
                await insert(tx, coll)
                await collection_schema.create_table(tx, coll)
        else:
            await _add_missing_system_collections(tx)
    await load(app)


async def _add_missing_system_collections(tx: Any) -> None:
    """A database made before a system collection existed gets it on its next start, dated just
    before `_superusers` in PocketBase's order so collection lists keep that order."""
    q = tx.dialect.quote
    row = await tx.fetch_one(
        f"SELECT {q('created')} FROM {q('_collections')} WHERE {q('name')} = ?", ("_superusers",)
    )
    order = system_collections.ORDER
    for spec in system_collections.specs():
        if (
            await tx.fetch_one(f"SELECT 1 FROM {q('_collections')} WHERE {q('id')} = ?", (spec["id"],))
            is not None
        ):
            continue
        spec["created"] = spec["updated"] = _before_superusers(
            row[0] if row else "", order.index(spec["name"]), len(order)
        )
        coll = Collection(spec)
        await insert(tx, coll)
        await collection_schema.create_table(tx, coll)


def _before_superusers(superusers_created: str, index: int, count: int) -> str:
    try:
        base = datetime.strptime(superusers_created, "%Y-%m-%d %H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        return now()
    return format_datetime(base - timedelta(milliseconds=count - index))


async def load(app: App) -> None:
    q = app.dialect.quote
    rows = await app.db.fetch_all(f"SELECT {q('data')} FROM {q('_collections')}")
    app.registry.by_id.clear()
    app.registry.by_name.clear()
    for (data,) in rows:
        app.registry.put(Collection(orjson.loads(data)))
    await view_service.refresh_all(app)
    row = await app.db.fetch_one(
        f"SELECT {q('value')} FROM {q('_params')} WHERE {q('id')} = ?", ("settings",)
    )
    if row and row[0]:
        _merge(app.settings, orjson.loads(row[0]))
    app.settings_changed()


def _merge(into: dict[str, Any], update: dict[str, Any]) -> None:
    for k, v in update.items():
        if isinstance(v, dict) and isinstance(into.get(k), dict):
            _merge(into[k], v)
        else:
            into[k] = v


async def insert(tx: Any, coll: Collection) -> None:
    q = tx.dialect.quote
    await tx.execute(
        f"INSERT INTO {q('_collections')} ({q('id')}, {q('name')}, {q('type')}, {q('system')}, {q('data')}, "
        f"{q('created')}, {q('updated')}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            coll.id,
            coll.name,
            coll.type,
            coll.system,
            orjson.dumps(coll.to_storage()).decode(),
            coll.created,
            coll.updated,
        ),
    )


async def update(tx: Any, coll: Collection) -> None:
    q = tx.dialect.quote
    await tx.execute(
        f"UPDATE {q('_collections')} SET {q('name')} = ?, {q('type')} = ?, {q('data')} = ?, {q('updated')} = ? "
        f"WHERE {q('id')} = ?",
        (coll.name, coll.type, orjson.dumps(coll.to_storage()).decode(), coll.updated, coll.id),
    )


async def delete(tx: Any, coll: Collection) -> None:
    q = tx.dialect.quote
    await tx.execute(f"DELETE FROM {q('_collections')} WHERE {q('id')} = ?", (coll.id,))


async def save_settings(app: App) -> None:
    q = app.dialect.quote
    value = orjson.dumps(app.settings).decode()
    ts = now()
    async with app.db.transaction() as tx:
        n = await tx.execute(
            f"UPDATE {q('_params')} SET {q('value')} = ?, {q('updated')} = ? WHERE {q('id')} = ?",
            (value, ts, "settings"),
        )
        if n == 0:
            await tx.execute(
                f"INSERT INTO {q('_params')} ({q('id')}, {q('value')}, {q('created')}, {q('updated')}) "
                "VALUES (?, ?, ?, ?)",
                ("settings", value, ts, ts),
            )
