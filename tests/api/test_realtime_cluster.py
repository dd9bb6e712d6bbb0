"""Two instances on one database, joined by one broker: events, subscribe requests and schema
changes cross between them (the same code paths Redis carries between processes)."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from roost.api import build_asgi
from roost.core.app import App
from roost.realtime import MemoryBroker
from tests.conftest import SU_EMAIL, SU_PASSWORD, create_superuser, drop_db_url, new_db_url
from tests.helpers import make_collection, make_user
from tests.realtime_clients import SSEClient

pytestmark = pytest.mark.anyio

RULE = "owner = @request.auth.id"


class Instance:
    def __init__(self, app: App) -> None:
        self.app = app
        self.asgi = build_asgi(app)
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.asgi), base_url="http://roost.test"
        )
        self.streams: list[SSEClient] = []

    async def sse(self) -> SSEClient:
        c = await SSEClient(self.asgi).connect()
        self.streams.append(c)
        return c

    async def close(self) -> None:
        for c in self.streams:
            await c.close()
        await self.http.aclose()


@pytest.fixture
async def pair(tmp_path: Any):
    url = await new_db_url()
    broker = MemoryBroker(shared=True)
    apps = []
    for _ in range(2):
        app = await App.open(str(tmp_path / "data"), url)
        app.broker = broker
        apps.append(app)
    a, b = Instance(apps[0]), Instance(apps[1])
    try:
        yield a, b
    finally:
        for inst in (a, b):
            await inst.close()
            await inst.app.close()
        await drop_db_url(url)


@pytest.fixture
async def su_headers(pair):
    a, _ = pair
    await create_superuser(a.app)
    r = await a.http.post(
        "/api/collections/_superusers/auth-with-password",
        json={"identity": SU_EMAIL, "password": SU_PASSWORD},
    )
    return {"Authorization": r.json()["token"]}


async def post_subscribe(inst: Instance, client_id: str, subs: list[str], token: str = "") -> httpx.Response:
    return await inst.http.post(
        "/api/realtime",
        json={"clientId": client_id, "subscriptions": subs},
        headers={"Authorization": token} if token else {},
    )


async def test_schema_changes_reach_the_other_instance(pair, su_headers):
    a, b = pair
    await make_collection(
        a.http,
        su_headers,
        {"name": "notes", "type": "base", "createRule": "", "fields": [{"name": "text", "type": "text"}]},
    )
    assert (await b.http.post("/api/collections/notes/records", json={"text": "x"})).status_code == 200
    r = await a.http.patch(
        "/api/collections/notes",
        headers=su_headers,
        json={"fields": [{"name": "text", "type": "text"}, {"name": "n", "type": "number"}]},
    )
    assert r.status_code == 200
    assert (await b.http.post("/api/collections/notes/records", json={"n": 4})).json()["n"] == 4
    assert (await a.http.delete("/api/collections/notes", headers=su_headers)).status_code == 204
    assert (await b.http.post("/api/collections/notes/records", json={"n": 4})).status_code == 404


async def test_settings_changes_reach_the_other_instance(pair, su_headers):
    a, b = pair
    batch = {
        "requests": [
            {
                "method": "POST",
                "url": "/api/collections/users/records",
                "body": {
                    "email": "x@example.com",
                    "password": "password123",
                    "passwordConfirm": "password123",
                },
            }
        ]
    }
    assert (await b.http.post("/api/batch", json=batch)).status_code == 403
    r = await a.http.patch("/api/settings", headers=su_headers, json={"batch": {"enabled": True}})
    assert r.status_code == 200
    assert (await b.http.post("/api/batch", json=batch)).status_code == 200


async def test_events_and_forwarded_subscriptions_cross_instances(pair, su_headers):
    a, b = pair
    await make_collection(
        a.http,
        su_headers,
        {
            "name": "notes",
            "type": "base",
            "listRule": RULE,
            "viewRule": RULE,
            "fields": [
                {"name": "text", "type": "text"},
                {"name": "owner", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
            ],
        },
    )
    alice, ta = await make_user(a.http, "alice@example.com")
    bob, tb = await make_user(a.http, "bob@example.com")
    ca, cb = await b.sse(), await b.sse()
    # alice subscribes through A although her stream lives on B; bob through B itself
    assert (await post_subscribe(a, ca.client_id, ["notes/*"], ta)).status_code == 204
    assert (await post_subscribe(b, cb.client_id, ["notes/*"], tb)).status_code == 204
    forbidden = await post_subscribe(a, ca.client_id, ["notes/*"], tb)
    assert forbidden.json() == {
        "data": {},
        "message": "The current and the previous request authorization don't match.",
        "status": 403,
    }

    mine = (
        await a.http.post(
            "/api/collections/notes/records", json={"text": "a", "owner": alice["id"]}, headers=su_headers
        )
    ).json()
    theirs = (
        await a.http.post(
            "/api/collections/notes/records", json={"text": "b", "owner": bob["id"]}, headers=su_headers
        )
    ).json()
    (e,) = await ca.expect(("notes/*", "create"))
    assert e["data"]["record"] == mine
    await cb.expect(("notes/*", "create"))
    # a delete on A is checked on B against the record as it was
    assert (
        await a.http.delete(f"/api/collections/notes/records/{theirs['id']}", headers=su_headers)
    ).status_code == 204
    (e,) = await cb.expect(("notes/*", "delete"))
    assert e["data"]["record"] == theirs
    await ca.assert_quiet()
    await cb.assert_quiet()

    # unsubscribe through A
    assert (await post_subscribe(a, ca.client_id, [], ta)).status_code == 204
    await a.http.post(
        "/api/collections/notes/records", json={"text": "c", "owner": alice["id"]}, headers=su_headers
    )
    await ca.assert_quiet()


async def test_auth_follows_the_record_across_instances(pair, su_headers):
    a, b = pair
    await make_collection(
        a.http,
        su_headers,
        {
            "name": "notes",
            "type": "base",
            "listRule": RULE,
            "fields": [
                {"name": "owner", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1}
            ],
        },
    )
    alice, ta = await make_user(a.http, "alice@example.com")
    c = await b.sse()
    assert (await post_subscribe(b, c.client_id, ["notes/*"], ta)).status_code == 204
    r = await a.http.patch(
        f"/api/collections/users/records/{alice['id']}",
        headers={"Authorization": ta},
        json={"password": "newpass123", "passwordConfirm": "newpass123", "oldPassword": "password123"},
    )
    assert r.status_code == 200
    await a.http.post("/api/collections/notes/records", json={"owner": alice["id"]}, headers=su_headers)
    await c.assert_quiet()


async def test_unknown_client_ids(pair):
    a, _b = pair
    a.app.realtime.forward_timeout = 0.2
    own = a.app.realtime.instance_id + "x" * 32
    nowhere = "zzzzzzzz" + "x" * 32  # no instance answers for this prefix
    for cid in (own, nowhere):
        r = await post_subscribe(a, cid, [])
        assert r.json() == {"data": {}, "message": "Missing or invalid client id.", "status": 404}


async def test_other_instances_judge_records_by_their_values(pair, su_headers):
    """Another instance checks rules against the event's record, not the stored row: numbers,
    multi-value selects, JSON paths and relations must compare as they do on the table."""
    a, b = pair
    rule = "owner = @request.auth.id && n > 2 && tags ~ 'a' && meta.k = 'v' && owner.email != ''"
    await make_collection(
        a.http,
        su_headers,
        {
            "name": "items",
            "type": "base",
            "listRule": rule,
            "viewRule": rule,
            "fields": [
                {"name": "n", "type": "number"},
                {"name": "tags", "type": "select", "values": ["a", "b"], "maxSelect": 2},
                {"name": "meta", "type": "json"},
                {"name": "owner", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
            ],
        },
    )
    alice, ta = await make_user(a.http, "alice@example.com")
    c = await b.sse()
    assert (await post_subscribe(b, c.client_id, ["items/*"], ta)).status_code == 204
    good = {"n": 3, "tags": ["b", "a"], "meta": {"k": "v"}, "owner": alice["id"]}
    variants = [
        good,
        {**good, "n": 2},
        {**good, "tags": ["b"]},
        {**good, "meta": {"k": "w"}},
        {**good, "owner": ""},
    ]
    created = []
    for body in variants:
        r = await a.http.post("/api/collections/items/records", json=body, headers=su_headers)
        assert r.status_code == 200, r.text
        created.append(r.json())
    (e,) = await c.expect(("items/*", "create"))
    assert e["data"]["record"] == created[0]
    for rec in created:
        await a.http.delete(f"/api/collections/items/records/{rec['id']}", headers=su_headers)
    (e,) = await c.expect(("items/*", "delete"))
    assert e["data"]["record"]["id"] == created[0]["id"]
    await c.assert_quiet()


async def test_oauth2_redirect_reaches_a_client_on_the_other_instance(pair):
    a, b = pair
    stream = await b.sse()
    assert (await post_subscribe(b, stream.client_id, ["@oauth2"])).status_code == 204
    # the provider sends the browser back to A; the code goes to the stream on B
    r = await a.http.get(f"/api/oauth2-redirect?state={stream.client_id}&code=c0de")
    assert r.status_code == 307 and r.headers["location"] == "../_/#/auth/oauth2-redirect-success"
    event = await stream.next()
    assert event["event"] == "@oauth2" and event["data"] == {"state": stream.client_id, "code": "c0de"}
    # once only
    r = await a.http.get(f"/api/oauth2-redirect?state={stream.client_id}&code=c0de")
    assert r.headers["location"] == "../_/#/auth/oauth2-redirect-failure"


async def test_auth_record_events_never_carry_password_hashes_nor_break_writes(pair, su_headers):
    """An auth record's event crosses the broker without its password hash, whichever comes first
    on an instance: a write of the collection, or an event about it (a delete made there first
    once left every later create and update of the collection failing with a 500)."""
    a, b = pair
    sent: list[dict[str, Any]] = []

    async def listen(message: bytes) -> None:
        sent.append(orjson.loads(message))

    a.app.broker.subscribe("events", listen)
    body = {"password": "password123", "passwordConfirm": "password123"}
    r = await b.http.post("/api/collections/users/records", json={"email": "x@example.com", **body})
    assert r.status_code == 200, r.text
    # on A an event about `users` comes first, then writes
    r = await a.http.delete(f"/api/collections/users/records/{r.json()['id']}", headers=su_headers)
    assert r.status_code == 204
    r = await a.http.post("/api/collections/users/records", json={"email": "y@example.com", **body})
    assert r.status_code == 200, r.text
    r = await a.http.patch(
        f"/api/collections/users/records/{r.json()['id']}", json={"name": "Y"}, headers=su_headers
    )
    assert r.status_code == 200, r.text
    records = [m["record"] for m in sent if m.get("op") == "record"]
    assert len(records) == 4  # B's create, A's delete, create and update
    assert all(rec["password"] == "" and rec["email"] for rec in records)
