"""WAL checkpoints off the event loop.

SQLite's automatic checkpoint runs inside the COMMIT that takes the write-ahead log past 1000
pages: it copies the log into the database file and, with `synchronous=NORMAL`, waits for two
fsyncs, all on the event loop that serves every request. Here the writer's commits only note
the log's size; past the same threshold a PASSIVE checkpoint runs on a connection of its own
in a thread (apsw releases the GIL inside SQLite), while the loop and the writer go on. A
passive checkpoint never waits for readers or writers; whatever it could not copy is copied
by the next one."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import apsw

log = logging.getLogger("roost")

CHECKPOINT_PAGES = 1000  # SQLite's own default threshold (PRAGMA wal_autocheckpoint)


class BackgroundCheckpoint:
    def __init__(self, path: str, connect: Callable[[str], apsw.Connection]) -> None:
        self.path = path
        self.connect = connect
        self.pending = False  # a checkpoint is queued or running
        self.runs = 0
        self._conn: apsw.Connection | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="roost-checkpoint")

    def attach(self, writer: apsw.Connection) -> None:
        """Watch `writer`'s commits (this also turns its automatic checkpoint off)."""
        writer.set_wal_hook(self._after_commit)

    def _after_commit(self, _conn: apsw.Connection, _db: str, pages: int) -> int:
        if pages >= CHECKPOINT_PAGES and not self.pending:
            self.pending = True
            self._pool.submit(self._run)
        return apsw.SQLITE_OK

    def _run(self) -> None:
        try:
            if self._conn is None:
                self._conn = self.connect(self.path)
            self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self.runs += 1
        except apsw.Error as exc:
            log.warning("WAL checkpoint failed (the next commit tries again): %s", exc)
        finally:
            self.pending = False

    async def release(self) -> None:
        """Wait for a running checkpoint and close its connection (before the file is swapped)."""
        await asyncio.wrap_future(self._pool.submit(self._drop_connection))

    def _drop_connection(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        if self._conn is not None:
            self._conn.close()
            self._conn = None
