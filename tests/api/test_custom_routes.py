"""Custom routes and middlewares on the real ASGI app: params, body, auth helpers, errors, CORS."""

from __future__ import annotations

import httpx
import pytest

import roost
from roost.api import build_asgi
from tests.helpers import error_shape, make_user

pytestmark = pytest.mark.anyio


@pytest.fixture
async def routed(app: roost.App):
    async def hello(e: roost.RequestEvent) -> roost.Response:
        return e.json(200, {"name": e.request.path_params["name"], "q": e.request.query.get("q", "")})

    async def echo(e: roost.RequestEvent) -> None:
        e.json(201, {"body": await e.request.json(), "auth": e.auth.id if e.auth else None})

    def text(e: roost.RequestEvent) -> None:
        e.text(200, "plain")

    async def fail(e: roost.RequestEvent) -> None:
        raise RuntimeError("boom")

    app.router.get("/api/hello/{name}", hello)
    app.router.post("/api/echo", echo, roost.require_auth())
    app.router.get("/api/admin-only", text, roost.require_superuser())
    app.router.get("/api/guests", text, roost.require_guest_only())
    app.router.get("/api/fail", fail)
    app.router.delete("/api/gone", lambda e: e.no_content())
    app.router.get("/api/away", lambda e: e.redirect(302, "/api/hello/x"))
    transport = httpx.ASGITransport(app=build_asgi(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://roost.test") as c:
        yield c


async def test_params_query_body_and_helpers(routed, su):
    r = await routed.get("/api/hello/w%20x", params={"q": "1"})
    assert r.status_code == 200 and r.json() == {"name": "w x", "q": "1"}
    assert r.headers["access-control-allow-origin"] == "*"
    r = await routed.post("/api/echo", json={"a": 1}, headers=su)
    assert r.status_code == 201 and r.json()["body"] == {"a": 1} and len(r.json()["auth"]) == 15
    assert (await routed.delete("/api/gone")).status_code == 204
    r = await routed.get("/api/away")
    assert r.status_code == 302 and r.headers["location"] == "/api/hello/x"
    r = await routed.options("/api/hello/x", headers={"access-control-request-method": "GET"})
    assert r.status_code == 204


async def test_auth_helpers(routed, su):
    r = await routed.post("/api/echo", json={})
    assert r.status_code == 401
    error_shape(r.json(), 401)
    _, token = await make_user(routed, "u@example.com")
    r = await routed.get("/api/admin-only", headers={"Authorization": token})
    assert r.status_code == 403
    assert r.json()["message"] == "The authorized record is not allowed to perform this action."
    r = await routed.get("/api/admin-only", headers=su)
    assert r.status_code == 200 and r.text == "plain"
    assert (await routed.get("/api/guests")).status_code == 200
    r = await routed.get("/api/guests", headers=su)
    assert r.status_code == 400 and r.json()["message"] == "The request can be accessed only by guests."


async def test_errors_in_handlers_are_500s_in_pocketbase_shape(routed):
    r = await routed.get("/api/fail")
    assert r.status_code == 500
    error_shape(r.json(), 500)
    assert "boom" not in r.text


async def test_global_middlewares_wrap_built_in_routes_too(app, routed):
    calls: list[str] = []

    async def count(e: roost.RequestEvent) -> None:
        calls.append(e.request.path)
        await e.next()
        assert e.response is not None
        e.response.headers.append((b"x-seen", b"1"))

    mid = app.router.use(count)
    r = await routed.get("/api/health")
    assert r.status_code == 200 and r.headers["x-seen"] == "1"
    r = await routed.get("/api/hello/a")
    assert r.headers["x-seen"] == "1"
    assert calls == ["/api/health", "/api/hello/a"]

    async def block(e: roost.RequestEvent) -> None:
        raise roost.ForbiddenError("Closed for maintenance.")

    app.router.use(block, id="block")
    r = await routed.get("/api/collections/users/records")
    assert r.status_code == 403 and r.json()["message"] == "Closed for maintenance."
    app.router.unuse("block")
    app.router.unuse(mid)
    r = await routed.get("/api/health")
    assert "x-seen" not in r.headers


async def test_a_route_that_clashes_with_a_built_in_one_is_refused(app):
    app.router.get("/api/health", lambda e: e.text(200, "mine"))
    with pytest.raises(ValueError, match="duplicate route GET /api/health"):
        build_asgi(app)
