"""Health, error shapes and bad input: always PocketBase's `{data, message, status}`, never a 500."""

from __future__ import annotations

import pytest

from tests.helpers import error_shape, make_collection

pytestmark = pytest.mark.anyio


async def test_health(client):
    r = await client.get("/api/health")
    assert r.status_code == 200
    assert r.json() == {"message": "API is healthy.", "code": 200, "data": {}}
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["access-control-allow-origin"] == "*"


async def test_unknown_route_and_collection(client):
    r = await client.get("/api/nope")
    assert r.status_code == 404
    assert r.json() == {"data": {}, "message": "File not found.", "status": 404}
    r = await client.get("/api/collections/nope/records")
    assert r.json() == {"data": {}, "message": "Missing collection context.", "status": 404}


async def test_cors_preflight(client):
    r = await client.options(
        "/api/collections/users/records",
        headers={
            "Origin": "http://x",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,authorization",
        },
    )
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["access-control-allow-headers"] == "content-type,authorization"


async def test_collections_require_superuser(client):
    r = await client.get("/api/collections")
    assert r.status_code == 401
    assert r.json()["message"] == "The request requires valid record authorization token."


@pytest.mark.parametrize("body", [b"{bad", b"[1,2]", b'"x"'])
async def test_invalid_json_is_400(client, su, body):
    await make_collection(
        client,
        su,
        {"name": "notes", "type": "base", "createRule": "", "fields": [{"name": "title", "type": "text"}]},
    )
    r = await client.post(
        "/api/collections/notes/records", content=body, headers={"content-type": "application/json"}
    )
    assert r.status_code == 400
    error_shape(r.json(), 400)
    listing = await client.get("/api/collections/notes/records", headers=su)
    assert listing.json()["totalItems"] == 0


@pytest.mark.parametrize(
    "query",
    [
        "filter=(((",
        "filter=title%20%3D",
        "filter=nope%3D1",
        "sort=nope",
        "page=abc",
        "perPage=x",
        "filter=title%20%3D%3D%201",
        "sort=-",
        "filter=" + "a%3D1%26%26" * 300 + "a%3D1",
    ],
)
async def test_malformed_list_params_are_400(client, su, query):
    await make_collection(
        client,
        su,
        {"name": "notes", "type": "base", "listRule": "", "fields": [{"name": "title", "type": "text"}]},
    )
    r = await client.get(f"/api/collections/notes/records?{query}")
    assert r.status_code == 400, r.text
    error_shape(r.json(), 400)
    assert "SELECT" not in r.text and "sqlite" not in r.text.lower()


async def test_oversized_body_is_413(client, su):
    await make_collection(
        client,
        su,
        {"name": "notes", "type": "base", "createRule": "", "fields": [{"name": "title", "type": "text"}]},
    )
    big = b'{"title":"' + b"x" * (33 << 20) + b'"}'
    r = await client.post(
        "/api/collections/notes/records", content=big, headers={"content-type": "application/json"}
    )
    assert r.status_code == 413
    error_shape(r.json(), 413)


async def test_bad_token_is_guest(client, su):
    await make_collection(
        client,
        su,
        {"name": "notes", "type": "base", "listRule": "", "fields": [{"name": "title", "type": "text"}]},
    )
    r = await client.get("/api/collections/notes/records", headers={"Authorization": "garbage"})
    assert r.status_code == 200
    r = await client.get("/api/collections", headers={"Authorization": "Bearer garbage"})
    assert r.status_code == 401


async def test_wrong_method_is_404(client):
    r = await client.delete("/api/health")
    assert r.json() == {"data": {}, "message": "The requested resource wasn't found.", "status": 404}
