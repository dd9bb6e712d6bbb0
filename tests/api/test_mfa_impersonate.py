"""MFA (the 401 {mfaId} handshake with password + OAuth2, `_mfas` sessions, expiry, the
cleanup job) and superuser impersonation, as PocketBase 0.40.6 answers them."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator

import orjson
import pytest

from roost.core import mfa as mfa_module
from tests.api.test_oauth2 import enable_oidc, oauth2_login
from tests.helpers import make_user
from tests.oidc_provider import OIDCProvider, run_provider

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def oidc() -> Iterator[OIDCProvider]:
    with run_provider() as provider:
        yield provider


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


async def password_login(client, email: str, password: str = "password123", **extra):
    return await client.post(
        "/api/collections/users/auth-with-password", json={"identity": email, "password": password, **extra}
    )


async def verified_user(client, su, email: str) -> dict:
    r = await client.post(
        "/api/collections/users/records",
        json={"email": email, "password": "password123", "passwordConfirm": "password123", "verified": True},
        headers=su,
    )
    assert r.status_code == 200, r.text
    return r.json()


async def test_mfa_needs_two_methods(client, su):
    r = await client.patch("/api/collections/users", json={"mfa": {"enabled": True}}, headers=su)
    assert r.status_code == 400
    assert r.json()["data"] == {
        "mfa": {
            "enabled": {
                "code": "validation_mfa_not_enough_auths",
                "message": "MFA requires at least 2 auth methods to be enabled.",
            }
        }
    }
    r = await client.patch(
        "/api/collections/users",
        json={"oauth2": {"enabled": True}, "mfa": {"enabled": True, "duration": 5}},
        headers=su,
    )
    assert r.json()["data"] == {
        "mfa": {
            "duration": {
                "code": "validation_min_greater_equal_than_required",
                "message": "Must be no less than 10.",
                "params": {"threshold": 10},
            }
        }
    }
    r = await client.patch(
        "/api/collections/users",
        json={"oauth2": {"enabled": True}, "mfa": {"enabled": True, "rule": "bogus ="}},
        headers=su,
    )
    assert r.json()["data"]["mfa"]["rule"]["code"] == "validation_invalid_rule"


async def test_password_then_oauth2(client, su, oidc):
    await enable_oidc(client, su, oidc, mfa={"enabled": True, "duration": 600})
    r = await client.get("/api/collections/users/auth-methods")
    assert r.json()["mfa"] == {"enabled": True, "duration": 600}
    user = await verified_user(client, su, "mia@example.com")
    r = await password_login(client, "mia@example.com")
    assert r.status_code == 401
    assert list(r.json()) == ["mfaId"]
    mfa_id = r.json()["mfaId"]
    r = await client.get("/api/collections/_mfas/records", headers=su)
    [session] = r.json()["items"]
    assert session["id"] == mfa_id and session["method"] == "password" and session["recordRef"] == user["id"]
    # the same method again does not complete it
    r = await password_login(client, "mia@example.com", mfaId=mfa_id)
    assert r.json() == {
        "data": {},
        "message": "A different authentication method is required.",
        "status": 400,
    }
    # a wrong password still fails first
    r = await password_login(client, "mia@example.com", "wrong-password", mfaId=mfa_id)
    assert r.json()["message"] == "Failed to authenticate."
    # an unknown session
    r = await client.post(
        "/api/collections/users/auth-with-password?mfaId=nope",
        json={"identity": "mia@example.com", "password": "password123"},
    )
    assert r.json() == {"data": {}, "message": "Invalid or expired MFA session.", "status": 400}
    # OAuth2 as the second method completes the login and ends the session
    r = await oauth2_login(client, "mia", mfaId=mfa_id)
    assert r.status_code == 200, r.text
    assert r.json()["record"]["id"] == user["id"] and r.json()["token"]
    r = await client.get("/api/collections/_mfas/records", headers=su)
    assert r.json()["totalItems"] == 0
    # OAuth2 first: a new session
    r = await oauth2_login(client, "mia")
    assert r.status_code == 401 and "mfaId" in r.json()
    r = await password_login(client, "mia@example.com", mfaId=r.json()["mfaId"])
    assert r.status_code == 200 and r.json()["record"]["id"] == user["id"]


async def test_mfa_session_of_another_account_and_rule(client, su, oidc):
    await enable_oidc(client, su, oidc, mfa={"enabled": True, "rule": "email ~ '@corp.test'"})
    await verified_user(client, su, "a@corp.test")
    await verified_user(client, su, "b@other.test")
    r = await password_login(client, "b@other.test")
    assert r.status_code == 200  # the rule does not ask this account for a second factor
    r = await password_login(client, "a@corp.test")
    assert r.status_code == 401
    mfa_id = r.json()["mfaId"]
    r = await client.patch("/api/collections/users", json={"mfa": {"rule": ""}}, headers=su)
    r = await oauth2_login(client, "b", createData={"email": "b2@other.test"}, mfaId=mfa_id)
    assert r.json() == {"data": {}, "message": "Invalid MFA session.", "status": 400}


async def test_expired_session_and_cleanup_job(app, client, su, oidc):
    await enable_oidc(client, su, oidc, mfa={"enabled": True, "duration": 10})
    await verified_user(client, su, "old@example.com")
    r = await password_login(client, "old@example.com")
    mfa_id = r.json()["mfaId"]
    q = app.dialect.quote
    await app.db.execute(
        f"UPDATE {q('_mfas')} SET {q('created')} = ? WHERE {q('id')} = ?",
        ("2020-01-01 00:00:00.000Z", mfa_id),
    )
    r = await oauth2_login(client, "old", mfaId=mfa_id)
    assert r.json() == {"data": {}, "message": "Invalid or expired MFA session.", "status": 400}
    r = await client.get("/api/collections/_mfas/records", headers=su)
    assert r.json()["totalItems"] == 0  # the expired session was dropped
    # the hourly job removes expired sessions nobody came back for
    await password_login(client, "old@example.com")
    r = await password_login(client, "old@example.com")
    await app.db.execute(
        f"UPDATE {q('_mfas')} SET {q('created')} = ? WHERE {q('id')} = ?",
        ("2020-01-01 00:00:00.000Z", r.json()["mfaId"]),
    )
    r = await client.get("/api/crons", headers=su)
    assert {"id": "__pbMFACleanup__", "expression": "0 * * * *"} in r.json()
    await mfa_module.delete_expired(app)
    r = await client.get("/api/collections/_mfas/records", headers=su)
    assert r.json()["totalItems"] == 1


async def test_password_change_drops_mfa_sessions(client, su, oidc):
    await enable_oidc(client, su, oidc, mfa={"enabled": True})
    user = await verified_user(client, su, "pw@example.com")
    r = await password_login(client, "pw@example.com")
    assert r.status_code == 401
    r = await client.patch(
        f"/api/collections/users/records/{user['id']}",
        json={"password": "new-password-1", "passwordConfirm": "new-password-1"},
        headers=su,
    )
    assert r.status_code == 200
    r = await client.get("/api/collections/_mfas/records", headers=su)
    assert r.json()["totalItems"] == 0


async def test_impersonate(client, su):
    user, _user_token = await make_user(client, "imp@example.com")
    url = f"/api/collections/users/impersonate/{user['id']}"
    r = await client.post(url, json={"duration": 100}, headers=su)
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["record", "token"]
    assert body["record"]["id"] == user["id"] and body["record"]["email"] == "imp@example.com"
    c = claims(body["token"])
    assert c["refreshable"] is False and c["type"] == "auth" and c["id"] == user["id"]
    assert abs(c["exp"] - (time.time() + 100)) < 5
    # the token works, and refreshing it returns the same token (it is not refreshable)
    r = await client.post("/api/collections/users/auth-refresh", headers={"Authorization": body["token"]})
    assert r.status_code == 200 and r.json()["token"] == body["token"]
    # duration 0 or none: the collection's auth token duration
    r = await client.post(url, json={}, headers=su)
    assert abs(claims(r.json()["token"])["exp"] - (time.time() + 432000)) < 5
    r = await client.post(url, json={"duration": None}, headers=su)
    assert r.status_code == 200


async def test_impersonate_errors(client, su):
    user, user_token = await make_user(client, "imp2@example.com")
    url = f"/api/collections/users/impersonate/{user['id']}"
    r = await client.post(url, json={})
    assert r.json() == {
        "data": {},
        "message": "The request requires valid record authorization token.",
        "status": 401,
    }
    r = await client.post(url, json={}, headers={"Authorization": user_token})
    assert r.json() == {
        "data": {},
        "message": "The authorized record is not allowed to perform this action.",
        "status": 403,
    }
    r = await client.post(url, json={"duration": -1}, headers=su)
    assert r.json() == {
        "data": {
            "duration": {
                "code": "validation_min_greater_equal_than_required",
                "message": "Must be no less than 0.",
                "params": {"threshold": 0},
            }
        },
        "message": "An error occurred while validating the submitted data.",
        "status": 400,
    }
    for bad in ("x", 1.5):
        r = await client.post(url, json={"duration": bad}, headers=su)
        assert r.json() == {
            "data": {},
            "message": "An error occurred while loading the submitted data.",
            "status": 400,
        }
    r = await client.post("/api/collections/users/impersonate/nope", json={}, headers=su)
    assert r.json() == {"data": {}, "message": "The requested resource wasn't found.", "status": 404}
    r = await client.post("/api/collections/nope/impersonate/x", json={}, headers=su)
    assert r.status_code == 404
