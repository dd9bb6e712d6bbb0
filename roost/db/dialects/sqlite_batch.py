"""Appending batches of rows to one SQLite table (the request logs) without holding the GIL.

A batch travels as one JSON text and is inserted by one statement, `INSERT ... SELECT ... FROM
json_each(?)`, run in a thread of its own. apsw releases the GIL while SQLite works, and with a
single bound value the thread takes the GIL back once per batch instead of once per row: the
B-tree and WAL work of a few hundred rows then runs beside the event loop instead of on it. (An
`executemany` in a thread binds row by row and so fights the loop for the GIL at every row; on
the loop it costs every request its share of the SQLite work.) For plain successful requests
(`insert_requests`) SQLite also builds the row itself, JSON data included, from a few values."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import apsw
import orjson

# the columns (id, level, message, data, created) of a log row from the JSON array of one plain
# request: [time, method, url, status, execTime, ip, userAgent, referer, auth] (see base.py).
# jsonb_each hands each row over as binary JSON, so its dozen `->>` reads do not parse text.
_REQUEST_ROWS = """SELECT printf('%013x', ?2 + key) || ?3, 0, (value->>1) || ' ' || (value->>2),
 json_object('auth', value->>8, 'execTime', value->>4, 'method', value->>1, 'referer', value->>7,
  'remoteIP', value->>5, 'status', value->>3, 'type', 'request', 'url', value->>2,
  'userAgent', value->>6, 'userIP', value->>5),
 strftime('%Y-%m-%d %H:%M:%fZ', CAST(value->>0 * 1000 AS INTEGER) / 1000.0, 'unixepoch')
FROM jsonb_each(?1)"""


class FileWriter:
    """The rows of `table` with `columns` (quoted names), appended on a connection of its own.
    The WAL is checkpointed every CHECKPOINT_EVERY batches; other statements (deletes, which may
    scan) run in the same thread, so they stay in order with the inserts."""

    CHECKPOINT_EVERY = 64

    def __init__(
        self,
        path: str,
        table: str,
        columns: Sequence[str],
        connect: Callable[[str], apsw.Connection],
        translate: Callable[[Exception], Exception],
    ) -> None:
        self.path = path
        picks = ", ".join(f"value->>{i}" for i in range(len(columns)))
        self.sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {picks} FROM json_each(?)"
        self.row_sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        self.request_sql = f"INSERT INTO {table} ({', '.join(columns)}) {_REQUEST_ROWS}"
        self._connect = connect
        self._translate = translate
        self.conn: apsw.Connection | None = None
        self.batches = 0
        self._thread: ThreadPoolExecutor | None = None

    def _conn(self) -> apsw.Connection:
        if self.conn is None:
            self.conn = self._connect(self.path)
            self.conn.execute("PRAGMA cache_size=-4000").fetchall()  # appends need few pages
            self.conn.execute("PRAGMA wal_autocheckpoint=0").fetchall()
        return self.conn

    async def _run(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="roost-logs")
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn, *args)

    async def insert(self, rows: list[tuple[Any, ...]]) -> None:
        try:
            batch = orjson.dumps(rows).decode()
        except TypeError:  # text that is not valid UTF-8 (a lone surrogate): bound row by row
            await self._run(self._insert_rows, rows)
        else:
            await self._run(self._insert_batch, batch)
        await self._batch_written()

    async def insert_requests(self, rows: list[tuple[Any, ...]], first_id: int, suffix: str) -> None:
        """`RequestLogWriter.insert_requests`: the ids, message, JSON data and timestamps are made
        by SQLite in the writer thread, with the GIL released, instead of in Python per row."""
        batch = orjson.dumps(rows).decode()  # TypeError for text that is not valid Unicode
        await self._run(self._insert_batch, batch, self.request_sql, (first_id, suffix))
        await self._batch_written()

    async def _batch_written(self) -> None:
        self.batches += 1
        if self.batches % self.CHECKPOINT_EVERY == 0:
            await self._run(self._checkpoint)

    def _insert_batch(self, batch: str, sql: str = "", params: tuple[Any, ...] = ()) -> None:
        try:
            self._conn().execute(sql or self.sql, (batch, *params))
        except apsw.Error as exc:
            raise self._translate(exc) from None

    def _insert_rows(self, rows: list[tuple[Any, ...]]) -> None:
        conn = self._conn()
        try:
            with conn:  # one transaction
                conn.executemany(self.row_sql, rows)
        except apsw.Error as exc:
            raise self._translate(exc) from None

    def _checkpoint(self) -> None:
        try:
            self._conn().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except apsw.Error:
            pass  # readers in the way: the next one catches up

    async def execute(self, sql: str, params: Sequence[Any]) -> int:
        def run() -> int:
            conn = self._conn()
            try:
                conn.execute(sql, params)
            except apsw.Error as exc:
                raise self._translate(exc) from None
            return conn.changes()

        return int(await self._run(run))

    def close(self) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None
        if self.conn is not None:
            self._checkpoint()
            self.conn.close()
            self.conn = None
