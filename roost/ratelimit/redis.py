"""Counters in Redis, shared by every worker and instance: one Lua script per request counts
and reads the window atomically (INCR, and PEXPIRE when the window is new), so concurrent
requests on any number of processes never over-admit.

While Redis cannot be reached, requests are counted in this process instead (a warning is
logged at most every 30 s), so limits keep holding per process rather than failing open."""

from __future__ import annotations

import logging
import time
from typing import Any

from roost.ratelimit.base import Hit, Limiter
from roost.ratelimit.memory import MemoryLimiter

log = logging.getLogger("roost.ratelimit")

# KEYS[1] the counter; ARGV[1] the window in milliseconds. Returns {count, ms left}.
_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
"""
_WARN_EVERY = 30.0


class RedisLimiter(Limiter):
    def __init__(self, url: str, prefix: str = "roost:") -> None:
        self.url = url
        self.prefix = prefix + "rl:"
        self._client: Any = None
        self._script: Any = None
        self._fallback = MemoryLimiter()
        self._warned = 0.0

    def _connect(self) -> None:
        import redis.asyncio as aioredis

        self._client = aioredis.from_url(
            self.url, socket_connect_timeout=1, socket_timeout=1, socket_keepalive=True
        )
        self._script = self._client.register_script(_SCRIPT)

    async def hit(self, key: str, limit: int, window: float) -> Hit:
        if self._script is None:
            self._connect()
        try:
            count, ms_left = await self._script(keys=[self.prefix + key], args=[max(1, int(window * 1000))])
        except Exception as exc:  # redis.RedisError or OSError: count here meanwhile
            self._unavailable(exc)
            return self._fallback.hit_now(key, limit, window)
        count, reset = int(count), max(int(ms_left), 0) / 1000
        if count > limit:
            return Hit(False, limit, 0, reset)
        return Hit(True, limit, limit - count, reset)

    async def pause(self, key: str, seconds: float) -> None:
        try:
            await self._redis().set(self.prefix + "pause:" + key, b"1", px=max(1, int(seconds * 1000)))
        except Exception as exc:
            self._unavailable(exc)
            self._fallback.pause_now(key, seconds)

    async def paused(self, key: str) -> bool:
        try:
            return bool(await self._redis().exists(self.prefix + "pause:" + key))
        except Exception as exc:
            self._unavailable(exc)
            return self._fallback.paused_now(key)

    async def unpause(self, key: str) -> None:
        await self._fallback.unpause(key)
        try:
            await self._redis().delete(self.prefix + "pause:" + key)
        except Exception as exc:
            self._unavailable(exc)

    def _redis(self) -> Any:
        if self._client is None:
            self._connect()
        return self._client

    def _unavailable(self, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._warned >= _WARN_EVERY:
            self._warned = now
            log.warning("rate limits: Redis unavailable (%s); counting in this process", exc)

    def reset(self) -> None:
        self._fallback.reset()

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
            self._script = None
