"""A stamp that changes after any commit that updated or deleted rows of watched tables.

Every process on one SQLite file (server workers, the `roost` command) shares the stamp: eight
bytes in a file beside the database, mapped into memory, so reading it costs no system call.
The writer connection's update hook notes a change to a watched table; its WAL hook, which
SQLite runs once the COMMIT is in the log, writes a fresh random value. A cache of rows from
those tables keeps the stamp it was filled under and starts afresh when the stamp differs
(roost/core/auth_records.py). Random values rather than a counter: two processes stamping at
once can never leave a value that a reader has already seen.

Not seen: `DELETE` without `WHERE` (SQLite's truncate optimisation skips the update hook; the
SQL console stamps after every write for that reason) and programs other than Roost writing to
the file. Caches bound their entries' age for those."""

from __future__ import annotations

import contextlib
import logging
import mmap
import os
from collections.abc import Iterable

import apsw

log = logging.getLogger("roost")

STAMP_SIZE = 8
_CHANGED_ROWS = (apsw.SQLITE_UPDATE, apsw.SQLITE_DELETE)


class TableChanges:
    def __init__(self, path: str) -> None:
        self.path = path
        self.tables: frozenset[str] = frozenset()
        self._pending = False  # the open transaction changed a watched table
        self._map: mmap.mmap | None = None

    def open(self) -> bool:
        """Map the stamp file (made if missing); False when it cannot be (the caller then
        caches nothing)."""
        if self._map is not None:
            return True
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                if os.fstat(fd).st_size < STAMP_SIZE:
                    os.pwrite(fd, os.urandom(STAMP_SIZE), 0)
                self._map = mmap.mmap(fd, STAMP_SIZE)
            finally:
                os.close(fd)
        except OSError as exc:
            log.warning(
                "cannot share the change stamp at %s (%s): auth records are read every time", self.path, exc
            )
            return False
        return True

    def watch(self, tables: Iterable[str]) -> None:
        self.tables = frozenset(tables)

    def stamp(self) -> bytes:
        return self._map[:STAMP_SIZE] if self._map is not None else b""

    def bump(self) -> None:
        if self._map is not None:
            self._map[:STAMP_SIZE] = os.urandom(STAMP_SIZE)

    def on_update(self, op: int, _db: str, table: str, _rowid: int) -> None:
        """The writer's update hook: runs for every row written, so it only looks at a set."""
        if table in self.tables and op in _CHANGED_ROWS:
            self._pending = True

    def committed(self) -> None:
        """Called from the writer's WAL hook, after a COMMIT."""
        if self._pending:
            self._pending = False
            self.bump()

    def close(self) -> None:
        if self._map is not None:
            with contextlib.suppress(BufferError, ValueError):
                self._map.close()
            self._map = None
