"""`GET /api/metrics`: Prometheus' text format for superusers or the configured bearer secret, with
request durations labelled by route template (never the raw path), database timings and process
metrics; `promtool check metrics` accepts it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from tests.helpers import make_collection, make_user

pytestmark = pytest.mark.anyio

SECRET = "s3cr3t-metrics-token"


def samples(text: str) -> dict[str, float]:
    """`name{labels}` -> value, for every sample line."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            out[key] = float(value)
    return out


def promtool_check(text: str) -> None:
    """Runs `promtool check metrics` on the text. In CI promtool must be there (.ci/run installs
    Debian's prometheus package); elsewhere the check is skipped only when it is missing."""
    promtool = shutil.which("promtool")
    if promtool is None:
        if os.environ.get("CI"):
            pytest.fail("promtool is missing in CI (.ci/run installs Debian's prometheus package)")
        pytest.skip("promtool is not installed (Debian package prometheus)")
    result = subprocess.run(
        [promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


async def test_who_may_read_metrics(app, client, su):
    r = await client.get("/api/metrics")
    assert r.status_code == 401
    assert r.json() == {
        "data": {},
        "message": "The request requires valid record authorization token.",
        "status": 401,
    }
    _, user_token = await make_user(client, "m@example.com")
    r = await client.get("/api/metrics", headers={"Authorization": user_token})
    assert r.status_code == 403
    r = await client.get("/api/metrics", headers=su)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    # the bearer secret, only once one is configured, and compared exactly
    assert (
        await client.get("/api/metrics", headers={"Authorization": f"Bearer {SECRET}"})
    ).status_code == 401
    app.metrics_secret = SECRET
    assert (
        await client.get("/api/metrics", headers={"Authorization": f"Bearer {SECRET}"})
    ).status_code == 200
    assert (
        await client.get("/api/metrics", headers={"Authorization": f"Bearer {SECRET}x"})
    ).status_code == 401
    assert (await client.get("/api/metrics", headers={"Authorization": SECRET[:-1]})).status_code == 401


async def test_request_durations_by_route_template(app, client, su):
    await make_collection(
        client,
        su,
        {"name": "posts", "type": "base", "viewRule": "", "fields": [{"name": "title", "type": "text"}]},
    )
    rec = (await client.post("/api/collections/posts/records", headers=su, json={"title": "a"})).json()
    for _ in range(3):
        assert (await client.get(f"/api/collections/posts/records/{rec['id']}")).status_code == 200
    await client.get("/api/collections/posts/records/missing0000000")
    text = (await client.get("/api/metrics", headers=su)).text
    assert rec["id"] not in text and "missing0000000" not in text  # raw paths never become labels
    values = samples(text)
    route = "/api/collections/{collection}/records/{id}"
    ok = f'http_request_method="GET",http_response_status_code="200",http_route="{route}"'
    assert values[f"http_server_request_duration_seconds_count{{{ok}}}"] == 3
    assert values[f'http_server_request_duration_seconds_bucket{{{ok},le="+Inf"}}'] == 3
    assert values[f"http_server_request_duration_seconds_sum{{{ok}}}"] > 0
    missing = f'http_request_method="GET",http_response_status_code="404",http_route="{route}"'
    assert values[f"http_server_request_duration_seconds_count{{{missing}}}"] == 1
    # the scrape itself is in flight while it renders
    assert values["http_server_active_requests"] == 1
    assert "# TYPE http_server_request_duration_seconds histogram" in text


async def test_database_realtime_log_and_process_metrics(app, client, su):
    await client.get("/api/collections/users/records", headers=su, params={"filter": "email != ''"})
    text = (await client.get("/api/metrics", headers=su)).text
    values = samples(text)
    system = app.dialect.system_name
    for kind in ("read", "scan", "write", "transaction"):
        key = f'db_client_operation_duration_seconds_count{{db_operation_name="{kind}",db_system_name="{system}"}}'
        assert key in values
    assert (
        values[
            f'db_client_operation_duration_seconds_count{{db_operation_name="scan",db_system_name="{system}"}}'
        ]
        >= 1
    )
    assert values["roost_realtime_connections"] == 0
    assert "roost_realtime_messages_delivered_total" in values
    assert 'roost_logs_total{outcome="dropped"}' in values
    assert values["process_resident_memory_bytes"] > 0
    assert "process_cpu_seconds_total" in values
    assert ("roost_sqlite_writer_wait_seconds_count" in values) == (system == "sqlite")


async def test_promtool_accepts_the_output(app, client, su):
    await client.get("/api/health")
    await client.get("/api/nothing")
    await client.request("BREW", "/api/health")  # an unknown method is reported as _OTHER
    text = (await client.get("/api/metrics", headers=su)).text
    assert re.search(r'http_request_method="_OTHER"', text)
    promtool_check(text)
