"""SQLite through apsw: one writer connection whose transactions commit in groups
(sqlite_group.py), reads inline on the event loop.

Point reads cost a few microseconds, so they run on the loop thread rather than through a
thread pool (a thread hop costs more than the query, see benchmarks/README.md). WAL lets
readers proceed while a write transaction is open on the writer connection."""

from __future__ import annotations

import asyncio
import os
import re
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, cast

import apsw
import orjson

from roost.db.console import ConsoleResult
from roost.db.dialects import sqlite_console
from roost.db.dialects.base import BOOL, JSON, NUMBER, TEXT, BatchWriter, Dialect
from roost.db.dialects.sqlite_batch import FileWriter
from roost.db.dialects.sqlite_changes import TableChanges
from roost.db.dialects.sqlite_checkpoint import BackgroundCheckpoint
from roost.db.dialects.sqlite_group import BUSY_TIMEOUT, GroupCommit
from roost.db.errors import DatabaseError, InvalidSchema, InvalidViewQuery, UniqueViolation, ViewDependency

_UNIQUE_RE = re.compile(r"UNIQUE constraint failed: (.+)")
SCAN_THREADS = 2  # the machine sizes Roost targets have 2-4 cores
SNAPSHOT_FILE = "data.db"  # the database file's name in a backup (PocketBase's too)
AUXILIARY_FILE = "auxiliary.db"  # request logs, beside data.db (PocketBase's name)


def connect(path: str) -> apsw.Connection:
    """Every connection gets the same pragmas; PocketBase uses the same set."""
    conn = apsw.Connection(path)
    conn.setbusytimeout(int(BUSY_TIMEOUT * 1000))
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",  # with WAL, commits survive a process crash
        "PRAGMA foreign_keys=ON",
        "PRAGMA temp_store=MEMORY",
        "PRAGMA cache_size=-32000",
    ):
        conn.execute(pragma).fetchall()
    return conn


# sqlite3_errstr() of the codes a view query can meet, for PocketBase's "<errstr>: <message> (<code>)"
_ERRSTR = {
    1: "SQL logic error",
    5: "database is locked",
    6: "database table is locked",
    7: "out of memory",
    9: "interrupted",
    18: "string or blob too big",
    19: "constraint failed",
    20: "datatype mismatch",
    23: "authorization denied",
    25: "column index out of range",
}
# what a view query may do: read tables and call functions; the view itself is created, read
# (PRAGMA table_info) and dropped under the same guard, so no statement smuggled into the query
# text can write anything
_VIEW_ACTIONS = {apsw.SQLITE_SELECT, apsw.SQLITE_READ, apsw.SQLITE_FUNCTION, apsw.SQLITE_RECURSIVE}
_SCHEMA_TABLES = {"sqlite_master", "sqlite_schema", "sqlite_temp_master"}


def _view_guard(view: str) -> Any:
    def authorize(action: int, arg1: str | None, arg2: str | None, *_rest: Any) -> int:
        if action in _VIEW_ACTIONS:
            return apsw.SQLITE_OK
        if action in (apsw.SQLITE_CREATE_VIEW, apsw.SQLITE_DROP_VIEW) and arg1 == view:
            return apsw.SQLITE_OK
        if action == apsw.SQLITE_DELETE and arg1 == view:
            return apsw.SQLITE_OK  # part of dropping the view
        if action in (apsw.SQLITE_INSERT, apsw.SQLITE_UPDATE, apsw.SQLITE_DELETE) and arg1 in _SCHEMA_TABLES:
            return apsw.SQLITE_OK
        if action == apsw.SQLITE_PRAGMA and arg1 == "table_info":
            return apsw.SQLITE_OK
        return apsw.SQLITE_DENY

    return authorize


def sqlite_message(exc: apsw.Error) -> str:
    """An SQLite error as PocketBase's driver words it, e.g. `SQL logic error: no such table: x (1)`."""
    code = int(getattr(exc, "result", 1) or 1)
    text = re.sub(r"^\w+Error: ", "", str(exc))
    return f"{_ERRSTR.get(code, 'unknown error')}: {text} ({code})"


