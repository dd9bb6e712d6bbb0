"""Auth: sign-up, password login, refresh, auth-methods, tokens invalidated by a password change."""

from __future__ import annotations

import base64

import orjson
import pytest

from tests.conftest import SU_EMAIL, SU_PASSWORD
from tests.helpers import error_shape, make_user

pytestmark = pytest.mark.anyio


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


async def test_signup_and_login(client):
    r = await client.post(
        "/api/collections/users/records",
        json={
            "email": "a@example.com",
            "password": "password123",
            "passwordConfirm": "password123",
            "name": "Ann",
            "verified": True,
        },
    )
    assert r.status_code == 200
    rec = r.json()
    assert "email" not in rec and "password" not in rec and "tokenKey" not in rec
    assert rec["verified"] is False  # only superusers and managers may set it
    r = await client.post(
        "/api/collections/users/auth-with-password",
        json={"identity": "a@example.com", "password": "password123"},
    )
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"record", "token"}
    assert body["record"]["email"] == "a@example.com"
    c = claims(body["token"])
    assert set(c) == {"id", "type", "collectionId", "refreshable", "exp"}
    assert (c["type"], c["collectionId"], c["refreshable"]) == ("auth", "_pb_users_auth_", True)


async def test_signup_errors(client):
    r = await client.post(
        "/api/collections/users/records",
        json={"email": "a@example.com", "password": "123", "passwordConfirm": "1234"},
    )
    assert r.json() == {
        "data": {"passwordConfirm": {"code": "validation_values_mismatch", "message": "Values don't match."}},
        "message": "Failed to create record.",
        "status": 400,
    }
    r = await client.post(
        "/api/collections/users/records",
        json={"email": "a@example.com", "password": "123", "passwordConfirm": "123"},
    )
    assert r.json()["data"]["password"]["code"] == "validation_min_text_constraint"
    await make_user(client, "dup@example.com")
    r = await client.post(
        "/api/collections/users/records",
        json={"email": "dup@example.com", "password": "password123", "passwordConfirm": "password123"},
    )
    assert r.json()["data"] == {
        "email": {"code": "validation_not_unique", "message": "Value must be unique."}
    }


async def test_wrong_password(client):
    await make_user(client, "b@example.com")
    r = await client.post(
        "/api/collections/users/auth-with-password",
        json={"identity": "b@example.com", "password": "nope-nope"},
    )
    assert r.json() == {"data": {}, "message": "Failed to authenticate.", "status": 400}
    r = await client.post(
        "/api/collections/users/auth-with-password", json={"identity": "nobody@x.io", "password": "x"}
    )
    assert r.status_code == 400
    r = await client.post(
        "/api/collections/posts/auth-with-password", json={"identity": "a", "password": "b"}
    )
    # no such collection: PocketBase's rate-limit middleware answers before the auth handler
    assert r.json()["message"] == "Missing or invalid collection context."


async def test_refresh_and_bearer(client):
    user, token = await make_user(client, "c@example.com")
    for header in (token, f"Bearer {token}", f"bearer {token}"):
        r = await client.post("/api/collections/users/auth-refresh", headers={"Authorization": header})
        assert r.status_code == 200
        assert r.json()["record"]["id"] == user["id"]
    r = await client.post("/api/collections/users/auth-refresh")
    assert r.status_code == 401
    error_shape(r.json(), 401)


async def test_password_change_invalidates_tokens(client):
    user, token = await make_user(client, "d@example.com")
    url = f"/api/collections/users/records/{user['id']}"
    r = await client.patch(
        url,
        json={"password": "newpassword1", "passwordConfirm": "newpassword1"},
        headers={"Authorization": token},
    )
    assert r.json()["data"] == {"oldPassword": {"code": "validation_required", "message": "Cannot be blank."}}
    r = await client.patch(
        url,
        json={"password": "newpassword1", "passwordConfirm": "newpassword1", "oldPassword": "password123"},
        headers={"Authorization": token},
    )
    assert r.status_code == 200, r.text
    # the old token is now a guest's: the owner-only view rule hides the record
    assert (await client.get(url, headers={"Authorization": token})).status_code == 404
    r = await client.post(
        "/api/collections/users/auth-with-password",
        json={"identity": "d@example.com", "password": "newpassword1"},
    )
    assert r.status_code == 200
    assert (await client.get(url, headers={"Authorization": r.json()["token"]})).status_code == 200


async def test_auth_methods(client):
    r = await client.get("/api/collections/users/auth-methods")
    assert r.json() == {
        "password": {"identityFields": ["email"], "enabled": True},
        "oauth2": {"providers": [], "enabled": False},
        "mfa": {"enabled": False, "duration": 0},
        "otp": {"enabled": False, "duration": 0},
        "authProviders": [],
        "usernamePassword": False,
        "emailPassword": True,
    }


async def test_superuser_login(client, su_token):
    c = claims(su_token)
    assert c["collectionId"] == "pbc_3142635823"
    r = await client.post(
        "/api/collections/_superusers/auth-with-password",
        json={"identity": SU_EMAIL, "password": SU_PASSWORD},
    )
    assert r.json()["record"]["collectionName"] == "_superusers"
