"""Each tick runs a job once, however many schedulers share the database (workers, instances).

Two App instances on one database (a SQLite file or a PostgreSQL schema) run the real ticker
side by side; the tick lock is the only thing between them."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from roost.core.app import App
from roost.core.cron_locks import DatabaseTickLock, RedisTickLock
from roost.cron import tick_key
from tests.conftest import drop_db_url, new_db_url

pytestmark = pytest.mark.anyio

REDIS_URL = os.environ.get("ROOST_TEST_REDIS", "redis://127.0.0.1:6379/0")


@pytest.fixture
async def two_apps(tmp_path: Any):
    url = await new_db_url()
    apps = [await App.open(str(tmp_path / "data"), url) for _ in range(2)]
    try:
        yield apps
    finally:
        for a in apps:
            await a.close()
        await drop_db_url(url)


async def test_two_tickers_run_each_tick_once(two_apps: list[App]) -> None:
    runs: list[tuple[int, str]] = []
    for n, app in enumerate(two_apps):
        app.cron.interval = 1.0  # a tick every second instead of every minute

        async def job(n: int = n) -> None:
            runs.append((n, tick_key(datetime.now(UTC))))

        app.cron.add("every", "* * * * *", job)
    for app in two_apps:
        app.cron.start()
    await asyncio.sleep(3.5)
    for app in two_apps:
        await app.cron.stop()
    claimed = await two_apps[0].db.fetch_all('SELECT "tick" FROM "_cron_ticks" WHERE "job" = ?', ("every",))
    ticks = [row[0] for row in claimed]
    assert len(ticks) >= 3
    assert len(runs) == len(ticks)  # one run per claimed tick, never two


async def test_concurrent_claims_of_one_tick(two_apps: list[App]) -> None:
    count = Counter[str]()

    for app in two_apps:

        async def job() -> None:
            count["job"] += 1

        app.cron.add("job", "*/5 * * * *", job)
        app.cron.add("other", "*/10 * * * *", job)
    moment = datetime(2026, 5, 1, 12, 5, tzinfo=UTC)  # due for "job", not for "other"
    started = await asyncio.gather(*(a.cron.run_due(moment) for a in two_apps for _ in range(3)))
    await asyncio.gather(*(t for batch in started for t in batch))
    assert count["job"] == 1
    # the next due tick runs again
    started = await asyncio.gather(*(a.cron.run_due(moment.replace(minute=10)) for a in two_apps))
    await asyncio.gather(*(t for batch in started for t in batch))
    assert count["job"] == 3  # "job" and "other" both ran once at 12:10


async def test_database_lock(two_apps: list[App]) -> None:
    a, b = (DatabaseTickLock(app.db) for app in two_apps)
    assert await a.claim("j", "2026-05-01T12:05:00Z") is True
    assert await b.claim("j", "2026-05-01T12:05:00Z") is False
    assert await a.claim("j", "2026-05-01T12:05:00Z") is False
    assert await b.claim("k", "2026-05-01T12:05:00Z") is True
    assert await b.claim("j", "2026-05-01T12:06:00Z") is True


async def test_redis_lock() -> None:
    prefix = f"roost-test-{uuid.uuid4().hex}:"
    a, b = RedisTickLock(REDIS_URL, prefix), RedisTickLock(REDIS_URL, prefix)
    try:
        results = await asyncio.gather(*(lock.claim("j", "t1") for lock in (a, b, a, b)))
        assert sorted(results) == [False, False, False, True]
        assert await b.claim("j", "t2") is True
        assert await a.claim("other", "t1") is True
    finally:
        await a.close()
        await b.close()


async def test_old_ticks_are_pruned_but_never_the_claimed_one(two_apps: list[App]) -> None:
    a, b = (DatabaseTickLock(app.db) for app in two_apps)
    assert await a.claim("j", "2026-05-01T12:00:00Z") is True
    assert await a.claim("j", "2026-05-03T12:00:00Z") is True
    assert await b.claim("j", "2026-05-03T12:01:00Z") is True
    rows = await two_apps[0].db.fetch_all('SELECT "tick" FROM "_cron_ticks" ORDER BY "tick"')
    assert [r[0] for r in rows] == ["2026-05-03T12:00:00Z", "2026-05-03T12:01:00Z"]
    assert await a.claim("j", "2026-05-03T12:00:00Z") is False
