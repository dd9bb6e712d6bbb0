"""The auth system collections (`_mfas`, `_externalAuths`, `_authOrigins`) as PocketBase 0.40.6
lists them (pinned from the binary: tests/api/data/pb_system_collections.json), and the login
origins kept in `_authOrigins`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.helpers import make_user

pytestmark = pytest.mark.anyio

PINNED = json.loads((Path(__file__).parent / "data" / "pb_system_collections.json").read_text())


async def test_listed_as_pocketbase(client, su):
    r = await client.get("/api/collections", headers=su, params={"filter": "system = true || name = 'users'"})
    mine = r.json()["items"]
    names = [c["name"] for c in mine]
    # PocketBase's order, for the collections Roost has
    assert names == [c["name"] for c in PINNED if c["name"] in names]
    assert {"_mfas", "_externalAuths", "_authOrigins", "_superusers", "users"} <= set(names)
    by_name = {c["name"]: c for c in mine}
    for pinned in PINNED:
        if "fields" not in pinned or pinned["name"] not in by_name:
            continue
        got = {k: v for k, v in by_name[pinned["name"]].items() if k not in ("created", "updated")}
        assert got == pinned, pinned["name"]


async def test_system_collections_cannot_be_dropped(client, su):
    for name in ("_mfas", "_externalAuths", "_authOrigins"):
        r = await client.delete(f"/api/collections/{name}", headers=su)
        assert r.status_code == 400


async def login(client, email: str, ua: str):
    r = await client.post(
        "/api/collections/users/auth-with-password",
        json={"identity": email, "password": "password123"},
        headers={"user-agent": ua},
    )
    assert r.status_code == 200, r.text
    return r.json()["token"]


async def origins(client, token: str) -> list[dict]:
    r = await client.get("/api/collections/_authOrigins/records", headers={"Authorization": token})
    assert r.status_code == 200
    return r.json()["items"]


async def user_origins(client, su) -> list[dict]:
    r = await client.get(
        "/api/collections/_authOrigins/records",
        headers=su,
        params={"filter": "collectionRef = '_pb_users_auth_'"},
    )
    return r.json()["items"]


async def test_login_origin_is_recorded(client, su):
    user, _ = await make_user(client, "ori@example.com")  # a first login (no user agent header)
    token = await login(client, "ori@example.com", "ua-1")
    [origin] = await origins(client, token)
    # the first login's origin; PocketBase's fingerprint is md5(ip + user agent)
    first_fp = origin["fingerprint"]
    assert origin["recordRef"] == user["id"] and origin["collectionRef"] == "_pb_users_auth_"
    # a login from a new origin would mail an alert; with no mailer it stays unknown, as
    # PocketBase does when its mail cannot go out
    assert first_fp != hashlib.md5(b"127.0.0.1ua-1").hexdigest()
    assert len(await user_origins(client, su)) == 1
    # logging in again from the known origin touches it
    ua = (await client.get("/api/health")).request.headers["user-agent"]
    assert hashlib.md5(f"127.0.0.1{ua}".encode()).hexdigest() == first_fp
    before = origin["updated"]
    token = await login(client, "ori@example.com", ua)
    [origin] = await origins(client, token)
    assert origin["fingerprint"] == first_fp and origin["updated"] >= before
    # impersonation is no login of the user's own: nothing is recorded
    r = await client.post(f"/api/collections/users/impersonate/{user['id']}", json={}, headers=su)
    assert len(await origins(client, r.json()["token"])) == 1


async def test_alert_sender_gets_new_origins(app, client):
    sent = []

    async def sender(app, coll, record, info):
        sent.append((coll.name, record["email"], info))

    app.auth_alert_sender = sender
    await make_user(client, "alert@example.com")
    token = await login(client, "alert@example.com", "phone-browser")
    assert len(sent) == 1
    assert sent[0][:2] == ("users", "alert@example.com") and sent[0][2].endswith(" - 127.0.0.1 phone-browser")
    assert {o["fingerprint"] for o in await origins(client, token)} >= {
        hashlib.md5(b"127.0.0.1phone-browser").hexdigest()
    }
    await login(client, "alert@example.com", "phone-browser")
    assert len(sent) == 1  # a known origin: no second alert


async def test_at_most_five_origins_kept(app, client):
    async def sender(app, coll, record, info):
        return None

    app.auth_alert_sender = sender
    await make_user(client, "many@example.com")
    for i in range(7):
        token = await login(client, "many@example.com", f"ua-{i}")
    fps = {o["fingerprint"] for o in await origins(client, token)}
    assert len(fps) == 5
    assert hashlib.md5(b"127.0.0.1ua-6").hexdigest() in fps


async def test_origins_follow_their_record(client, su):
    user, _token = await make_user(client, "gone@example.com")
    r = await client.patch(
        f"/api/collections/users/records/{user['id']}",
        json={"password": "new-password-1", "passwordConfirm": "new-password-1"},
        headers=su,
    )
    assert r.status_code == 200
    assert await user_origins(client, su) == []  # a password change forgets the known origins
    r = await client.post(
        "/api/collections/users/auth-with-password",
        json={"identity": "gone@example.com", "password": "new-password-1"},
    )
    assert len(await user_origins(client, su)) == 1
    assert (
        await client.delete(f"/api/collections/users/records/{user['id']}", headers=su)
    ).status_code == 204
    assert await user_origins(client, su) == []


async def test_refs_go_with_their_collection(client, su):
    r = await client.post("/api/collections", json={"name": "members", "type": "auth"}, headers=su)
    assert r.status_code == 200
    r = await client.post(
        "/api/collections/members/records",
        json={"email": "m@example.com", "password": "password123", "passwordConfirm": "password123"},
        headers=su,
    )
    r = await client.post(
        "/api/collections/members/auth-with-password",
        json={"identity": "m@example.com", "password": "password123"},
    )
    members_id = r.json()["record"]["collectionId"]
    flt = {"filter": f"collectionRef = '{members_id}'"}
    r = await client.get("/api/collections/_authOrigins/records", headers=su, params=flt)
    assert r.json()["totalItems"] == 1
    assert (await client.delete("/api/collections/members", headers=su)).status_code == 204
    r = await client.get("/api/collections/_authOrigins/records", headers=su, params=flt)
    assert r.json()["totalItems"] == 0
