"""Logical database backups, for engines without a whole-file snapshot (PostgreSQL).

Roost writes the dump itself, through the dialect: no `pg_dump` binary is needed, so the dump
never depends on the client tools matching the server's version, and it holds only what Roost
owns (its system tables and one table per collection) rather than whatever else shares the
database or schema.

    database/tables.json     [{table, file, columns, rows}] in load order
    database/0000.copy ...   one file per table: its rows in COPY's text format

Every table is read inside one read-only REPEATABLE READ transaction, so the dump is a single
consistent moment while writers carry on. A restore runs in one transaction: it drops Roost's
tables, recreates the system tables and every collection's table (columns and indexes) from the
restored collection definitions with the current DDL, and loads the rows with COPY. On an empty
database that is a plain load; on a live one the swap is atomic (PostgreSQL DDL is
transactional) and a failure leaves the old data as it was."""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING, Any

import orjson

from roost.core import collection_schema, system_tables
from roost.core.collections import Collection
from roost.errors import BadRequest

if TYPE_CHECKING:
    from roost.core.app import App

log = logging.getLogger("roost.backups")

FORMAT = "roost-dump"
FOLDER = "database"
DESCRIPTION = "tables.json"
_SYSTEM = (system_tables.COLLECTIONS, system_tables.PARAMS, system_tables.MIGRATIONS)


async def _collections(executor: Any) -> list[Collection]:
    q = executor.dialect.quote
    rows = await executor.fetch_all(f"SELECT {q('data')} FROM {q(system_tables.COLLECTIONS)}")
    return [Collection(orjson.loads(data)) for (data,) in rows]


async def dump(app: App, folder: str) -> list[str]:
    """Write the dump under `folder`/database; returns the files written, relative to `folder`."""
    d = app.dialect
    out = os.path.join(folder, FOLDER)
    os.makedirs(out, exist_ok=True)
    tables: list[dict[str, Any]] = []
    started = time.perf_counter()
    async with d.snapshot_reader() as reader:
        names = [t for t in _SYSTEM if await d.table_exists(reader, t)]
        names += [c.table for c in await _collections(reader) if not c.is_view]
        for i, table in enumerate(names):
            file = f"{i:04d}.copy"
            columns = await d.copy_out(reader, table, os.path.join(out, file))
            row = await reader.fetch_one(f"SELECT COUNT(*) FROM {d.quote(table)}")
            count = int(row[0]) if row else 0
            tables.append({"table": table, "file": file, "columns": columns, "rows": count})
            log.info(
                "Backup: dumped table %s (%d rows; %d of %d tables)",
                table,
                count,
                i + 1,
                len(names),
                extra={"data": {"table": table, "rows": count, "done": i + 1, "tables": len(names)}},
            )
    with open(os.path.join(out, DESCRIPTION), "wb") as fh:  # noqa: ASYNC230
        fh.write(orjson.dumps({"format": FORMAT, "tables": tables}, option=orjson.OPT_INDENT_2))
    log.info("Backup: database dump written in %.2fs", time.perf_counter() - started)
    return [f"{FOLDER}/{DESCRIPTION}"] + [f"{FOLDER}/{t['file']}" for t in tables]


def _description(folder: str) -> list[dict[str, Any]]:
    try:
        with open(os.path.join(folder, FOLDER, DESCRIPTION), "rb") as fh:
            desc = orjson.loads(fh.read())
    except (OSError, orjson.JSONDecodeError):
        raise BadRequest("The backup's database dump has no readable description.") from None
    tables = desc.get("tables") if isinstance(desc, dict) else None
    if desc.get("format") != FORMAT or not isinstance(tables, list):
        raise BadRequest("The backup's database dump is not in a format this version of Roost reads.")
    for t in tables:
        if not (
            isinstance(t, dict) and isinstance(t.get("table"), str) and isinstance(t.get("columns"), list)
        ):
            raise BadRequest("The backup's database dump description is malformed.")
        if not isinstance(t.get("file"), str) or "/" in t["file"] or t["file"].startswith("."):
            raise BadRequest("The backup's database dump description is malformed.")
    return tables


async def load(app: App, folder: str) -> None:
    """Replace Roost's tables with the dump under `folder`/database, in one transaction."""
    tables = _description(folder)
    by_table = {t["table"]: t for t in tables}
    if system_tables.COLLECTIONS not in by_table:
        raise BadRequest("The backup's database dump has no collections table.")
    d = app.dialect
    started = time.perf_counter()
    async with app.db.transaction() as tx:
        # what is there now goes, whatever collections it had
        if await d.table_exists(tx, system_tables.COLLECTIONS):
            for coll in await _collections(tx):
                if not coll.is_view:
                    await tx.execute(d.drop_table(coll.table))
        for table in _SYSTEM:
            await tx.execute(d.drop_table(table))
        for table in _SYSTEM:
            if table in by_table:
                for sql in system_tables.create_statements(d, table):
                    await tx.execute(sql)
                await _copy_in(tx, folder, by_table.pop(table))
        for coll in await _collections(tx):
            if coll.is_view:
                continue
            await collection_schema.create_table(tx, coll)
            entry = by_table.pop(coll.table, None)
            if entry is not None:
                await _copy_in(tx, folder, entry)
        if by_table:
            raise BadRequest(f"The backup's database dump holds an unknown table {next(iter(by_table))!r}.")
    log.info("Restore: database loaded in %.2fs", time.perf_counter() - started)


async def _copy_in(tx: Any, folder: str, entry: dict[str, Any]) -> None:
    await tx.dialect.copy_in(
        tx, entry["table"], entry["columns"], os.path.join(folder, FOLDER, entry["file"])
    )
    log.info(
        "Restore: loaded table %s (%s rows)",
        entry["table"],
        entry.get("rows", "?"),
        extra={"data": {"table": entry["table"], "rows": entry.get("rows")}},
    )
