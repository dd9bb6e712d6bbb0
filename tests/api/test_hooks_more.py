"""Realtime, settings, auth, file and batch-rollback hooks on the real app."""

from __future__ import annotations

import pytest

import roost
from roost.api import build_asgi
from tests.helpers import make_collection, make_user
from tests.realtime_clients import SSEClient

pytestmark = pytest.mark.anyio


@pytest.fixture
async def open_coll(client, su):
    rules = {"listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": ""}
    await make_collection(
        client, su, {"name": "open", "type": "base", **rules, "fields": [{"name": "title", "type": "text"}]}
    )


async def test_realtime_hooks_see_connect_subscribe_and_each_message(app, client, open_coll):
    seen: list[str] = []

    @app.on_realtime_connect_request()
    async def connect(e: roost.RealtimeConnectRequestEvent) -> None:
        seen.append("connect")
        await e.next()

    @app.on_realtime_subscribe_request()
    async def subscribe(e: roost.RealtimeSubscribeRequestEvent) -> None:
        e.subscriptions = [*e.subscriptions, "open"]  # a hook may add subscriptions
        await e.next()

    @app.on_realtime_message_send()
    async def message(e: roost.RealtimeMessageEvent) -> None:
        seen.append(e.name)
        if b"secret" not in e.data:  # not calling next() drops the message
            await e.next()

    sse = await SSEClient(build_asgi(app)).connect()
    try:
        r = await client.post("/api/realtime", json={"clientId": sse.client_id, "subscriptions": []})
        assert r.status_code == 204
        await client.post("/api/collections/open/records", json={"title": "secret"})
        await client.post("/api/collections/open/records", json={"title": "public"})
        got = await sse.next()
        assert got["event"] == "open" and got["data"]["record"]["title"] == "public"
        assert seen == ["connect", "open", "open"]
    finally:
        await sse.close()


async def test_settings_hooks(app, client, su):
    @app.on_settings_list_request()
    async def listed(e: roost.SettingsListRequestEvent) -> None:
        e.settings["meta"]["appName"] = "Shown"
        await e.next()

    @app.on_settings_update_request()
    async def updating(e: roost.SettingsUpdateRequestEvent) -> None:
        if e.data.get("meta", {}).get("appName") == "Forbidden":
            raise roost.BadRequestError("Not that name.")
        await e.next()
        assert e.new_settings["meta"]["appName"] == e.data["meta"]["appName"]

    r = await client.get("/api/settings", headers=su)
    assert r.json()["meta"]["appName"] == "Shown"
    r = await client.patch("/api/settings", headers=su, json={"meta": {"appName": "Forbidden"}})
    assert r.status_code == 400 and r.json()["message"] == "Not that name."
    r = await client.patch("/api/settings", headers=su, json={"meta": {"appName": "Fine"}})
    assert r.status_code == 200
    assert app.settings["meta"]["appName"] == "Fine"


async def test_auth_hooks(app, client):
    await make_user(client, "u@example.com")
    seen: list[str] = []

    @app.on_record_auth_with_password_request("users")
    async def with_password(e: roost.RecordAuthWithPasswordRequestEvent) -> None:
        seen.append(f"password {e.identity} {e.identity_field} {e.record is not None}")
        if e.identity == "blocked@example.com":
            raise roost.ForbiddenError("Blocked.")
        await e.next()

    @app.on_record_auth_request("users")
    async def any_auth(e: roost.RecordAuthRequestEvent) -> None:
        e.meta = {"greeting": f"hi {e.record['email']}"}
        await e.next()

    @app.on_record_auth_refresh_request()
    async def refresh(e: roost.RecordAuthRefreshRequestEvent) -> None:
        seen.append("refresh")
        await e.next()

    login = {"identity": "u@example.com", "password": "password123"}
    r = await client.post("/api/collections/users/auth-with-password", json=login)
    assert r.status_code == 200 and r.json()["meta"] == {"greeting": "hi u@example.com"}
    token = r.json()["token"]
    r = await client.post("/api/collections/users/auth-refresh", headers={"Authorization": token})
    assert r.status_code == 200 and r.json()["meta"] == {"greeting": "hi u@example.com"}
    r = await client.post(
        "/api/collections/users/auth-with-password", json={"identity": "blocked@example.com", "password": "x"}
    )
    assert r.status_code == 403
    assert seen == ["password u@example.com email True", "refresh", "password blocked@example.com  False"]


async def test_file_download_hook(app, client, su):
    await make_collection(
        client,
        su,
        {
            "name": "docs",
            "type": "base",
            "viewRule": "",
            "createRule": "",
            "fields": [{"name": "file", "type": "file", "maxSelect": 1, "maxSize": 1000}],
        },
    )
    r = await client.post("/api/collections/docs/records", files={"file": ("a.txt", b"hello", "text/plain")})
    rec = r.json()

    @app.on_file_download_request("docs")
    async def download(e: roost.FileDownloadRequestEvent) -> None:
        if e.request.query.get("deny"):
            raise roost.ForbiddenError()
        await e.next()
        assert e.response is not None
        e.response.headers.append((b"x-file-field", e.file_field.encode()))

    url = f"/api/files/docs/{rec['id']}/{rec['file']}"
    r = await client.get(url)
    assert r.status_code == 200 and r.content == b"hello" and r.headers["x-file-field"] == "file"
    assert (await client.get(url, params={"deny": "1"})).status_code == 403


async def test_a_rolled_back_batch_reports_after_error_for_the_writes_it_undid(app, client, su, open_coll):
    await client.patch("/api/settings", headers=su, json={"batch": {"enabled": True}})
    errors: list[str] = []
    successes: list[str] = []

    @app.on_record_after_create_error("open")
    async def failed(e: roost.RecordErrorEvent) -> None:
        errors.append(str(e.record.get("title")))
        await e.next()

    @app.on_record_after_create_success("open")
    async def ok(e: roost.RecordEvent) -> None:
        successes.append(e.record["title"])
        await e.next()

    @app.on_record_create("open")
    async def refuse(e: roost.RecordEvent) -> None:
        if e.record["title"] == "bad":
            raise roost.BadRequestError("Bad title.")
        await e.next()

    url = "/api/collections/open/records"
    body = {
        "requests": [
            {"method": "POST", "url": url, "body": {"title": "first"}},
            {"method": "POST", "url": url, "body": {"title": "bad"}},
        ]
    }
    r = await client.post("/api/batch", json=body)
    assert r.status_code == 400
    assert r.json()["data"]["requests"]["1"]["response"]["message"] == "Bad title."
    assert sorted(errors) == ["bad", "first"] and successes == []
    assert (await client.get(url)).json()["totalItems"] == 0
