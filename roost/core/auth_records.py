"""The records behind auth tokens, kept between requests where the engine can say when they change.

Every authenticated request needs its auth record: its tokenKey proves the token still valid (a
password change regenerates it) and its fields feed `@request.auth.*` in rules. Reading it is one
query per request; on SQLite that read also starts a read transaction afresh after every commit,
and under writes that costs more than the rest of the lookup.

`app.dialect.watch_tables` gives a stamp that changes after any commit that updated or deleted
rows of an auth collection. Entries live under the stamp they were read under: a different stamp
drops them all before the next lookup. On SQLite every Roost process on the file changes the
stamp with its COMMIT (roost/db/dialects/sqlite_changes.py), so a password change, a deletion or
a role edited by a hook's own SQL is seen by the first request after it. On PostgreSQL a trigger
notifies every listening instance (roost/db/dialects/postgres_changes.py): this process's record
writes are seen at once (`clear`), anything else within milliseconds, once its notification is
read. An entry also lives at most `MAX_AGE` seconds, which bounds what no stamp can see (another
program editing the SQLite file)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from roost.core.records import fetch_record

if TYPE_CHECKING:
    from roost.core.app import App
    from roost.core.collections import Collection

MAX_AGE = 5.0  # seconds an entry is trusted without a change the stamp can see
MAX_ENTRIES = 10_000


class AuthRecords:
    def __init__(self, app: App) -> None:
        self.app = app
        self._stamp_of: Callable[[], bytes] | None = None
        self._stamp = b""
        self._epoch = 0  # bumped by clear(): a read begun before it is not kept
        self._entries: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
        # every process watches, so that its writes reach the others' caches
        app.registry.watchers.append(self._watch)
        self._watch()

    def _watch(self) -> None:
        """The auth collections' tables (after any collection change): watch them afresh."""
        registry = self.app.registry
        self._stamp_of = self.app.dialect.watch_tables(c.name for c in registry.all() if c.is_auth)
        self._entries.clear()

    def clear(self) -> None:
        """Forget every entry: this process changed an auth record (called after its commit, so
        the next request reads it afresh on any engine, before a notification could arrive)."""
        self._epoch += 1
        self._entries.clear()

    async def get(self, coll: Collection, record_id: str) -> dict[str, Any] | None:
        """The auth record `record_id` of `coll` as committed, or None when it does not exist."""
        if self._stamp_of is None:
            return await fetch_record(self.app, coll, record_id)
        stamp, epoch = self._stamp_of(), self._epoch
        if stamp != self._stamp:
            self._stamp = stamp
            self._entries.clear()
        key = (coll.id, record_id)
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and now - entry[0] < MAX_AGE:
            return dict(entry[1])  # a copy: callers may change theirs
        record = await fetch_record(self.app, coll, record_id)
        # kept only if nothing changed meanwhile (the read may predate that change)
        if record is not None and self._epoch == epoch and self._stamp_of() == stamp:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = (now, dict(record))
        return record
