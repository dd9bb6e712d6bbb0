"""Request and app logs: stored as PocketBase stores them, read through `/api/logs` (filter and sort
in PocketBase's language, `data.*` paths), `settings.logs` doing what it says, and the cleanup job.

Expected shapes and messages were taken from PocketBase 0.40.6 answering the same calls."""

from __future__ import annotations

import os
import time

import pytest

from roost.core import logs
from roost.logs import store as store_module
from tests.conftest import engine
from tests.helpers import DATETIME_RE, ID_RE, error_shape, make_user

pytestmark = pytest.mark.anyio

GENERIC_400 = "Something went wrong while processing your request."


async def stored(app, client, su, **params):
    await logs.flush(app)
    r = await client.get("/api/logs", headers=su, params={"perPage": 500, **params})
    assert r.status_code == 200, r.text
    return r.json()


async def test_requests_are_logged_with_pocketbase_fields(app, client, su):
    await client.get(
        "/api/nothing?token=abc&x=1", headers={"user-agent": "ua-test", "referer": "http://ref/"}
    )
    await client.post("/api/collections/users/records", json={"email": "bad"}, headers=su)
    await client.get("/api/health")
    page = await stored(app, client, su)
    by_url = {item["data"]["url"]: item for item in page["items"]}

    missing = by_url["/api/nothing?token=***&x=1"]  # a credential in the query never reaches the log
    assert set(missing) == {"id", "created", "data", "message", "level"}
    assert ID_RE.match(missing["id"]) and DATETIME_RE.match(missing["created"])
    assert missing["level"] == 8 and missing["message"] == "GET /api/nothing?token=***&x=1"
    data = missing["data"]
    assert data["type"] == "request" and data["method"] == "GET" and data["status"] == 404
    assert data["error"] == "File not found." and data["details"] is None
    assert data["userAgent"] == "ua-test" and data["referer"] == "http://ref/"
    assert data["auth"] == "" and data["userIP"] == data["remoteIP"] == "127.0.0.1"
    assert isinstance(data["execTime"], float) and data["execTime"] > 0
    assert "authId" not in data  # logAuthId is off by default

    failed = by_url["/api/collections/users/records"]
    assert failed["level"] == 8 and failed["data"]["auth"] == "_superusers"
    assert failed["data"]["error"] == "Failed to create record."
    assert failed["data"]["details"]["password"] == "cannot be blank"

    ok = by_url["/api/health"]
    assert ok["level"] == 0 and ok["data"]["status"] == 200 and ok["message"] == "GET /api/health"
    assert "error" not in ok["data"] and "details" not in ok["data"]


async def test_plain_requests_are_stored_as_the_others(app, client, su):
    """Successful requests whose URL has nothing to unescape are the common case, and SQLite
    builds their rows itself (RequestLogWriter); an escaped character in the URL (the message
    shows it unescaped) sends a request the general way. Both store the same."""
    headers = {"user-agent": "ua-test", "referer": "http://ref/", **su}
    for _ in range(3):
        await client.get("/api/collections/users/records", headers=headers)
    await client.get("/api/collections/users/records?x=%31", headers=headers)
    await client.get("/api/collections/users/records?perPage=2&token=secret", headers=headers)
    items = (await stored(app, client, su, filter="data.auth = '_superusers'", sort="@rowid"))["items"]
    general = next(i for i in items if i["data"]["url"].endswith("?x=%31"))
    assert general["message"] == "GET /api/collections/users/records?x=1"
    # a query without escapes is plain too, its credentials masked as on the general way
    queried = next(i for i in items if "perPage" in i["data"]["url"])
    assert queried["data"]["url"] == "/api/collections/users/records?perPage=2&token=***"
    assert queried["message"] == "GET /api/collections/users/records?perPage=2&token=***"
    plain = next(i for i in items if i is not general and i is not queried)
    assert plain["message"] == "GET /api/collections/users/records" and plain["level"] == 0
    assert ID_RE.match(plain["id"]) and DATETIME_RE.match(plain["created"])
    assert [i["id"] for i in items] == sorted(i["id"] for i in items)  # ids grow with time
    assert plain["created"][:16] == general["created"][:16]
    assert list(plain["data"]) == list(general["data"])  # the same keys, in PocketBase's order
    for key, value in plain["data"].items():
        assert type(value) is type(general["data"][key]), key
        if key not in ("url", "execTime"):
            assert value == general["data"][key], key
    assert plain["data"]["url"] == "/api/collections/users/records"
    assert plain["data"]["execTime"] > 0


