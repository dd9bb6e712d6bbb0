"""Persisting collection definitions (`_collections`) and settings (`_params`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson

from roost.core import collection_schema, system_tables, view_service
from roost.core.collection_defaults import superusers_spec, users_spec
from roost.core.collections import Collection
from roost.core.fields.date import format_datetime, now
from roost.core.otps import otps_spec
from roost.db import DatabaseError

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
            created = datetime.now(UTC)
            for offset, spec in enumerate((superusers_spec(), users_spec())):
                # one millisecond apart, so collection lists keep PocketBase's order (_superusers, users)
                spec["created"] = spec["updated"] = format_datetime(created + timedelta(milliseconds=offset))
                spec["indexes"] = collection_schema.auth_indexes(spec["id"], spec["name"]) + spec["indexes"]
                coll = Collection(spec)
                await insert(tx, coll)
                await collection_schema.create_table(tx, coll)
    await load(app)
    await ensure_system_collections(app)


# PocketBase's system collections listed before `_superusers`, in its order. Each one Roost has
# is created on first start, or added to an older database, (4 - index) ms before `_superusers`
# so that collection lists keep PocketBase's order.
PB_SYSTEM_ORDER = ("_mfas", "_otps", "_externalAuths", "_authOrigins")
SYSTEM_SPECS: tuple[tuple[str, Callable[[], dict[str, Any]]], ...] = (("_otps", otps_spec),)


def _before_superusers(superusers_created: str, name: str) -> str:
    try:
        base = datetime.strptime(superusers_created, "%Y-%m-%d %H:%M:%S.%fZ")
    except ValueError:
        return now()
    offset = len(PB_SYSTEM_ORDER) - PB_SYSTEM_ORDER.index(name)
    return format_datetime((base - timedelta(milliseconds=offset)).replace(tzinfo=UTC))


async def ensure_system_collections(app: App) -> None:
    """Create the system collections an older database lacks (another instance starting at
    the same moment may win the race: then its rows are loaded instead)."""
    missing = [(name, make) for name, make in SYSTEM_SPECS if app.registry.find(name) is None]
    if not missing:
        return
    superusers = app.registry.find("_superusers")
    try:
        async with app.db.transaction() as tx:
            for name, make in missing:
                spec = make()
                spec["created"] = spec["updated"] = _before_superusers(
                    superusers.created if superusers else "", name
                )
                coll = Collection(spec)
                await insert(tx, coll)
                await collection_schema.create_table(tx, coll)
    except DatabaseError:
        if not await _all_stored(app, missing):
            raise
    await load(app)


async def _all_stored(app: App, wanted: list[tuple[str, Any]]) -> bool:
    q = app.dialect.quote
    for name, _ in wanted:
        row = await app.db.fetch_one(f"SELECT 1 FROM {q('_collections')} WHERE {q('name')} = ?", (name,))
        if row is None:
            return False
    return True


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
