"""API keys (/api/keys): superusers create keys that act as an auth record; the secret is
answered once, only its hash is stored; keys authenticate like tokens, expire, carry their
own rate limit and stop working as soon as they are deleted."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from roost.core.api_keys import TABLE
from tests.helpers import DATETIME_RE, ID_RE, error_shape, make_collection, make_user

pytestmark = pytest.mark.anyio


def pb_date(delta: timedelta) -> str:
    dt = datetime.now(UTC) + delta
    return dt.strftime("%Y-%m-%d %H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


async def new_key(client, su, **body):
    r = await client.post("/api/keys", headers=su, json={"name": "ci", **body})
    assert r.status_code == 200, r.text
    return r.json()


async def test_only_superusers_manage_keys(client, su):
    _, token = await make_user(client, "u@example.com")
    r = await client.get("/api/keys")
    assert r.status_code == 401
    error_shape(r.json(), 401)
    r = await client.post("/api/keys", json={"name": "x"}, headers={"Authorization": token})
    assert r.json() == {
        "data": {},
        "message": "The authorized record is not allowed to perform this action.",
        "status": 403,
    }
    assert (await client.get("/api/keys", headers=su)).json() == []


async def test_create_show_once_and_act_as_the_record(app, client, su):
    await make_collection(
        client,
        su,
        {
            "name": "notes",
            "type": "base",
            "listRule": "owner = @request.auth.id",
            "fields": [{"name": "owner", "type": "text"}],
        },
    )
    user, _ = await make_user(client, "k@example.com")
    other, _ = await make_user(client, "o@example.com")
    for owner in (user["id"], other["id"]):
        r = await client.post("/api/collections/notes/records", headers=su, json={"owner": owner})
        assert r.status_code == 200
    created = await new_key(client, su, collection="users", record=user["id"])
    secret = created.pop("key")
    assert secret.startswith(f"rk_{created['id']}_") and len(secret) > 50
    assert ID_RE.match(created["id"]) and DATETIME_RE.match(created["created"])
    assert created == {
        "id": created["id"],
        "name": "ci",
        "collectionId": "_pb_users_auth_",
        "collectionName": "users",
        "recordId": user["id"],
        "expires": "",
        "rateLimit": None,
        "created": created["created"],
        "updated": created["updated"],
    }
    # never shown again, and only a hash is stored
    assert (await client.get(f"/api/keys/{created['id']}", headers=su)).json() == created
    assert (await client.get("/api/keys", headers=su)).json() == [created]
    q = app.dialect.quote
    rows = await app.db.fetch_all(f"SELECT * FROM {q(TABLE)}")
    assert len(rows) == 1 and not any(secret.split("_", 2)[2] in str(v) for v in rows[0])
    # the key acts as the user, with or without "Bearer"
    for header in (secret, f"Bearer {secret}"):
        r = await client.get("/api/collections/notes/records", headers={"Authorization": header})
        assert [i["owner"] for i in r.json()["items"]] == [user["id"]]
    # auth-refresh keeps the key as the token (it is not refreshable)
    r = await client.post("/api/collections/users/auth-refresh", headers={"Authorization": secret})
    assert r.status_code == 200 and r.json()["token"] == secret and r.json()["record"]["id"] == user["id"]
    # a wrong secret for a real id, or a made-up key, is a guest
    for bad in (secret[:-2] + "xx", "rk_" + "a" * 15 + "_nope", "rk_short"):
        r = await client.get("/api/collections/notes/records", headers={"Authorization": bad})
        assert r.json()["items"] == []


async def test_superuser_key_and_per_key_rate_limit(client, su):
    created = await new_key(client, su, rateLimit={"maxRequests": 2, "duration": 60})
    assert created["collectionName"] == "_superusers" and created["rateLimit"] == {
        "maxRequests": 2,
        "duration": 60,
    }
    key = {"Authorization": created["key"]}
    r = await client.get("/api/settings", headers=key)
    assert r.status_code == 200
    assert r.headers["ratelimit-policy"] == '"api-key";q=2;w=60'
    assert r.headers["ratelimit"].startswith('"api-key";r=1;t=')
    assert (await client.get("/api/health", headers=key)).status_code == 200
    r = await client.get("/api/settings", headers=key)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert r.json() == {"data": {}, "message": "Too Many Requests.", "status": 429}
    # the superuser's own token is not limited by the key; raising the key's limit applies at once
    assert (await client.get("/api/settings", headers=su)).status_code == 200
    r = await client.patch(
        f"/api/keys/{created['id']}",
        headers=su,
        json={"name": "renamed", "rateLimit": {"maxRequests": 5, "duration": 60}},
    )
    assert r.status_code == 200 and r.json()["name"] == "renamed" and "key" not in r.json()
    assert (await client.get("/api/settings", headers=key)).status_code == 200


async def test_validation(client, su):
    user, _ = await make_user(client, "v@example.com")
    r = await client.post(
        "/api/keys",
        headers=su,
        json={
            "name": " ",
            "collection": "users",
            "record": "nope",
            "expires": "soon",
            "rateLimit": {"maxRequests": 0},
        },
    )
    assert r.status_code == 400
    assert r.json() == {
        "data": {
            "name": {"code": "validation_required", "message": "Cannot be blank."},
            "record": {"code": "validation_missing_record", "message": "Missing or invalid auth record."},
            "expires": {"code": "validation_invalid_date", "message": "Must be a valid date."},
            "rateLimit": {
                "maxRequests": {
                    "code": "validation_min_greater_equal_than_required",
                    "message": "Must be no less than 1.",
                    "params": {"threshold": 1},
                },
                "duration": {"code": "validation_required", "message": "Cannot be blank."},
            },
        },
        "message": "Failed to create API key.",
        "status": 400,
    }
    await make_collection(client, su, {"name": "posts", "type": "base"})
    r = await client.post(
        "/api/keys", headers=su, json={"name": "x", "collection": "posts", "record": user["id"]}
    )
    assert r.json()["data"] == {
        "collection": {
            "code": "validation_missing_collection",
            "message": "Missing or invalid auth collection.",
        }
    }
    r = await client.post(
        "/api/keys", headers=su, json={"name": "x", "expires": pb_date(-timedelta(minutes=1))}
    )
    assert r.json()["data"]["expires"]["code"] == "validation_date_in_past"
    assert (await client.get("/api/keys/nope", headers=su)).status_code == 404
    assert (await client.delete("/api/keys/nope", headers=su)).status_code == 404
    assert (await client.get("/api/keys", headers=su)).json() == []


async def test_expiry_revocation_and_deleted_records(client, su):
    user, _ = await make_user(client, "e@example.com")
    soon = await new_key(
        client, su, collection="users", record=user["id"], expires=pb_date(timedelta(seconds=1.5))
    )
    assert DATETIME_RE.match(soon["expires"])
    refresh = "/api/collections/users/auth-refresh"
    assert (await client.post(refresh, headers={"Authorization": soon["key"]})).status_code == 200
    await asyncio.sleep(2)
    assert (await client.post(refresh, headers={"Authorization": soon["key"]})).status_code == 401
    # deleting a key revokes it at once on this instance
    kept = await new_key(client, su, collection="users", record=user["id"])
    assert (await client.post(refresh, headers={"Authorization": kept["key"]})).status_code == 200
    assert (await client.delete(f"/api/keys/{kept['id']}", headers=su)).status_code == 204
    assert (await client.post(refresh, headers={"Authorization": kept["key"]})).status_code == 401
    # a key whose record is gone acts as nobody
    third = await new_key(client, su, collection="users", record=user["id"])
    r = await client.delete(f"/api/collections/users/records/{user['id']}", headers=su)
    assert r.status_code == 204
    assert (await client.post(refresh, headers={"Authorization": third["key"]})).status_code == 401


async def test_hooks_see_and_can_stop_key_changes(app, client, su):
    seen: list[tuple[str, str]] = []

    @app.on_api_key_create_request()
    async def created(e):
        await e.next()
        seen.append(("create", e.key["name"]))
        assert e.secret.startswith("rk_")

    @app.on_api_key_delete_request()
    async def keep(e):
        seen.append(("delete", e.key["name"]))
        e.json(403, {"data": {}, "message": "Keys are kept.", "status": 403})  # next() not called

    key = await new_key(client, su, name="hooked")
    r = await client.delete(f"/api/keys/{key['id']}", headers=su)
    assert r.status_code == 403
    assert seen == [("create", "hooked"), ("delete", "hooked")]
    r = await client.get("/api/collections/_superusers/records", headers={"Authorization": key["key"]})
    assert r.status_code == 200


async def test_a_new_password_revokes_the_records_keys(client, su):
    """A password change ends the record's keys as it ends its tokens; other records' keys and
    changes that keep the password leave keys alone."""
    user, token = await make_user(client, "p@example.com")
    other, _ = await make_user(client, "q@example.com")
    first = await new_key(client, su, collection="users", record=user["id"], name="one")
    second = await new_key(client, su, collection="users", record=user["id"], name="two")
    kept = await new_key(client, su, collection="users", record=other["id"], name="other")
    refresh = "/api/collections/users/auth-refresh"
    url = f"/api/collections/users/records/{user['id']}"
    # a change without a new password keeps the keys
    r = await client.patch(url, headers={"Authorization": token}, json={"name": "P"})
    assert r.status_code == 200, r.text
    assert (await client.post(refresh, headers={"Authorization": first["key"]})).status_code == 200
    # the user's own password change, through the key itself
    r = await client.patch(
        url,
        headers={"Authorization": second["key"]},
        json={"password": "newpass123", "passwordConfirm": "newpass123", "oldPassword": "password123"},
    )
    assert r.status_code == 200, r.text
    for key in (first, second):
        r = await client.post(refresh, headers={"Authorization": key["key"]})
        assert r.status_code == 401, r.text
    assert [k["id"] for k in (await client.get("/api/keys", headers=su)).json()] == [kept["id"]]
    assert (await client.post(refresh, headers={"Authorization": kept["key"]})).status_code == 200
    # a superuser setting a new password revokes too
    r = await client.patch(
        f"/api/collections/users/records/{other['id']}",
        headers=su,
        json={"password": "another123", "passwordConfirm": "another123"},
    )
    assert r.status_code == 200, r.text
    assert (await client.post(refresh, headers={"Authorization": kept["key"]})).status_code == 401
    assert (await client.get("/api/keys", headers=su)).json() == []


async def test_a_superusers_new_password_revokes_their_keys(client, su):
    key = await new_key(client, su)  # acts as the superuser who made it
    assert (await client.get("/api/settings", headers={"Authorization": key["key"]})).status_code == 200
    me = key["recordId"]
    r = await client.patch(
        f"/api/collections/_superusers/records/{me}",
        headers=su,
        json={"password": "changed1234", "passwordConfirm": "changed1234"},
    )
    assert r.status_code == 200, r.text
    assert (await client.get("/api/settings", headers={"Authorization": key["key"]})).status_code == 401