def _translate(exc: Exception) -> Exception:
    if isinstance(exc, apsw.ConstraintError):
        m = _UNIQUE_RE.search(str(exc))
        if m and m.group(1).startswith("index '"):
            # partial and expression indexes are reported by name
            return UniqueViolation(index=m.group(1)[7:].rstrip("'"), detail=str(exc))
        if m:
            cols = tuple(c.strip().split(".")[-1] for c in m.group(1).split(","))
            table = m.group(1).split(".")[0].strip()
            return UniqueViolation(table, cols, str(exc))
        if "UNIQUE" in str(exc):
            return UniqueViolation(detail=str(exc))
    if isinstance(exc, apsw.SQLError) and "error in view" in str(exc):
        return ViewDependency(sqlite_message(exc))
    if isinstance(exc, apsw.SQLError):
        return InvalidSchema(detail=str(exc))
    return DatabaseError(detail=str(exc))


class _Conn:
    """Queries on one apsw connection: the reader, or the writer inside a transaction."""

    def __init__(self, dialect: SQLiteDialect, conn: apsw.Connection) -> None:
        self.dialect = dialect
        self.conn = conn

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
        try:
            return cast("list[Sequence[Any]]", self.conn.execute(sql, params).fetchall())
        except apsw.Error as exc:
            raise _translate(exc) from None

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Any] | None:
        try:
            return self.conn.execute(sql, params).fetchone()
        except apsw.Error as exc:
            raise _translate(exc) from None

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        try:
            self.conn.execute(sql, params)
        except apsw.Error as exc:
            raise _translate(exc) from None
        return self.conn.changes()


