"""`/api/metrics` of `roost serve --workers 2`: every scrape describes the whole server, whichever
worker answers it. Requests spread over both workers (their X-Request-Id carries the answering
process's tag); each scrape then counts all of them, and `promtool check metrics` accepts it."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from roost.metrics.shared import PUBLISH_EVERY
from tests.api.test_metrics import promtool_check, samples
from tests.conftest import drop_db_url, new_db_url
from tests.e2e.server import RoostServer
from tests.e2e.test_realtime_serve import REDIS, needs_redis

pytestmark = pytest.mark.e2e

SECRET = "workers-metrics-secret"
# a guest reading the settings: a route and status nothing else in the test produces
REFUSED = (
    'http_server_request_duration_seconds_count{http_request_method="GET",'
    'http_response_status_code="401",http_route="/api/settings"}'
)


def scrape(url: str) -> tuple[str, str]:
    r = httpx.get(f"{url}/api/metrics", headers={"Authorization": f"Bearer {SECRET}"}, timeout=10)
    assert r.status_code == 200, r.text
    return r.text, r.headers["x-request-id"][:8]


@pytest.fixture
def db_url():
    url = asyncio.run(new_db_url())
    yield url
    asyncio.run(drop_db_url(url))


@needs_redis
def test_a_scrape_counts_every_workers_requests(tmp_path, db_url):
    server = RoostServer(
        str(tmp_path / "data"), db_url, ("--workers", "2", "--redis", REDIS, "--metricsSecret", SECRET)
    )
    with server:
        workers = set()
        for _ in range(60):  # a new connection each: the kernel hands them to either worker
            r = httpx.get(f"{server.url}/api/settings", timeout=10)
            assert r.status_code == 401
            workers.add(r.headers["x-request-id"][:8])
        assert len(workers) == 2, "the requests should have reached both workers"

        # other workers' numbers are a snapshot at most a second old: every scrape converges on
        # the full count, from either worker, and never counts a request twice
        time.sleep(PUBLISH_EVERY + 0.5)
        full: set[str] = set()
        deadline = time.monotonic() + 15
        while full != workers:
            text, worker = scrape(server.url)
            values = samples(text)
            assert values[REFUSED] <= 60
            if values[REFUSED] == 60:
                full.add(worker)
            assert time.monotonic() < deadline, f"{values[REFUSED]} from {worker}; full from {full}"
            assert values["process_cpu_seconds_total"] > 0
            assert values["http_server_active_requests"] >= 1  # this scrape, at least
            time.sleep(0.1)
        promtool_check(text)