async def test_filter_sort_fields_and_paging(app, client, su):
    for path in ("/api/a", "/api/b", "/api/health", "/api/health"):
        await client.get(path)
    await logs.flush(app)
    page = await stored(app, client, su, filter="data.status >= 400", sort="-@rowid")
    assert [i["data"]["url"] for i in page["items"]][:2] == ["/api/b", "/api/a"]
    assert all(i["data"]["status"] >= 400 for i in page["items"])
    page = await stored(app, client, su, filter="message ~ 'health' && level = 0 && data.auth = ''")
    assert page["totalItems"] == 2
    page = await stored(
        app, client, su, filter="data.method = 'GET'", sort="-data.execTime", perPage=1, page=2
    )
    assert page["page"] == 2 and page["perPage"] == 1 and len(page["items"]) == 1
    assert page["totalPages"] == page["totalItems"] >= 4
    r = await client.get("/api/logs", headers=su, params={"fields": "id,data.status", "skipTotal": "1"})
    body = r.json()
    assert body["totalItems"] == -1 and body["totalPages"] == -1
    assert all(set(i) == {"id", "data"} and set(i["data"]) == {"status"} for i in body["items"])
    # the whole data column reads as its JSON text
    page = await stored(app, client, su, filter="data ~ 'File not found'")
    assert page["totalItems"] == 2


@pytest.mark.parametrize(
    "params",
    [
        {"filter": "updated != ''"},
        {"filter": "@request.auth.id != ''"},
        {"filter": "@collection.users.id != ''"},
        {"filter": "bogus = 1"},
        {"sort": "bogus"},
        {"filter": "data.status >"},
        {"skipTotal": "maybe"},
    ],
)
async def test_invalid_list_params(client, su, params):
    r = await client.get("/api/logs", headers=su, params=params)
    assert r.status_code == 400
    assert r.json() == {"data": {}, "message": GENERIC_400, "status": 400}


async def test_view_stats_and_truncate(app, client, su):
    await client.get("/api/missing-one")
    await client.get("/api/health")
    page = await stored(app, client, su, filter="data.status = 404")
    item = page["items"][0]
    r = await client.get(f"/api/logs/{item['id']}", headers=su)
    assert r.status_code == 200 and r.json() == item
    r = await client.get("/api/logs/nosuchlog000000", headers=su)
    assert r.status_code == 404
    assert r.json() == {"data": {}, "message": "The requested resource wasn't found.", "status": 404}

    r = await client.get("/api/logs/stats", headers=su)
    assert r.status_code == 200
    stats = r.json()
    stored_hours = {i["created"][:13] + ":00:00.000Z" for i in (await stored(app, client, su))["items"]}
    assert [s["date"] for s in stats] == sorted(stored_hours)  # per hour, oldest first
    assert sum(s["total"] for s in stats) >= 3
    flt = "data.status = 404 && data.url = '/api/missing-one'"
    r = await client.get("/api/logs/stats", headers=su, params={"filter": flt})
    assert r.json() == [{"date": item["created"][:13] + ":00:00.000Z", "total": 1}]
    assert (await client.get("/api/logs/stats", headers=su, params={"filter": "level = 99"})).json() == []
    r = await client.get("/api/logs/stats", headers=su, params={"filter": "bogus=1"})
    assert r.status_code == 400
    assert r.json() == {"data": {}, "message": "Invalid filter format.", "status": 400}

    await logs.flush(app)
    r = await client.delete("/api/logs", headers=su)
    assert r.status_code == 204
    assert (await stored(app, client, su))["totalItems"] == 0


async def test_superusers_only(app, client, su):
    _, user_token = await make_user(client, "reader@example.com")
    for method, path in (
        ("GET", "/api/logs"),
        ("GET", "/api/logs/stats"),
        ("GET", "/api/logs/x"),
        ("DELETE", "/api/logs"),
    ):
        r = await client.request(method, path)
        assert r.status_code == 401
        assert r.json()["message"] == "The request requires valid record authorization token."
        r = await client.request(method, path, headers={"Authorization": user_token})
        assert r.status_code == 403
        assert r.json()["message"] == "The authorized record is not allowed to perform this action."
        error_shape(r.json(), 403)


async def test_successful_log_reads_are_not_logged_failures_are(app, client, su):
    await client.get("/api/logs", headers=su)
    await client.get("/api/logs/stats", headers=su)
    await client.get("/api/logs", headers=su, params={"filter": "bogus = 1"})
    await client.get("/api/logs")
    page = await stored(app, client, su, filter="data.url ~ '/api/logs'")
    assert sorted((i["data"]["status"], i["data"]["auth"]) for i in page["items"]) == [
        (400, "_superusers"),
        (401, ""),
    ]


