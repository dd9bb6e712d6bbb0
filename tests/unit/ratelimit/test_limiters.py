"""The counters: PocketBase's fixed window (it starts with a client's first request and lasts
`window` seconds), in process and in a real Redis shared by several limiters."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from roost.ratelimit import MemoryLimiter
from roost.ratelimit.redis import RedisLimiter
from tests.e2e.test_realtime_serve import REDIS, needs_redis

pytestmark = pytest.mark.anyio


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_memory_window_starts_with_the_first_request():
    clock = Clock()
    limiter = MemoryLimiter(clock)
    first = await limiter.hit("k", 2, 3)
    assert (first.allowed, first.remaining, first.reset) == (True, 1, 3)
    clock.now += 2
    assert (await limiter.hit("k", 2, 3)).allowed
    clock.now += 0.5
    denied = await limiter.hit("k", 2, 3)
    assert (denied.allowed, denied.remaining, denied.reset) == (False, 0, 0.5)
    assert (await limiter.hit("other", 2, 3)).allowed  # keys count apart
    clock.now += 0.5  # 3 s after the first request: a new window
    assert (await limiter.hit("k", 2, 3)).remaining == 1
    limiter.reset()
    assert (await limiter.hit("k", 2, 3)).remaining == 1


async def test_a_new_window_never_resets_later_than_its_length():
    """The first request of a window is told the full window, not a float rounding above it
    (the `ratelimit` header's `t=` would read 31 for a 30-s window)."""
    clock = Clock()
    clock.now = 7.7  # 7.7 + 30 - 7.7 == 30.000000000000004
    hit = await MemoryLimiter(clock).hit("k", 2, 30)
    assert hit.reset == 30


@needs_redis
async def test_redis_limiters_share_one_count():
    prefix = f"roost-test-{uuid.uuid4().hex[:8]}:"
    a, b = RedisLimiter(REDIS, prefix), RedisLimiter(REDIS, prefix)
    try:
        hits = await asyncio.gather(*((a, b)[i % 2].hit("k", 5, 30) for i in range(12)))
        assert sorted(h.allowed for h in hits) == [False] * 7 + [True] * 5
        assert all(0 < h.reset <= 30 for h in hits)
        short = [await a.hit("short", 1, 0.3), await b.hit("short", 1, 0.3)]
        assert [h.allowed for h in short] == [True, False]
        await asyncio.sleep(0.35)
        assert (await b.hit("short", 1, 0.3)).allowed
    finally:
        await a.close()
        await b.close()


async def test_unreachable_redis_counts_in_process(caplog):
    limiter = RedisLimiter("redis://127.0.0.1:9/0", "x:")  # nothing listens on the discard port
    try:
        assert [(await limiter.hit("k", 2, 30)).allowed for _ in range(3)] == [True, True, False]
    finally:
        await limiter.close()
    assert "counting in this process" in caplog.text


async def test_memory_pause_ends_on_time_or_when_lifted():
    clock = Clock()
    limiter = MemoryLimiter(clock)
    assert not await limiter.paused("mail")
    await limiter.pause("mail", 120)
    clock.now += 119
    assert await limiter.paused("mail") and not await limiter.paused("other")
    clock.now += 1
    assert not await limiter.paused("mail")
    await limiter.pause("mail", 120)
    await limiter.unpause("mail")
    assert not await limiter.paused("mail")


@needs_redis
async def test_redis_pause_holds_for_every_instance():
    """A mail paused by one instance is paused for the others (no second mail from another)."""
    prefix = f"roost-test-{uuid.uuid4().hex[:8]}:"
    a, b = RedisLimiter(REDIS, prefix), RedisLimiter(REDIS, prefix)
    try:
        await a.pause("verification:users:r1", 0.3)
        assert await b.paused("verification:users:r1")
        assert not await b.paused("verification:users:r2")
        await asyncio.sleep(0.35)
        assert not await a.paused("verification:users:r1")
        await a.pause("passwordReset:users:r1", 60)
        await b.unpause("passwordReset:users:r1")
        assert not await a.paused("passwordReset:users:r1")
    finally:
        await a.close()
        await b.close()