class SQLiteDialect(Dialect):
    json_stored_as_text = True
    name = "sqlite"
    snapshot_format = "sqlite-file"
    system_name = "sqlite"

    def __init__(self, path: str) -> None:
        self.path = path
        self.writer = connect(path)
        self.reader = connect(path)
        self._read = _Conn(self, self.reader)
        self._write = _Conn(self, self.writer)
        self.writes = GroupCommit(lambda: self.writer, _translate)
        self.checkpoint = BackgroundCheckpoint(path, connect, self.writes)
        # beside the database, in the data folder's temporary files (never in a backup)
        folder = os.path.join(os.path.dirname(os.path.abspath(path)), ".roost_temp")
        self.changes = TableChanges(os.path.join(folder, os.path.basename(path) + ".changes"))
        self._attach(self.writer)
        self.write_wait = self.writes.wait  # how long writes waited for the writer connection
        self._scan_pool = ThreadPoolExecutor(max_workers=SCAN_THREADS, thread_name_prefix="roost-scan")
        self._scan_local = threading.local()
        self._scan_conns: list[apsw.Connection] = []

    def _attach(self, writer: apsw.Connection) -> None:
        writer.set_update_hook(self.changes.on_update)
        writer.set_wal_hook(self._after_commit)

    def _after_commit(self, _conn: apsw.Connection, _db: str, pages: int) -> int:
        self.changes.committed()
        return self.checkpoint.after_commit(pages)

    def hint_concurrency(self, others_active: Callable[[], bool]) -> None:
        self.writes.others_active = others_active

    def watch_tables(self, tables: Iterable[str]) -> Callable[[], bytes] | None:
        if not self.changes.open():
            return None
        self.changes.watch(tables)
        return self.changes.stamp

    @classmethod
    async def connect(cls, path: str) -> SQLiteDialect:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)  # noqa: ASYNC240 once, at startup
        return cls(path)

    # --- connections: reads run inline on the reader; writes take the writer's lock ----------
    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
        return await self._read.fetch_all(sql, params)

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Any] | None:
        return await self._read.fetch_one(sql, params)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self.writes.member(self._write) as conn:
            changed = await conn.execute(sql, params)
        return changed

    async def fetch_scan(self, sql: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
        # A scan takes milliseconds: on a scan thread (apsw releases the GIL inside SQLite) it
        # leaves the event loop free and can use another core; a point read stays inline, where
        # it costs less than the thread hop.
        return await asyncio.get_running_loop().run_in_executor(self._scan_pool, self._scan, sql, params)

    def _scan(self, sql: str, params: Sequence[Any]) -> list[Sequence[Any]]:
        conn = getattr(self._scan_local, "conn", None)
        if conn is None:
            conn = self._scan_local.conn = connect(self.path)
            self._scan_conns.append(conn)
        try:
            return cast("list[Sequence[Any]]", conn.execute(sql, params).fetchall())
        except apsw.Error as exc:
            raise _translate(exc) from None

    def transaction(self) -> AbstractAsyncContextManager[_Conn]:
        """A write transaction of its own as far as the caller can tell (it fails alone and is
        acknowledged once committed); under load it shares one COMMIT with its neighbours."""
        return self.writes.member(self._write)

    @asynccontextmanager
    async def solo_transaction(self) -> AsyncIterator[apsw.Connection]:
        """A transaction alone on the writer, for SQL that is not ours (the console)."""
        async with self.writes.exclusive() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if not conn.getautocommit():
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except apsw.Error as exc:
                if not conn.getautocommit():
                    conn.execute("ROLLBACK")
                raise _translate(exc) from None
            finally:
                # SQL that is not ours may change rows no update hook reports (DELETE without WHERE)
                self.changes.bump()

    # --- backups: a whole-file snapshot, and swapping the file for a restored one ------------------
    async def snapshot_to(self, folder: str) -> list[str]:
        """`VACUUM INTO` on a connection of its own, in a thread: a consistent copy as of one
        read transaction. In WAL mode writers go on meanwhile (a reader never blocks them)."""
        dest = os.path.join(folder, SNAPSHOT_FILE)

        def run() -> None:
            conn = connect(self.path)
            try:
                conn.execute("VACUUM INTO ?", (dest,))
            except apsw.Error as exc:
                raise _translate(exc) from None
            finally:
                conn.close()

        await asyncio.to_thread(run)
        return [SNAPSHOT_FILE]

    async def replace_with(self, folder: str, old_folder: str) -> None:
        """Make `folder`/data.db this database: the current file (with its WAL) moves to
        `old_folder` and every connection reopens on the new one. Writers here wait on the
        write lock, and other processes on SQLite's own lock, while the files move."""
        source = os.path.join(folder, SNAPSHOT_FILE)
        if not os.path.isfile(source):  # noqa: ASYNC240 a restore, not the request path
            raise DatabaseError("The backup has no data.db database file.")
        os.makedirs(old_folder, exist_ok=True)
        async with self.writes.exclusive():
            await self.checkpoint.release()
            try:
                self.writer.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            except apsw.Error:
                pass  # a busy checkpoint only leaves more in the WAL, which moves along
            self.writer.execute("BEGIN IMMEDIATE")
            try:
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(self.path + suffix):  # noqa: ASYNC240
                        os.replace(self.path + suffix, os.path.join(old_folder, SNAPSHOT_FILE + suffix))
                os.replace(source, self.path)
            finally:
                self.writer.execute("ROLLBACK")
            self.reader.close()
            self.writer.close()
            self.writer = connect(self.path)
            self._attach(self.writer)
            self.changes.bump()  # every row may differ now
            self.reader = connect(self.path)
            self._read = _Conn(self, self.reader)
            self._write = _Conn(self, self.writer)
            # scan threads open fresh connections on their next query; the old ones close with the app
            self._scan_local = threading.local()

    async def open_auxiliary(self, data_dir: str) -> SQLiteDialect:
        return await SQLiteDialect.connect(os.path.join(data_dir, AUXILIARY_FILE))

    def batch_writer(self, table: str, columns: Sequence[str]) -> BatchWriter:
        return FileWriter(self.path, self.quote(table), [self.quote(c) for c in columns], connect, _translate)

    async def optimize(self) -> None:
        async with self.writes.exclusive():
            self.writer.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            self.writer.execute("PRAGMA optimize").fetchall()

    async def run_console(self, sql: str, *, write: bool, max_rows: int, timeout: float) -> ConsoleResult:
        if write:
            return await sqlite_console.run_write(self, sql, timeout)
        return await asyncio.get_running_loop().run_in_executor(
            self._scan_pool, sqlite_console.run_query, self.path, connect, sql, max_rows, timeout
        )

    async def close(self) -> None:
        await self.checkpoint.settle()
        async with self.writes.exclusive():  # commits an open group first
            pass
        try:
            self.writer.execute("PRAGMA optimize")
        except apsw.Error:
            pass
        self._scan_pool.shutdown(wait=True)
        self.checkpoint.close()
        for conn in self._scan_conns:
            conn.close()
        self.reader.close()
        self.writer.close()
        self.changes.close()

    # --- DDL -------------------------------------------------------------------------------------
    def column_type(self, kind: str) -> str:
        return {
            TEXT: "TEXT DEFAULT '' NOT NULL",
            NUMBER: "NUMERIC DEFAULT 0 NOT NULL",
            BOOL: "BOOLEAN DEFAULT FALSE NOT NULL",
            JSON: "JSON DEFAULT NULL",
        }[kind]

    def convert_column(self, table: str, column: str, old_kind: str, new_kind: str) -> list[str]:
        # SQLite columns are loosely typed: the declared type only guides affinity, so the
        # values stay and are re-read through the new field's decoder.
        return []

    async def table_columns(self, executor: Any, table: str) -> list[str]:
        rows = await executor.fetch_all(f"PRAGMA table_info({self.quote(table)})")
        return [r[1] for r in rows]

    async def table_exists(self, executor: Any, table: str) -> bool:
        row = await executor.fetch_one("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,))
        return row is not None

    def index_sql(self, sql: str) -> str:
        return sql

    def encode_json(self, value: Any) -> Any:
        return None if value is None else orjson.dumps(value).decode()

    # --- query vocabulary ----------------------------------------------------------------------
    def json_extract_text(self, column_sql: str, path: list[str]) -> str:
        jpath = "$" + "".join(f"[{p}]" if p.isdigit() else f'."{p}"' for p in path)
        return f"JSON_EXTRACT({column_sql}, '{jpath}')"

    def json_array_length(self, column_sql: str) -> str:
        return f"(CASE WHEN json_valid({column_sql}) THEN json_array_length({column_sql}) ELSE 0 END)"

    def json_each(self, column_sql: str, alias: str) -> str:
        return f"json_each(CASE WHEN json_valid({column_sql}) THEN {column_sql} ELSE json_array({column_sql}) END) {alias}"

    def row_param(self, kind: str) -> str:
        # CAST gives the value the column's affinity, so comparisons convert as they would on the table
        return {TEXT: "CAST(? AS TEXT)", NUMBER: "CAST(? AS NUMERIC)"}.get(kind, "?")

    def cast_text(self, sql: str) -> str:
        return f"CAST({sql} AS TEXT)"

    def cast_number(self, sql: str) -> str:
        return f"CAST({sql} AS NUMERIC)"

    def bool_literal_param(self, value: bool) -> Any:
        return 1 if value else 0

    def strftime(self, args_sql: list[str]) -> str:
        return f"strftime({', '.join(args_sql)})"

    def lower(self, sql: str) -> str:
        return f"LOWER({sql})"

    # --- view collections: the query is SQLite's own, run as PocketBase runs it -------------------
    async def query_columns(
        self, executor: Any, query: str, names: dict[str, str], aliases: list[str]
    ) -> list[tuple[str, str]]:
        temp = "_temp_" + os.urandom(6).hex()[:6]
        conn: apsw.Connection = executor.conn
        conn.authorizer = _view_guard(temp)
        try:
            conn.execute(f"CREATE VIEW {self.quote(temp)} AS SELECT * FROM ({query})").fetchall()
            rows = conn.execute(f"PRAGMA table_info({self.quote(temp)})").fetchall()
        except apsw.Error as exc:
            raise InvalidViewQuery(sqlite_message(exc)) from None
        finally:
            conn.execute(f"DROP VIEW IF EXISTS {self.quote(temp)}")
            conn.authorizer = None
        return [(str(r[1]), str(r[2] or "")) for r in rows]

    async def save_view(self, executor: Any, name: str, select: str) -> None:
        conn: apsw.Connection = executor.conn
        conn.authorizer = _view_guard(name)
        try:
            conn.execute(self.create_view(name, select)).fetchall()
            conn.execute(f"PRAGMA table_info({self.quote(name)})").fetchall()
        except apsw.Error as exc:
            raise InvalidViewQuery(sqlite_message(exc)) from None
        finally:
            conn.authorizer = None

    def view_select(
        self, query: str, columns: Sequence[tuple[str, str]], names: dict[str, str], aliases: list[str]
    ) -> str:
        # the query is wrapped in a second SELECT, as PocketBase does
        return f"SELECT * FROM ({query})"
