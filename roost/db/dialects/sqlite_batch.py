"""Appending batches of rows to one SQLite table (the request logs) without holding the GIL.

A batch travels as one JSON text and is inserted by one statement, `INSERT ... SELECT ... FROM
json_each(?)`, run in a thread of its own. apsw releases the GIL while SQLite works, and with a
single bound value the thread takes the GIL back once per batch instead of once per row: the
B-tree and WAL work of a few hundred rows then runs beside the event loop instead of on it. (An
`executemany` in a thread binds row by row and so fights the loop for the GIL at every row; on
the loop it costs every request its share of the SQLite work.)"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import apsw
import orjson


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
        self.batches += 1
        if self.batches % self.CHECKPOINT_EVERY == 0:
            await self._run(self._checkpoint)

    def _insert_batch(self, batch: str) -> None:
        try:
            self._conn().execute(self.sql, (batch,))
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
