"""Collections API: shapes, schema changes in place without data loss, validation."""

from __future__ import annotations

import pytest

from tests.helpers import DATETIME_RE, make_collection

pytestmark = pytest.mark.anyio


async def test_system_collections(client, su):
    r = await client.get("/api/collections/_superusers", headers=su)
    su_coll = r.json()
    assert (
        su_coll["id"] == "pbc_3142635823"
        and su_coll["system"] is True
        and su_coll["authToken"] == {"duration": 86400}
    )
    users = (await client.get("/api/collections/users", headers=su)).json()
    assert users["id"] == "_pb_users_auth_"
    assert [f["name"] for f in users["fields"]] == [
        "id",
        "password",
        "tokenKey",
        "email",
        "emailVisibility",
        "verified",
        "name",
        "avatar",
        "created",
        "updated",
    ]
    assert users["listRule"] == "id = @request.auth.id" and users["createRule"] == ""
    assert users["indexes"] == [
        "CREATE UNIQUE INDEX `idx_tokenKey__pb_users_auth_` ON `users` (`tokenKey`)",
        "CREATE UNIQUE INDEX `idx_email__pb_users_auth_` ON `users` (`email`) WHERE `email` != ''",
    ]
    assert "secret" not in str(users)
    listing = (await client.get("/api/collections", headers=su)).json()
    assert {c["name"] for c in listing["items"]} >= {"_superusers", "users"}


async def test_create_shape(client, su):
    c = await make_collection(
        client, su, {"name": "posts", "type": "base", "fields": [{"name": "title", "type": "text"}]}
    )
    assert c["id"] == "pbc_1125843985"  # crc32 of type+name, as PocketBase
    assert c["fields"][0]["name"] == "id" and c["fields"][0]["primaryKey"] is True
    assert c["fields"][1] == {
        "autogeneratePattern": "",
        "help": "",
        "hidden": False,
        "id": "text724990059",
        "max": 0,
        "min": 0,
        "name": "title",
        "pattern": "",
        "presentable": False,
        "primaryKey": False,
        "required": False,
        "system": False,
        "type": "text",
    }
    assert DATETIME_RE.match(c["created"])
    assert (c["listRule"], c["type"], c["system"], c["indexes"]) == (None, "base", False, [])


async def test_validation_errors(client, su):
    await make_collection(client, su, {"name": "posts", "type": "base"})
    r = await client.post(
        "/api/collections",
        headers=su,
        json={
            "name": "POSTS",
            "type": "base",
            "listRule": "nope = 1",
            "fields": [{"name": "a", "type": "text"}],
        },
    )
    assert r.status_code == 400
    assert r.json()["data"]["name"]["code"] == "validation_collection_name_exists"
    r = await client.post(
        "/api/collections",
        headers=su,
        json={"name": "other", "type": "base", "listRule": "nope = 1", "fields": []},
    )
    assert r.json()["data"]["listRule"]["code"] == "validation_invalid_rule"
    r = await client.post(
        "/api/collections",
        headers=su,
        json={"name": "other", "fields": [{"name": "x", "type": "wat"}, {"name": "expand", "type": "text"}]},
    )
    # an unknown field type fails the whole definition, as in PocketBase
    assert r.status_code == 400
    assert r.json() == {
        "data": {},
        "message": "Failed to load the submitted data due to invalid formatting.",
        "status": 400,
    }
    r = await client.post(
        "/api/collections",
        headers=su,
        json={"name": "other", "fields": [{"name": "x", "type": "text"}, {"name": "expand", "type": "text"}]},
    )
    # positions after the implicit id field, as PocketBase
    assert r.json()["data"]["fields"] == {
        "2": {"name": {"code": "validation_not_in_invalid", "message": "Must not be in list."}}
    }
    r = await client.post("/api/collections", headers=su, json={"name": "bad name!"})
    assert r.json()["data"]["name"]["code"] == "validation_invalid_name"


async def test_alter_fields_keeps_data(client, su):
    c = await make_collection(
        client,
        su,
        {
            "name": "items",
            "type": "base",
            "listRule": "",
            "createRule": "",
            "fields": [
                {"name": "title", "type": "text"},
                {"name": "n", "type": "number"},
                {"name": "gone", "type": "text"},
            ],
        },
    )
    await client.post("/api/collections/items/records", json={"title": "keep me", "n": 4, "gone": "bye"})
    fields = [f for f in c["fields"] if f["name"] != "gone"]
    for f in fields:
        if f["name"] == "title":
            f["name"] = "headline"
    fields.append({"name": "extra", "type": "bool"})
    r = await client.patch(
        "/api/collections/items",
        headers=su,
        json={"name": "things", "fields": fields, "indexes": ["CREATE INDEX `idx_n` ON `things` (`n`)"]},
    )
    assert r.status_code == 200, r.text
    rec = (await client.get("/api/collections/things/records")).json()["items"][0]
    assert (rec["headline"], rec["n"], rec["extra"]) == ("keep me", 4, False)
    assert "gone" not in rec and "title" not in rec
    assert (await client.get("/api/collections/items/records")).status_code == 404
    # a unique index that existing data violates is refused, nothing changes
    await client.post("/api/collections/things/records", json={"headline": "keep me"})
    r = await client.patch(
        "/api/collections/things",
        headers=su,
        json={"indexes": ["CREATE UNIQUE INDEX `idx_h` ON `things` (`headline`)"]},
    )
    assert r.status_code == 400
    assert (await client.get("/api/collections/things", headers=su)).json()["indexes"] == [
        "CREATE INDEX `idx_n` ON `things` (`n`)"
    ]


async def test_delete_collection(client, su):
    await make_collection(client, su, {"name": "tmp", "type": "base"})
    assert (await client.delete("/api/collections/tmp", headers=su)).status_code == 204
    assert (await client.get("/api/collections/tmp", headers=su)).status_code == 404
    r = await client.delete("/api/collections/_superusers", headers=su)
    assert r.status_code == 400


async def test_list_filter_sort_paging(client, su):
    for name in ("alpha", "beta", "gamma"):
        await make_collection(client, su, {"name": name, "type": "base"})
    r = await client.get(
        "/api/collections", headers=su, params={"filter": "system = false && name != 'beta'", "sort": "-name"}
    )
    assert r.status_code == 200
    assert [c["name"] for c in r.json()["items"]] == ["users", "gamma", "alpha"]
    r = await client.get(
        "/api/collections",
        headers=su,
        params={"perPage": 2, "page": 2, "sort": "name", "filter": "system = false"},
    )
    body = r.json()
    assert (body["totalItems"], body["totalPages"], [c["name"] for c in body["items"]]) == (
        4,
        2,
        ["gamma", "users"],
    )
    r = await client.get(
        "/api/collections", headers=su, params={"filter": "name ~ 'amm' || type = 'auth'", "sort": "name"}
    )
    assert [c["name"] for c in r.json()["items"]] == ["_superusers", "gamma", "users"]
    r = await client.get("/api/collections", headers=su, params={"filter": "nope = 1"})
    assert r.status_code == 400
