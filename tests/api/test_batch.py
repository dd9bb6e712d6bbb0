"""Batch API and settings: one transaction, all or nothing, rules per request with the outer auth."""

from __future__ import annotations

import pytest

from tests.helpers import make_collection, make_user

pytestmark = pytest.mark.anyio


@pytest.fixture
async def items(client, su):
    await client.patch("/api/settings", headers=su, json={"batch": {"enabled": True, "maxRequests": 5}})
    return await make_collection(
        client,
        su,
        {
            "name": "items",
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "createRule": "",
            "updateRule": "",
            "deleteRule": "@request.auth.id != ''",
            "fields": [{"name": "title", "type": "text", "required": True}, {"name": "n", "type": "number"}],
        },
    )


async def titles(client):
    r = await client.get("/api/collections/items/records", params={"sort": "title", "perPage": 100})
    return [x["title"] for x in r.json()["items"]]


async def test_disabled_by_default(client, su):
    r = await client.get("/api/settings", headers=su)
    assert r.json()["batch"] == {"enabled": False, "maxRequests": 50, "timeout": 3, "maxBodySize": 0}
    assert "password" not in r.json()["smtp"] and "secret" not in r.json()["s3"]
    r = await client.post(
        "/api/batch", json={"requests": [{"method": "POST", "url": "/api/collections/users/records"}]}
    )
    assert r.json() == {"data": {}, "message": "Batch requests are not allowed.", "status": 403}
    assert (await client.get("/api/settings")).status_code == 401


async def test_settings_validation(client, su):
    r = await client.patch("/api/settings", headers=su, json={"batch": {"maxRequests": "many"}})
    assert r.status_code == 400
    r = await client.patch("/api/settings", headers=su, json={"batch": {"maxRequests": -1}})
    assert r.json()["data"]["batch"]["maxRequests"]["code"] == "validation_min_greater_equal_than_required"
    r = await client.patch("/api/settings", headers=su, json={"meta": {"appName": "Shop"}})
    assert r.json()["meta"]["appName"] == "Shop"
    assert (await client.get("/api/settings", headers=su)).json()["meta"]["appName"] == "Shop"


async def test_commit(client, su, items):
    keep = (await client.post("/api/collections/items/records", json={"title": "keep", "n": 1})).json()
    _, token = await make_user(client, "u@example.com")
    drop = (await client.post("/api/collections/items/records", json={"title": "drop"})).json()
    r = await client.post(
        "/api/batch",
        headers={"Authorization": token},
        json={
            "requests": [
                {
                    "method": "POST",
                    "url": "/api/collections/items/records?fields=title",
                    "body": {"title": "new"},
                },
                {"method": "PATCH", "url": f"/api/collections/items/records/{keep['id']}", "body": {"n+": 4}},
                {"method": "DELETE", "url": f"/api/collections/items/records/{drop['id']}"},
                {
                    "method": "PUT",
                    "url": "/api/collections/items/records",
                    "body": {"id": "upsert000000001", "title": "up"},
                },
            ]
        },
    )
    assert r.status_code == 200, r.text
    res = r.json()
    assert [x["status"] for x in res] == [200, 200, 204, 200]
    assert res[0]["body"] == {"title": "new"}
    assert res[1]["body"]["n"] == 5
    assert res[2]["body"] is None
    assert await titles(client) == ["keep", "new", "up"]


async def test_rollback(client, items):
    await client.post("/api/collections/items/records", json={"title": "before"})
    r = await client.post(
        "/api/batch",
        json={
            "requests": [
                {"method": "POST", "url": "/api/collections/items/records", "body": {"title": "rolled back"}},
                {"method": "POST", "url": "/api/collections/items/records", "body": {"n": 1}},
            ]
        },
    )
    assert r.status_code == 400
    assert r.json() == {
        "data": {
            "requests": {
                "1": {
                    "code": "batch_request_failed",
                    "message": "Batch request failed.",
                    "response": {
                        "data": {"title": {"code": "validation_required", "message": "Cannot be blank."}},
                        "message": "Failed to create record.",
                        "status": 400,
                    },
                }
            }
        },
        "message": "Batch transaction failed.",
        "status": 400,
    }
    assert await titles(client) == ["before"]
    # the guest may not delete: the rule is checked with the outer auth
    rec = (await client.get("/api/collections/items/records")).json()["items"][0]
    r = await client.post(
        "/api/batch",
        json={
            "requests": [
                {
                    "method": "PATCH",
                    "url": f"/api/collections/items/records/{rec['id']}",
                    "body": {"title": "changed"},
                },
                {"method": "DELETE", "url": f"/api/collections/items/records/{rec['id']}"},
            ]
        },
    )
    assert r.json()["data"]["requests"]["1"]["response"]["status"] == 404
    assert await titles(client) == ["before"]


async def test_limits_and_bad_input(client, items):
    six = [
        {"method": "POST", "url": "/api/collections/items/records", "body": {"title": str(i)}}
        for i in range(6)
    ]
    r = await client.post("/api/batch", json={"requests": six})
    assert r.json()["data"] == {
        "requests": {
            "code": "validation_length_too_long",
            "message": "The length must be no more than 5.",
            "params": {"max": 5, "min": 0},
        }
    }
    r = await client.post("/api/batch", json={"requests": "x"})
    assert r.json() == {"data": {}, "message": "Failed to read the submitted batch data.", "status": 400}
    r = await client.post(
        "/api/batch", json={"requests": [{"method": "GET", "url": "/api/collections/items/records"}]}
    )
    assert r.json()["data"]["requests"]["0"]["code"] == "batch_request_failed"
    assert await titles(client) == []
