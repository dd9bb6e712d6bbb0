"""Tick locks for the scheduler (`roost.cron.TickLock`), one per shared backend.

Every worker and instance runs the same scheduler; before running a due job each one tries to
claim (job, tick), and only the one that succeeds runs it.

- `DatabaseTickLock`: an INSERT into `_cron_ticks`, whose primary key is (job, tick); the insert
  that lands wins. Works on PostgreSQL across instances and on SQLite across the workers sharing
  the database file.
- `RedisTickLock`: `SET key NX EX`, for deployments that already share a Redis."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from roost.db import Database, DatabaseError

log = logging.getLogger("roost.cron")

TABLE = "_cron_ticks"
KEEP_SECONDS = 86_400  # claimed ticks are kept a day, then pruned
_PRUNE_EVERY = 3_600.0


class DatabaseTickLock:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._ready = False
        self._pruned_at: float | None = None

    async def _ensure(self) -> None:
        d = self.db.dialect
        q = d.quote
        try:
            await self.db.execute(
                f"CREATE TABLE IF NOT EXISTS {q(TABLE)} ({q('job')} TEXT NOT NULL, {q('tick')} TEXT NOT NULL, "
                f"PRIMARY KEY ({q('job')}, {q('tick')}))"
            )
        except DatabaseError:
            # another process created it at the same moment
            if not await d.table_exists(self.db, TABLE):
                raise
        self._ready = True

    async def claim(self, job_id: str, tick: str) -> bool:
        if not self._ready:
            await self._ensure()
        q = self.db.dialect.quote
        inserted = await self.db.execute(
            f"INSERT INTO {q(TABLE)} ({q('job')}, {q('tick')}) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (job_id, tick),
        )
        if self._pruned_at is None or time.monotonic() - self._pruned_at > _PRUNE_EVERY:
            self._pruned_at = time.monotonic()
            await self._prune(tick)
        return inserted == 1

    async def _prune(self, tick: str) -> None:
        """Forget ticks a day older than the one just claimed (never that one or newer)."""
        try:
            claimed = datetime.strptime(tick, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            return
        q = self.db.dialect.quote
        cutoff = (claimed - timedelta(seconds=KEEP_SECONDS)).strftime("%Y-%m-%dT%H:%M:%SZ")
        try:
            await self.db.execute(f"DELETE FROM {q(TABLE)} WHERE {q('tick')} < ?", (cutoff,))
        except DatabaseError:
            log.exception("cron: could not prune old ticks")


class RedisTickLock:
    """`prefix` separates deployments sharing one Redis (the realtime channel prefix)."""

    def __init__(self, url: str, prefix: str = "roost:") -> None:
        self.url = url
        self.prefix = prefix
        self._client: Any = None

    async def claim(self, job_id: str, tick: str) -> bool:
        if self._client is None:
            import redis.asyncio as aioredis

            self._client = aioredis.from_url(self.url, socket_connect_timeout=2)
        key = f"{self.prefix}cron:{job_id}:{tick}"
        return bool(await self._client.set(key, b"1", nx=True, ex=KEEP_SECONDS))

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
