"""Request counters for rate limits: a fixed window per (bucket, client) that starts with the
client's first request and lasts `window` seconds, as PocketBase counts them.

    limiter = MemoryLimiter()                       # one process
    limiter = RedisLimiter("redis://...", prefix)   # every worker and instance sharing a Redis
    hit = await limiter.hit("rule-id|1.2.3.4", limit=20, window=5.0)
    hit.allowed, hit.remaining, hit.reset           # reset: seconds until the window ends

Nothing here knows about settings, rules or requests: callers build the keys."""

from __future__ import annotations

from roost.ratelimit.base import Hit, Limiter
from roost.ratelimit.memory import MemoryLimiter

__all__ = ["Hit", "Limiter", "MemoryLimiter"]
