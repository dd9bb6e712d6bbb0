"""Logs and metrics through `roost serve`: requests reach the log store from a real server, and a
Prometheus scrape with `--metricsSecret` sees realtime connections and deliveries."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from tests.api.test_metrics import promtool_check, samples
from tests.e2e.server import RoostServer
from tests.e2e.test_realtime_serve import SU, Stream, db_url, login, subscribe  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

SECRET = "e2e-metrics-secret"


def test_logs_and_metrics_through_the_real_server(tmp_path, db_url):  # noqa: F811
    server = RoostServer(str(tmp_path / "data"), db_url, extra=("--metricsSecret", SECRET))
    assert server.cli("superuser", "upsert", *SU).returncode == 0

    async def scenario() -> None:
        async with httpx.AsyncClient(timeout=10) as http:
            su = {"Authorization": await login(http, server.url, "_superusers", *SU)}
            r = await http.post(
                f"{server.url}/api/collections",
                headers=su,
                json={"name": "items", "type": "base", "listRule": "", "viewRule": "", "fields": []},
            )
            assert r.status_code == 200, r.text
            await http.get(f"{server.url}/api/e2e-missing")
            async with Stream(server.url) as s:
                assert await subscribe(http, server.url, s.client_id, ["items/*"]) == 204
                await http.post(f"{server.url}/api/collections/items/records", headers=su, json={})
                assert (await s.next())["event"] == "items/*"
                scrape = await http.get(
                    f"{server.url}/api/metrics", headers={"Authorization": f"Bearer {SECRET}"}
                )
                assert scrape.status_code == 200
                values = samples(scrape.text)
                assert values["roost_realtime_connections"] == 1
                assert values["roost_realtime_messages_delivered_total"] >= 1
                promtool_check(scrape.text)
            # the failed request is stored (written within a second), the realtime stream is not
            deadline = time.time() + 10
            while True:
                r = await http.get(
                    f"{server.url}/api/logs", headers=su, params={"filter": "data.url ~ 'e2e-missing'"}
                )
                if r.json()["totalItems"] == 1:
                    break
                assert time.time() < deadline, r.text
                await asyncio.sleep(0.2)
            item = r.json()["items"][0]
            assert item["data"]["status"] == 404 and item["level"] == 8
            r = await http.get(
                f"{server.url}/api/logs",
                headers=su,
                params={"filter": "data.url = '/api/realtime' && data.method = 'GET'"},
            )
            assert r.json()["totalItems"] == 0

    with server:
        asyncio.run(scenario())