async def test_settings_logs_do_what_they_say(app, client, su):
    _, user_token = await make_user(client, "who@example.com")
    user_id = (await client.get("/api/collections/users/records", headers=su)).json()["items"][0]["id"]
    r = await client.patch("/api/settings", headers=su, json={"logs": {"logIP": False, "logAuthId": True}})
    assert r.status_code == 200 and r.json()["logs"]["logAuthId"] is True
    await client.get("/api/health?ip=off", headers={"Authorization": user_token})
    item = (await stored(app, client, su, filter="data.url = '/api/health?ip=off'"))["items"][0]
    assert item["data"]["auth"] == "users" and item["data"]["authId"] == user_id
    assert "userIP" not in item["data"] and "remoteIP" not in item["data"]

    # minLevel 5: only errors are kept, and saving it drops the stored infos (as PocketBase)
    r = await client.patch("/api/settings", headers=su, json={"logs": {"minLevel": 5}})
    assert r.status_code == 200
    await client.get("/api/health?lvl=1")
    await client.get("/api/nothing?lvl=1")
    page = await stored(app, client, su)
    assert page["items"] and all(i["level"] >= 5 for i in page["items"])
    assert any(i["data"]["url"] == "/api/nothing?lvl=1" for i in page["items"])

    # maxDays 0: nothing is stored any more
    r = await client.patch("/api/settings", headers=su, json={"logs": {"maxDays": 0, "minLevel": 0}})
    assert r.status_code == 200
    await client.get("/api/nothing?off=1")
    app.logger.error("not kept")
    assert (await stored(app, client, su))["totalItems"] == 0


async def test_settings_logs_validation(client, su):
    r = await client.patch("/api/settings", headers=su, json={"logs": {"maxDays": -1, "maxDataSize": -5}})
    assert r.status_code == 400
    assert r.json() == {
        "data": {
            "logs": {
                key: {
                    "code": "validation_min_greater_equal_than_required",
                    "message": "Must be no less than 0.",
                    "params": {"threshold": 0},
                }
                for key in ("maxDataSize", "maxDays")
            }
        },
        "message": "An error occurred while saving the new settings.",
        "status": 400,
    }
    r = await client.patch("/api/settings", headers=su, json={"logs": {"minLevel": 1.5}})
    assert r.status_code == 400
    assert r.json()["message"] == "An error occurred while loading the submitted data."


async def test_app_logger_writes_to_the_store(app, client, su):
    app.logger.warning("disk %s", "low", extra={"free": 12, "mount": "/data"})
    app.logger.debug("details")
    app.logger.info("kept at info")
    try:
        raise ValueError("boom")
    except ValueError:
        app.logger.exception("job failed")
    page = await stored(app, client, su, sort="@rowid")
    found = {i["message"]: i for i in page["items"]}
    assert found["disk low"]["level"] == 4 and found["disk low"]["data"] == {"free": 12, "mount": "/data"}
    assert "details" not in found  # debug is under the default minLevel 0
    assert found["kept at info"]["level"] == 0 and found["kept at info"]["data"] == {}
    assert found["job failed"]["level"] == 8 and found["job failed"]["data"]["error"] == "ValueError: boom"
    page = await stored(app, client, su, filter="data.free > 10 && level = 4")
    assert page["totalItems"] == 1


async def test_max_data_size_truncates(app, client, su):
    r = await client.patch("/api/settings", headers=su, json={"logs": {"maxDataSize": 100}})
    assert r.status_code == 200
    app.logger.info("big", extra={"a": "x" * 20, "b": "y" * 500})
    item = (await stored(app, client, su, filter="message = 'big'"))["items"][0]
    assert item["data"] == {"__pb_truncated__": True, "a": "x" * 20}


async def test_cleanup_job_deletes_old_logs(app, client, su):
    r = await client.get("/api/crons", headers=su)
    assert {"id": "__pbLogsCleanup__", "expression": "0 */6 * * *"} in r.json()
    store = app.log_store
    store.app_log(time.time() - 6 * 86400, 0, "six days old", {})
    store.app_log(time.time() - 4 * 86400, 0, "four days old", {})
    await logs.flush(app)
    await logs.delete_old_logs(app)  # what the job runs (maxDays 5 by default)
    messages = [i["message"] for i in (await stored(app, client, su, filter="message ~ 'days old'"))["items"]]
    assert messages == ["four days old"]


async def test_a_full_queue_drops_and_counts_instead_of_waiting(app, client, su, monkeypatch):
    monkeypatch.setattr(store_module, "MAX_PENDING", 0)
    await client.get("/api/health?dropped=1")
    assert app.log_store.dropped >= 1
    monkeypatch.undo()
    assert (await stored(app, client, su, filter="data.url ~ 'dropped'"))["totalItems"] == 0


@pytest.mark.dialects("sqlite")
async def test_sqlite_logs_live_in_auxiliary_db(app, client, su):
    await client.get("/api/health")
    await logs.flush(app)
    assert os.path.exists(os.path.join(app.data_dir, "auxiliary.db"))
    assert not await app.dialect.table_exists(app.db, "_logs")
    assert await app.logs_db.fetch_val('SELECT COUNT(*) FROM "_logs"') >= 1


@pytest.mark.dialects("postgres")
async def test_postgres_logs_live_in_their_own_table(app, client, su):
    await client.get("/api/health")
    await logs.flush(app)
    assert app.logs_db is app.db
    assert await app.db.fetch_val('SELECT COUNT(*) FROM "_logs"') >= 1
    assert engine() == "postgres"
