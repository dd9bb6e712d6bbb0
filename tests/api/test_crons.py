"""GET /api/crons and POST /api/crons/{id}, checked against PocketBase 0.40.6's answers."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest

from roost.core.app import App
from tests.helpers import error_shape, make_user

pytestmark = pytest.mark.anyio


async def test_list_needs_a_superuser(app: App, client: httpx.AsyncClient) -> None:
    r = await client.get("/api/crons")
    assert r.status_code == 401
    assert r.json() == {
        "data": {},
        "message": "The request requires valid record authorization token.",
        "status": 401,
    }
    _, token = await make_user(client, "someone@example.com")
    for method, url in (("GET", "/api/crons"), ("POST", "/api/crons/anything")):
        r = await client.request(method, url, headers={"Authorization": token})
        assert r.status_code == 403
        assert r.json()["message"] == "The authorized record is not allowed to perform this action."
    r = await client.post("/api/crons/anything")
    assert r.status_code == 401


async def test_list_sorted_by_id_with_expanded_macros(
    app: App, client: httpx.AsyncClient, su: dict[str, str]
) -> None:
    r = await client.get("/api/crons", headers=su)
    assert r.status_code == 200
    system = r.json()  # PocketBase's own jobs, listed last
    assert {"id": "__pbDBOptimize__", "expression": "0 0 * * *"} in system
    assert {"id": "__pbOTPCleanup__", "expression": "0 * * * *"} in system
    assert {"id": "__pbLogsCleanup__", "expression": "0 */6 * * *"} in system
    assert {"id": "__pbMFACleanup__", "expression": "0 * * * *"} in system

    async def noop() -> None:
        pass

    app.cron.add("reports", "@daily", noop)
    app.cron.add("__pbCustom__", "0 */6 * * *", noop)
    app.cron.add("cleanup", "*/5 * * * *", noop)
    app.cron.add("Zeta", "0 0 1 1 *", noop)
    r = await client.get("/api/crons", headers=su)
    listed = [
        {"id": "Zeta", "expression": "0 0 1 1 *"},
        {"id": "cleanup", "expression": "*/5 * * * *"},
        {"id": "reports", "expression": "0 0 * * *"},
        *sorted([*system, {"id": "__pbCustom__", "expression": "0 */6 * * *"}], key=lambda j: j["id"]),
    ]
    assert r.json() == listed
    app.cron.remove("cleanup")
    app.cron.add("reports", "@hourly", noop)  # the same id replaces the job
    r = await client.get("/api/crons", headers=su)
    assert [j["id"] for j in r.json()][:2] == ["Zeta", "reports"]
    assert "cleanup" not in [j["id"] for j in r.json()]
    assert r.json()[1]["expression"] == "0 * * * *"


async def test_run_now(app: App, client: httpx.AsyncClient, su: dict[str, str]) -> None:
    ran = asyncio.Event()
    sync_ran = threading.Event()

    async def job() -> None:
        ran.set()

    app.cron.add("hello", "0 0 1 1 *", job)
    app.cron.add("sync", "0 0 1 1 *", sync_ran.set)
    r = await client.post("/api/crons/hello", headers=su)
    assert r.status_code == 204
    assert r.content == b""
    await asyncio.wait_for(ran.wait(), 5)
    r = await client.post("/api/crons/sync", headers=su)
    assert r.status_code == 204
    assert await asyncio.to_thread(sync_ran.wait, 5)


async def test_run_unknown_job(app: App, client: httpx.AsyncClient, su: dict[str, str]) -> None:
    r = await client.post("/api/crons/missing", headers=su)
    assert r.status_code == 404
    assert r.json() == {"data": {}, "message": "Missing or invalid cron job.", "status": 404}
    r = await client.get("/api/crons/missing", headers=su)  # no such route, as PocketBase
    assert r.status_code == 404
    error_shape(r.json(), 404)


async def test_failing_job_is_logged_and_the_app_keeps_answering(
    app: App, client: httpx.AsyncClient, su: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    async def broken() -> None:
        raise RuntimeError("job exploded")

    app.cron.add("broken", "* * * * *", broken)
    task = app.cron.run_now("broken")
    assert task is not None
    await task  # the error stays inside the job's task
    assert any("broken" in rec.getMessage() and rec.exc_info for rec in caplog.records)
    r = await client.get("/api/crons", headers=su)
    assert r.status_code == 200


async def test_add_refuses_bad_expressions(app: App) -> None:
    from roost.cron import CronError

    with pytest.raises(CronError):
        app.cron.add("x", "* * * * MON", lambda: None)
    assert app.cron.get("x") is None


async def test_stop_waits_for_running_jobs_then_cancels(app: App) -> None:
    finished: list[str] = []

    async def quick() -> None:
        await asyncio.sleep(0.1)
        finished.append("quick")

    async def stuck() -> None:
        await asyncio.sleep(3600)
        finished.append("stuck")

    app.cron.add("quick", "* * * * *", quick)
    app.cron.add("stuck", "* * * * *", stuck)
    app.cron.run_now("quick")
    slow = app.cron.run_now("stuck")
    await app.cron.stop(grace=0.5)
    assert finished == ["quick"]
    assert slow is not None and slow.cancelled()


async def test_the_daily_database_upkeep_runs_on_demand(
    app: App, client: httpx.AsyncClient, su: dict[str, str]
) -> None:
    """`__pbDBOptimize__` (PocketBase's daily job) checkpoints the WAL and refreshes statistics;
    run through the API it answers 204 and the app keeps serving."""
    r = await client.post("/api/crons/__pbDBOptimize__", headers=su)
    assert r.status_code == 204
    task = app.cron.run_now("__pbDBOptimize__")
    assert task is not None
    await task
    assert task.exception() is None
    r = await client.get("/api/collections/users/records", headers=su)
    assert r.status_code == 200


@pytest.mark.dialects("postgres")
async def test_the_daily_upkeep_vacuums_where_the_database_server_does_not(app: App) -> None:
    """A PostgreSQL server with autovacuum on keeps its tables itself and the job only refreshes
    statistics; with it off (as on the CI machine's server) the job runs VACUUM (ANALYZE), so a
    table's dead rows are cleared and its visibility map kept."""
    from roost.db.dialects.postgres import AUTOVACUUM_ON_SQL

    autovacuum = await app.db.fetch_val(AUTOVACUUM_ON_SQL)
    task = app.cron.run_now("__pbDBOptimize__")
    assert task is not None
    await task
    assert task.exception() is None
    last_vacuum, last_analyze = await app.db.fetch_one(
        "SELECT last_vacuum, last_analyze FROM pg_stat_user_tables "
        "WHERE schemaname = current_schema() AND relname = 'users'"
    ) or (None, None)
    assert last_analyze is not None
    assert (last_vacuum is not None) == (not autovacuum)
