"""Realtime over SSE and WebSocket, in process: connect, subscribe, rules, options, auth state."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import quote

import pytest

from roost.api import build_asgi
from tests.helpers import error_shape, make_collection, make_user
from tests.realtime_clients import SSEClient, WSClient

pytestmark = pytest.mark.anyio

OWNER_RULE = "public = true || owner = @request.auth.id"


@pytest.fixture
def asgi(app):
    return build_asgi(app)


@pytest.fixture
async def sse(asgi):
    opened: list[SSEClient] = []

    async def open_client() -> SSEClient:
        c = await SSEClient(asgi).connect()
        opened.append(c)
        return c

    yield open_client
    for c in opened:
        await c.close()


@pytest.fixture
async def colls(client, su):
    """`open` (anyone), `priv` (owner or public), `locked` (superusers only)."""
    everyone = {"listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": ""}
    await make_collection(
        client,
        su,
        {
            "name": "open",
            "type": "base",
            **everyone,
            "fields": [
                {"name": "title", "type": "text"},
                {"name": "num", "type": "number"},
                {"name": "user", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
            ],
        },
    )
    await make_collection(
        client,
        su,
        {
            "name": "priv",
            "type": "base",
            "listRule": OWNER_RULE,
            "viewRule": OWNER_RULE,
            "fields": [
                {"name": "title", "type": "text"},
                {"name": "public", "type": "bool"},
                {"name": "owner", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
            ],
        },
    )
    await make_collection(
        client, su, {"name": "locked", "type": "base", "fields": [{"name": "title", "type": "text"}]}
    )


async def subscribe(client, sse_client: SSEClient, subs: list[str], token: str = "") -> None:
    headers = {"Authorization": token} if token else {}
    r = await client.post(
        "/api/realtime", json={"clientId": sse_client.client_id, "subscriptions": subs}, headers=headers
    )
    assert r.status_code == 204, r.text


async def test_connect_sends_pb_connect_with_client_id(sse):
    c = await sse()
    assert c.status == 200
    assert c.headers["content-type"] == "text/event-stream"
    assert c.headers["cache-control"] == "no-store"
    assert c.headers["x-accel-buffering"] == "no"
    assert len(c.client_id) == 40 and c.client_id.isalnum()
    assert (await sse()).client_id != c.client_id


async def test_subscribe_validation_errors(client, sse):
    c = await sse()
    cases = [
        (
            {"subscriptions": ["x"]},
            {"clientId": {"code": "validation_required", "message": "Cannot be blank."}},
        ),
        (
            {"clientId": "x" * 256},
            {
                "clientId": {
                    "code": "validation_length_out_of_range",
                    "message": "The length must be between 1 and 255.",
                    "params": {"max": 255, "min": 1},
                }
            },
        ),
        (
            {"clientId": c.client_id, "subscriptions": ["t"] * 1001},
            {
                "subscriptions": {
                    "code": "validation_length_too_long",
                    "message": "The length must be no more than 1000.",
                    "params": {"max": 1000, "min": 0},
                }
            },
        ),
        (
            {"clientId": c.client_id, "subscriptions": ["ok", "t" * 2501]},
            {
                "subscriptions": {
                    "1": {
                        "code": "validation_length_too_long",
                        "message": "The length must be no more than 2500.",
                        "params": {"max": 2500, "min": 0},
                    }
                }
            },
        ),
    ]
    for body, data in cases:
        r = await client.post("/api/realtime", json=body)
        assert r.status_code == 400, body
        error_shape(r.json(), 400)
        assert r.json()["data"] == data
    for body in (
        {"clientId": 5},
        {"clientId": c.client_id, "subscriptions": "open/*"},
        {"clientId": c.client_id, "subscriptions": [1]},
        [c.client_id],
    ):
        r = await client.post("/api/realtime", json=body)
        assert r.status_code == 400 and r.json()["data"] == {}, body
    r = await client.post("/api/realtime", content=b"{nope", headers={"content-type": "application/json"})
    assert r.status_code == 400
    error_shape(r.json(), 400)
    r = await client.post("/api/realtime", json={"clientId": "A" * 40, "subscriptions": []})
    assert r.json() == {"data": {}, "message": "Missing or invalid client id.", "status": 404}


async def test_create_update_delete_events_match_rest_responses(client, su, colls, sse):
    c = await sse()
    opts = "open/*?options=" + quote(json.dumps({"query": {"fields": "id,title"}}))
    await subscribe(client, c, ["open/*", opts])
    created = (await client.post("/api/collections/open/records", json={"title": "a", "num": 1})).json()
    e1, e2 = await c.expect(("open/*", "create"), (opts, "create"))
    assert e1["id"] == c.client_id
    assert e1["data"] == {"action": "create", "record": created}
    assert e2["data"]["record"] == {"id": created["id"], "title": "a"}
    updated = (await client.patch(f"/api/collections/open/records/{created['id']}", json={"num+": 2})).json()
    e = (await c.expect(("open/*", "update"), (opts, "update")))[0]
    assert e["data"]["record"] == updated and updated["num"] == 3
    assert (await client.delete(f"/api/collections/open/records/{created['id']}")).status_code == 204
    e = (await c.expect(("open/*", "delete"), (opts, "delete")))[0]
    assert e["data"] == {"action": "delete", "record": updated}
    await c.assert_quiet()


async def test_topics_by_id_name_record_and_deprecated_form(client, su, colls, sse):
    coll_id = (await client.get("/api/collections/open", headers=su)).json()["id"]
    a = (await client.post("/api/collections/open/records", json={"title": "a"})).json()
    b = (await client.post("/api/collections/open/records", json={"title": "b"})).json()
    c = await sse()
    await subscribe(client, c, [f"{coll_id}/*", f"open/{a['id']}", "open", "other/*"])
    await client.patch(f"/api/collections/open/records/{b['id']}", json={"title": "b2"})
    got = {e["event"] for e in [await c.next(), await c.next()]}
    assert got == {f"{coll_id}/*", "open"}
    await client.patch(f"/api/collections/open/records/{a['id']}", json={"title": "a2"})
    got = {e["event"] for e in [await c.next(), await c.next(), await c.next()]}
    assert got == {f"{coll_id}/*", "open", f"open/{a['id']}"}
    await c.assert_quiet()


async def test_hidden_records_are_never_delivered(client, su, su_token, colls, sse):
    alice, ta = await make_user(client, "alice@example.com")
    bob, tb = await make_user(client, "bob@example.com")
    ca, cb, cg, cs = await sse(), await sse(), await sse(), await sse()
    for c, token in ((ca, ta), (cb, tb), (cg, ""), (cs, su_token)):
        await subscribe(client, c, ["priv/*", "locked/*", "open/*"], token)
    a_rec = (
        await client.post(
            "/api/collections/priv/records", json={"title": "a", "owner": alice["id"]}, headers=su
        )
    ).json()
    b_rec = (
        await client.post(
            "/api/collections/priv/records", json={"title": "b", "owner": bob["id"]}, headers=su
        )
    ).json()
    pub = (
        await client.post(
            "/api/collections/priv/records",
            json={"title": "p", "public": True, "owner": alice["id"]},
            headers=su,
        )
    ).json()
    await client.patch(f"/api/collections/priv/records/{a_rec['id']}", json={"title": "a2"}, headers=su)
    await client.delete(f"/api/collections/priv/records/{b_rec['id']}", headers=su)
    # a record that becomes private is no longer sent to those who lose sight of it
    await client.patch(f"/api/collections/priv/records/{pub['id']}", json={"public": False}, headers=su)
    locked = (await client.post("/api/collections/locked/records", json={"title": "l"}, headers=su)).json()
    sentinel = (await client.post("/api/collections/open/records", json={"title": "s"})).json()

    async def seen(c: SSEClient) -> list[tuple[str, str]]:
        out = []
        while True:
            e = await c.next()
            out.append((e["data"]["action"], e["data"]["record"]["id"]))
            if e["data"]["record"]["id"] == sentinel["id"]:
                await c.assert_quiet()
                return out

    assert await seen(ca) == [
        ("create", a_rec["id"]),
        ("create", pub["id"]),
        ("update", a_rec["id"]),
        ("update", pub["id"]),
        ("create", sentinel["id"]),
    ]
    assert await seen(cb) == [
        ("create", b_rec["id"]),
        ("create", pub["id"]),
        ("delete", b_rec["id"]),
        ("create", sentinel["id"]),
    ]
    assert await seen(cg) == [("create", pub["id"]), ("create", sentinel["id"])]
    assert await seen(cs) == [
        ("create", a_rec["id"]),
        ("create", b_rec["id"]),
        ("create", pub["id"]),
        ("update", a_rec["id"]),
        ("delete", b_rec["id"]),
        ("update", pub["id"]),
        ("create", locked["id"]),
        ("create", sentinel["id"]),
    ]


async def test_single_record_topic_uses_the_view_rule(client, su, colls, sse):
    await client.patch(
        "/api/collections/priv", json={"listRule": "", "viewRule": "owner = @request.auth.id"}, headers=su
    )
    alice, ta = await make_user(client, "alice@example.com")
    rec = (
        await client.post(
            "/api/collections/priv/records", json={"title": "x", "owner": alice["id"]}, headers=su
        )
    ).json()
    ca, cg = await sse(), await sse()
    await subscribe(client, ca, [f"priv/{rec['id']}"], ta)
    await subscribe(client, cg, [f"priv/{rec['id']}", "priv/*"])
    await client.patch(f"/api/collections/priv/records/{rec['id']}", json={"title": "y"}, headers=su)
    await ca.expect((f"priv/{rec['id']}", "update"))
    await cg.expect(("priv/*", "update"))  # the list rule lets guests see it; the view rule does not
    await cg.assert_quiet()


async def test_unsubscribe_and_replace(client, colls, sse):
    c = await sse()
    await subscribe(client, c, ["open/*"])
    await client.post("/api/collections/open/records", json={"title": "1"})
    await c.expect(("open/*", "create"))
    await subscribe(client, c, [])
    await client.post("/api/collections/open/records", json={"title": "2"})
    await c.assert_quiet()
    await subscribe(client, c, ["open"])  # the new set replaces the old one
    await client.post("/api/collections/open/records", json={"title": "3"})
    await c.expect(("open", "create"))
    await c.assert_quiet()


async def test_filter_expand_fields_options(client, su, colls, sse):
    alice, ta = await make_user(client, "alice@example.com", name="Alice")
    opts = {"query": {"filter": "num > 5", "expand": "user", "fields": "id,num,expand.user.name"}}
    key = "open/*?options=" + quote(json.dumps(opts))
    sneaky = "open/*?options=" + quote(json.dumps({"query": {"filter": "@request.auth.id = ''"}}))
    c = await sse()
    await subscribe(client, c, [key, sneaky], ta)
    await client.post("/api/collections/open/records", json={"num": 3, "user": alice["id"]})
    high = (await client.post("/api/collections/open/records", json={"num": 7, "user": alice["id"]})).json()
    (e,) = await c.expect((key, "create"))
    assert e["data"]["record"] == {"id": high["id"], "num": 7, "expand": {"user": {"name": "Alice"}}}
    await c.assert_quiet()  # @request in a client filter is for superusers only


async def test_auth_record_email_visibility_and_hidden_fields(client, su, su_token, sse):
    alice, ta = await make_user(client, "alice@example.com")
    _bob, tb = await make_user(client, "bob@example.com")
    await client.patch("/api/collections/users", json={"listRule": "", "viewRule": ""}, headers=su)
    ca, cb, cs = await sse(), await sse(), await sse()
    for c, token in ((ca, ta), (cb, tb), (cs, su_token)):
        await subscribe(client, c, ["users/*"], token)
    r = await client.patch(f"/api/collections/users/records/{alice['id']}", json={"name": "A"}, headers=su)
    assert r.status_code == 200
    (ea,), (eb,), (es,) = [await c.expect(("users/*", "update")) for c in (ca, cb, cs)]
    assert ea["data"]["record"]["email"] == "alice@example.com"  # the owner sees it
    assert "email" not in eb["data"]["record"]  # emailVisibility is off
    assert es["data"]["record"]["email"] == "alice@example.com"
    for e in (ea, eb, es):
        assert "password" not in e["data"]["record"] and "tokenKey" not in e["data"]["record"]


async def test_auth_change_rules(client, colls, sse):
    _alice, ta = await make_user(client, "alice@example.com")
    _bob, tb = await make_user(client, "bob@example.com")
    c = await sse()
    await subscribe(client, c, ["priv/*"])  # guest
    await subscribe(client, c, ["priv/*"], ta)  # guest -> alice is allowed
    await subscribe(client, c, ["priv/*"], ta)
    for token in (tb, ""):  # alice -> bob, alice -> guest
        r = await client.post(
            "/api/realtime",
            json={"clientId": c.client_id, "subscriptions": []},
            headers={"Authorization": token} if token else {},
        )
        assert r.json() == {
            "data": {},
            "message": "The current and the previous request authorization don't match.",
            "status": 403,
        }


async def test_auth_is_cleared_when_token_key_changes_or_record_is_deleted(client, su, colls, sse):
    alice, ta = await make_user(client, "alice@example.com")
    c = await sse()
    await subscribe(client, c, ["priv/*"], ta)
    await client.post("/api/collections/priv/records", json={"title": "1", "owner": alice["id"]}, headers=su)
    await c.expect(("priv/*", "create"))
    r = await client.patch(
        f"/api/collections/users/records/{alice['id']}",
        headers={"Authorization": ta},
        json={"password": "newpass123", "passwordConfirm": "newpass123", "oldPassword": "password123"},
    )
    assert r.status_code == 200
    await client.post("/api/collections/priv/records", json={"title": "2", "owner": alice["id"]}, headers=su)
    await c.assert_quiet()  # the old session is gone: alice's client is a guest now
    # and may authenticate again, even as somebody else
    bob, tb = await make_user(client, "bob@example.com")
    await subscribe(client, c, ["priv/*"], tb)
    await client.post("/api/collections/priv/records", json={"title": "3", "owner": bob["id"]}, headers=su)
    await c.expect(("priv/*", "create"))
    assert (await client.delete(f"/api/collections/users/records/{bob['id']}", headers=su)).status_code == 204
    await subscribe(client, c, ["priv/*"])  # bob was deleted: back to guest, no 403


async def test_delete_cascade_is_delivered(client, su, colls, sse):
    await make_collection(
        client,
        su,
        {
            "name": "kids",
            "type": "base",
            "listRule": "parent.title != ''",
            "fields": [
                {
                    "name": "parent",
                    "type": "relation",
                    "collectionId": (await client.get("/api/collections/open", headers=su)).json()["id"],
                    "maxSelect": 1,
                    "cascadeDelete": True,
                }
            ],
        },
    )
    parent = (await client.post("/api/collections/open/records", json={"title": "p"})).json()
    kid = (
        await client.post("/api/collections/kids/records", json={"parent": parent["id"]}, headers=su)
    ).json()
    c = await sse()
    await subscribe(client, c, ["kids/*", "open/*"])
    assert (await client.delete(f"/api/collections/open/records/{parent['id']}")).status_code == 204
    events = {
        (e["event"], e["data"]["action"], e["data"]["record"]["id"]) for e in [await c.next(), await c.next()]
    }
    # the kid's rule follows its parent, which the same transaction deletes: still decided as before the delete
    assert events == {("kids/*", "delete", kid["id"]), ("open/*", "delete", parent["id"])}


async def test_empty_rules_need_no_query_and_equal_subscribers_share_one(app, client, su, colls, sse):
    _, ta = await make_user(client, "alice@example.com")
    guests = [await sse() for _ in range(20)]
    alices = [await sse() for _ in range(20)]
    for c in guests:
        await subscribe(client, c, ["open/*"])
    for c in alices:
        await subscribe(client, c, ["priv/*"], ta)
    calls: list[str] = []
    real = app.db.fetch_one

    async def counting(sql, params=()):
        calls.append(sql)
        return await real(sql, params)

    app.db.fetch_one = counting
    try:
        await client.post("/api/collections/open/records", json={"title": "x"})
        for c in guests:
            await c.expect(("open/*", "create"))
        rule_checks = [s for s in calls if s.startswith("SELECT 1 FROM")]
        assert rule_checks == []
        calls.clear()
        await client.post("/api/collections/priv/records", json={"title": "p", "public": True}, headers=su)
        for c in alices:
            await c.expect(("priv/*", "create"))
        assert len([s for s in calls if s.startswith("SELECT 1 FROM")]) == 1
    finally:
        app.db.fetch_one = real


async def test_disconnect_and_idle_timeout_remove_the_client(app, client, colls, sse):
    c = await sse()
    await c.close()
    assert c.ended
    r = await client.post("/api/realtime", json={"clientId": c.client_id, "subscriptions": []})
    assert r.status_code == 404
    app.realtime.idle_timeout = 0.2
    idle = await sse()
    await asyncio.wait_for(idle.task, 3)  # the server ends the stream by itself
    r = await client.post("/api/realtime", json={"clientId": idle.client_id, "subscriptions": []})
    assert r.status_code == 404


# --- WebSocket ---------------------------------------------------------------------------------------------
async def test_websocket_stream(asgi, client, su, colls):
    alice, ta = await make_user(client, "alice@example.com")
    ws = await WSClient(asgi).connect()
    try:
        hello = await ws.next()
        assert ws.accepted and hello["event"] == "PB_CONNECT" and len(hello["clientId"]) == 40
        assert hello["data"] == {"clientId": hello["clientId"]}
        ws.send({"type": "ping"})
        assert await ws.next() == {"type": "pong"}
        ws.send({"type": "subscribe", "subscriptions": ["priv/*"], "authorization": ta})
        assert await ws.next() == {"type": "subscribed", "subscriptions": ["priv/*"]}
        mine = (
            await client.post(
                "/api/collections/priv/records", json={"title": "m", "owner": alice["id"]}, headers=su
            )
        ).json()
        await client.post("/api/collections/priv/records", json={"title": "hidden"}, headers=su)
        assert await ws.next() == {"event": "priv/*", "data": {"action": "create", "record": mine}}
        ws.send({"type": "subscribe", "subscriptions": ["priv/*"]})  # alice -> guest
        assert await ws.next() == {
            "type": "error",
            "status": 403,
            "data": {},
            "message": "The current and the previous request authorization don't match.",
        }
        ws.send("{bad")
        assert (await ws.next())["status"] == 400
        ws.send({"type": "subscribe", "subscriptions": ["x" * 2501], "authorization": ta})
        err = await ws.next()
        assert (
            err["status"] == 400 and err["data"]["subscriptions"]["0"]["code"] == "validation_length_too_long"
        )
        # the SSE endpoint's POST works for a WebSocket client too
        r = await client.post(
            "/api/realtime",
            json={"clientId": hello["clientId"], "subscriptions": []},
            headers={"Authorization": ta},
        )
        assert r.status_code == 204
    finally:
        await ws.close()
    r = await client.post("/api/realtime", json={"clientId": hello["clientId"], "subscriptions": []})
    assert r.status_code == 404


async def test_websocket_other_paths_are_refused(asgi):
    ws = await WSClient(asgi, "/api/elsewhere").connect()
    assert await ws.next() is None
    assert not ws.accepted and ws.close_code == 4404


async def test_websocket_closes_when_idle(app, asgi):
    app.realtime.idle_timeout = 0.2
    ws = await WSClient(asgi).connect()
    assert (await ws.next())["event"] == "PB_CONNECT"
    assert await ws.next() is None and ws.close_code == 1000
    await ws.close()
    assert app.realtime.clients.clients == {}


async def test_concurrent_deletes_with_subscribers_all_finish(client, su, colls, sse):
    """More concurrent deletes than pooled connections: deciding who sees a delete must not
    need a second connection while the transaction holds one."""
    alice, ta = await make_user(client, "alice@example.com")
    recs = [
        (
            await client.post(
                "/api/collections/priv/records", json={"title": str(i), "owner": alice["id"]}, headers=su
            )
        ).json()
        for i in range(16)
    ]
    c = await sse()
    await subscribe(client, c, ["priv/*"], ta)
    deletes = [client.delete(f"/api/collections/priv/records/{r['id']}", headers=su) for r in recs]
    responses = await asyncio.wait_for(asyncio.gather(*deletes), 30)
    assert [r.status_code for r in responses] == [204] * len(recs)
    got = {(await c.next())["data"]["record"]["id"] for _ in recs}
    assert got == {r["id"] for r in recs}


async def test_deleting_your_own_account_never_shows_your_email_to_others(client, su, sse):
    await client.patch(
        "/api/collections/users",
        json={"listRule": "", "viewRule": "", "deleteRule": "id = @request.auth.id"},
        headers=su,
    )
    alice, ta = await make_user(client, "alice@example.com")
    ca, cg = await sse(), await sse()
    await subscribe(client, ca, ["users/*"], ta)
    await subscribe(client, cg, ["users/*"])
    assert (
        await client.delete(f"/api/collections/users/records/{alice['id']}", headers={"Authorization": ta})
    ).status_code == 204
    (ea,), (eg,) = await ca.expect(("users/*", "delete")), await cg.expect(("users/*", "delete"))
    assert ea["data"]["record"]["email"] == "alice@example.com"
    assert "email" not in eg["data"]["record"]
