"""API rules: null = superusers only, "" = anyone, an expression = a condition, with PocketBase's statuses."""

from __future__ import annotations

import pytest

from tests.helpers import make_collection, make_user

pytestmark = pytest.mark.anyio


@pytest.fixture
async def notes(client, su):
    rule = "owner = @request.auth.id"
    return await make_collection(
        client,
        su,
        {
            "name": "notes",
            "type": "base",
            "listRule": rule,
            "viewRule": rule,
            "createRule": "@request.auth.id != '' && owner = @request.auth.id",
            "updateRule": rule,
            "deleteRule": None,
            "fields": [
                {"name": "text", "type": "text"},
                {"name": "owner", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
            ],
        },
    )


async def test_owner_rules(client, su, notes):
    alice, ta = await make_user(client, "alice@example.com")
    bob, tb = await make_user(client, "bob@example.com")
    A, B = {"Authorization": ta}, {"Authorization": tb}
    r = await client.post(
        "/api/collections/notes/records", json={"text": "a1", "owner": alice["id"]}, headers=A
    )
    assert r.status_code == 200
    note = r.json()
    # create rule unmet -> 400, nothing written
    r = await client.post(
        "/api/collections/notes/records", json={"text": "x", "owner": alice["id"]}, headers=B
    )
    assert r.json() == {"data": {}, "message": "Failed to create record.", "status": 400}
    r = await client.post("/api/collections/notes/records", json={"text": "guest"})
    assert r.status_code == 400
    # list rule filters rows
    assert [
        n["text"] for n in (await client.get("/api/collections/notes/records", headers=A)).json()["items"]
    ] == ["a1"]
    assert (await client.get("/api/collections/notes/records", headers=B)).json()["items"] == []
    assert (await client.get("/api/collections/notes/records")).json()["totalItems"] == 0
    # view/update unmet -> 404
    url = f"/api/collections/notes/records/{note['id']}"
    assert (await client.get(url, headers=B)).status_code == 404
    assert (await client.patch(url, json={"text": "hack"}, headers=B)).status_code == 404
    assert (await client.get(url, headers=A)).json()["text"] == "a1"
    # locked delete rule -> 403 for users, allowed for superusers
    r = await client.delete(url, headers=A)
    assert r.json() == {"data": {}, "message": "Only superusers can perform this action.", "status": 403}
    assert (await client.delete(url, headers=su)).status_code == 204
    assert (await client.get("/api/collections/notes/records", headers=A)).json()["totalItems"] == 0
    assert (
        await client.post("/api/collections/notes/records", json={"text": "n", "owner": bob["id"]}, headers=A)
    ).status_code == 400


async def test_locked_list(client, su):
    await make_collection(
        client, su, {"name": "secret", "type": "base", "fields": [{"name": "x", "type": "text"}]}
    )
    r = await client.get("/api/collections/secret/records")
    assert r.status_code == 403
    assert r.json()["message"] == "Only superusers can perform this action."
    assert (await client.get("/api/collections/secret/records", headers=su)).status_code == 200


async def test_guest_filter_cannot_use_request(client, su):
    await make_collection(
        client, su, {"name": "pub", "type": "base", "listRule": "", "fields": [{"name": "x", "type": "text"}]}
    )
    r = await client.get("/api/collections/pub/records", params={"filter": "@request.auth.id != ''"})
    assert r.status_code == 403
    assert r.json()["message"] == "Only superusers can filter by @request."
    r = await client.get(
        "/api/collections/pub/records", params={"filter": "@request.auth.id = ''"}, headers=su
    )
    assert r.status_code == 200


async def test_users_default_rules(client):
    alice, ta = await make_user(client, "al@example.com")
    bob, _ = await make_user(client, "bo@example.com")
    items = (await client.get("/api/collections/users/records", headers={"Authorization": ta})).json()[
        "items"
    ]
    assert [u["id"] for u in items] == [alice["id"]]
    assert items[0]["email"] == "al@example.com"  # the owner sees their email
    assert (
        await client.get(f"/api/collections/users/records/{bob['id']}", headers={"Authorization": ta})
    ).status_code == 404
