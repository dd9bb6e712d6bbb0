"""GET/POST /api/oauth2-redirect: the code goes to the realtime client waiting on `@oauth2` (the
SDK's popup flow), once, and only when the redirect comes from the address that connected."""

from __future__ import annotations

import orjson
import pytest

pytestmark = pytest.mark.anyio

SUCCESS = "../_/#/auth/oauth2-redirect-success"
FAILURE = "../_/#/auth/oauth2-redirect-failure"


def waiting_client(app, ip: str = "127.0.0.1"):
    client = app.realtime.clients.new_client()
    client.ip = ip
    app.realtime.clients.set_subscriptions(client, ["@oauth2"])
    return client


async def test_code_is_forwarded_to_the_waiting_client(app, client):
    rt = waiting_client(app)
    r = await client.get(f"/api/oauth2-redirect?state={rt.id}&code=abc")
    assert r.status_code == 307 and r.headers["location"] == SUCCESS
    assert list(rt._pending) == [("@oauth2", orjson.dumps({"state": rt.id, "code": "abc"}))]
    assert "@oauth2" not in rt.subscriptions  # once
    r = await client.get(f"/api/oauth2-redirect?state={rt.id}&code=abc")
    assert r.headers["location"] == FAILURE


async def test_form_post_and_provider_error(app, client):
    rt = waiting_client(app)
    r = await client.post("/api/oauth2-redirect", data={"state": rt.id, "error": "access_denied"})
    assert r.status_code == 303 and r.headers["location"] == FAILURE
    # the client still learns why
    assert list(rt._pending) == [
        ("@oauth2", orjson.dumps({"state": rt.id, "code": "", "error": "access_denied"}))
    ]


async def test_unknown_state_other_address_or_no_subscription(app, client):
    r = await client.get("/api/oauth2-redirect?code=abc")
    assert r.status_code == 307 and r.headers["location"] == FAILURE
    r = await client.get("/api/oauth2-redirect?state=nope&code=abc")
    assert r.headers["location"] == FAILURE
    elsewhere = waiting_client(app, ip="10.0.0.9")
    r = await client.get(f"/api/oauth2-redirect?state={elsewhere.id}&code=abc")
    assert r.headers["location"] == FAILURE and not elsewhere._pending
    unsubscribed = app.realtime.clients.new_client()
    r = await client.get(f"/api/oauth2-redirect?state={unsubscribed.id}&code=abc")
    assert r.headers["location"] == FAILURE
