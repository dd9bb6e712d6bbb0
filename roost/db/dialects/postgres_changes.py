"""A stamp that changes after any commit that updated, deleted or truncated rows of watched
tables, from any client of the database: Roost instances, the `roost` command, psql.

A statement-level trigger on each watched table calls `pg_notify` with the table's name;
PostgreSQL delivers it to every listening session when the writing transaction commits. One
connection of the process listens (not a pooled one: LISTEN is session state) and turns each
notification for a watched table into a new stamp, within milliseconds of the commit (this
process's own record writes also drop what is kept at once: roost/core/auth_records.py). While
the listener is not connected, or a newly watched table has no trigger yet, every read of the
stamp gives a new value, so nothing is kept."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import asyncpg

from roost.db.dialects.base import Dialect

log = logging.getLogger("roost")

CHANNEL = "roost_rows_changed"
TRIGGER = "roost_rows_changed"
_FUNCTION_SQL = f"""CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
    RETURN NULL;
END $$"""
_HAS_TRIGGER_SQL = """SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE t.tgname = $1 AND c.relnamespace = current_schema()::regnamespace"""


class RowChanges:
    def __init__(self, connect: Callable[[], Awaitable[asyncpg.Connection]]) -> None:
        self._connect = connect
        self.tables: frozenset[str] = frozenset()
        self._counter = 0
        self._ready = False  # listening, and every watched table has its trigger
        self._changed = asyncio.Event()  # the watched tables changed: install triggers
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    def watch(self, tables: Iterable[str]) -> None:
        tables = frozenset(tables)
        if tables - self.tables:
            self._ready = False  # the new tables' rows are not kept before their trigger exists
        self.tables = tables
        self._changed.set()
        if self._task is None and not self._closed:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # not serving (yet): nothing is kept
                return
            self._task = loop.create_task(self._run(), name="roost-row-changes")

    def stamp(self) -> bytes:
        if not self._ready:
            self._counter += 1
        return self._counter.to_bytes(8, "little")

    def bump(self) -> None:
        self._counter += 1

    def _notified(self, _conn: Any, _pid: int, _channel: str, table: str) -> None:
        if table in self.tables:
            self._counter += 1

    async def _run(self) -> None:
        delay = 0.1
        while not self._closed:
            conn: asyncpg.Connection | None = None
            try:
                conn = await self._connect()
                await self._listen(conn)
            except asyncio.CancelledError:
                raise
            except asyncpg.InsufficientPrivilegeError as exc:
                log.warning(
                    "auth records are read for every request: the database user may not add the "
                    "change trigger (%s); grant it CREATE on the schema and TRIGGER on the tables",
                    exc,
                )
                return
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("auth records are read every time until the change listener reconnects: %s", exc)
                delay = min(delay * 2, 5.0)
            else:
                delay = 0.1
            finally:
                self._ready = False
                if conn is not None:
                    with contextlib.suppress(Exception):
                        await conn.close()
            if not self._closed:
                await asyncio.sleep(delay)

    async def _listen(self, conn: asyncpg.Connection) -> None:
        """Listen on `conn` until it is lost, adding triggers whenever the watched tables change."""
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _c: lost.set())
        await conn.add_listener(CHANNEL, self._notified)
        while not lost.is_set():
            self._changed.clear()
            await self._install(conn)
            self._ready = True
            self.bump()  # what was kept before listening may have changed meanwhile
            waits = [asyncio.ensure_future(e.wait()) for e in (lost, self._changed)]
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for w in waits:
                    w.cancel()

    async def _install(self, conn: asyncpg.Connection) -> None:
        """A trigger on every watched table that lacks one."""
        have = {r[0] for r in await conn.fetch(_HAS_TRIGGER_SQL, TRIGGER)}
        missing = sorted(self.tables - have)
        if not missing:
            return
        for attempt in range(5):  # instances starting together may race to replace the function
            try:
                await conn.execute(_FUNCTION_SQL)
                break
            except (asyncpg.UniqueViolationError, asyncpg.InternalServerError):
                if attempt == 4:
                    raise
                await asyncio.sleep(0.05)
        for table in missing:
            try:
                await conn.execute(
                    f"CREATE TRIGGER {TRIGGER} AFTER UPDATE OR DELETE OR TRUNCATE ON {Dialect.quote(table)} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"
                )
            except (asyncpg.DuplicateObjectError, asyncpg.UndefinedTableError):
                pass  # another instance added it first, or the table went meanwhile

    async def close(self) -> None:
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
