"""Verification, password reset and email change end to end: request, the mail delivered to a
real SMTP server, the link's token confirmed, and what changes for the account."""

from __future__ import annotations

import re
import time

import httpx
import pytest

from roost.core.app import App
from roost.security import jwt
from tests.helpers import error_shape, make_user
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.anyio
USERS = "/api/collections/users"


async def test_verification_flow(app: App, client: httpx.AsyncClient, mailbox: SmtpSink) -> None:
    user, _ = await make_user(client, "u1@example.com")
    assert user["verified"] is False
    # emails compare exactly, as with PocketBase's default email index (no COLLATE NOCASE)
    r = await client.post(f"{USERS}/request-verification", json={"email": "U1@example.com"})
    assert r.status_code == 204 and await mailbox.settled(app) == []
    r = await client.post(f"{USERS}/request-verification", json={"email": "u1@example.com"})
    assert r.status_code == 204 and r.content == b""
    (mail,) = await mailbox.wait(1)
    assert mail.rcpt == ["u1@example.com"]
    assert mail.subject == "Verify your Acme email"
    page, token = mail.link()
    assert page == "confirm-verification"
    claims = jwt.decode_unverified(token)
    assert claims is not None
    assert {k: claims[k] for k in ("type", "id", "collectionId", "email")} == {
        "type": "verification",
        "id": user["id"],
        "collectionId": "_pb_users_auth_",
        "email": "u1@example.com",
    }
    assert 86400 - 5 <= claims["exp"] - time.time() <= 86400  # the collection's verificationToken duration
    r = await client.post(f"{USERS}/confirm-verification", json={"token": token})
    assert r.status_code == 204
    r = await client.post(
        f"{USERS}/auth-with-password", json={"identity": "u1@example.com", "password": "password123"}
    )
    assert r.json()["record"]["verified"] is True
    # verified: a new request sends nothing, confirming again is still fine
    r = await client.post(f"{USERS}/request-verification", json={"email": "u1@example.com"})
    assert r.status_code == 204
    assert len(await mailbox.settled(app)) == 1
    r = await client.post(f"{USERS}/confirm-verification", json={"token": token})
    assert r.status_code == 204


async def test_verification_requests_do_not_reveal_accounts(
    app: App, client: httpx.AsyncClient, mailbox: SmtpSink
) -> None:
    await make_user(client, "u1@example.com")
    known = await client.post(f"{USERS}/request-verification", json={"email": "u1@example.com"})
    unknown = await client.post(f"{USERS}/request-verification", json={"email": "nobody@example.com"})
    again = await client.post(f"{USERS}/request-verification", json={"email": "u1@example.com"})
    assert known.status_code == unknown.status_code == again.status_code == 204
    assert known.content == unknown.content == b""
    mails = await mailbox.settled(app)
    assert [m.rcpt for m in mails] == [["u1@example.com"]]  # the repeat within 2 minutes is not sent


async def test_verification_errors_as_pocketbase(client: httpx.AsyncClient) -> None:
    r = await client.post(f"{USERS}/request-verification", json={"email": "bad"})
    assert r.json() == {
        "data": {"email": {"code": "validation_is_email", "message": "Must be a valid email address."}},
        "message": "An error occurred while validating the submitted data.",
        "status": 400,
    }
    r = await client.post(
        f"{USERS}/request-verification", content=b"xx", headers={"content-type": "application/json"}
    )
    assert r.json()["message"] == "An error occurred while loading the submitted data."
    r = await client.post("/api/collections/_superusers/request-verification", json={"email": "a@b.c"})
    assert r.json()["message"] == "All superusers are verified by default."
    r = await client.post(f"{USERS}/confirm-verification", json={"token": "abc"})
    assert r.json()["data"] == {
        "token": {"code": "validation_invalid_token_claims", "message": "Missing email token claim."}
    }
    r = await client.post(f"{USERS}/confirm-verification", json={})
    assert r.json()["data"] == {"token": {"code": "validation_required", "message": "Cannot be blank."}}
    forged = jwt.sign(
        {
            "id": "x",
            "type": "verification",
            "collectionId": "_pb_users_auth_",
            "email": "a@b.c",
            "exp": 9999999999,
        },
        "wrong",
    )
    r = await client.post(f"{USERS}/confirm-verification", json={"token": forged})
    assert r.json()["data"] == {
        "token": {"code": "validation_invalid_token", "message": "Invalid or expired token."}
    }
    r = await client.post("/api/collections/nope/request-verification", json={"email": "a@b.c"})
    assert r.status_code == 404


async def test_password_reset_flow_signs_out_old_sessions(
    app: App, client: httpx.AsyncClient, mailbox: SmtpSink
) -> None:
    user, old_token = await make_user(client, "u1@example.com")
    r = await client.get(f"{USERS}/records/{user['id']}", headers={"Authorization": old_token})
    assert r.status_code == 200
    r = await client.post(f"{USERS}/request-password-reset", json={"email": "u1@example.com"})
    assert r.status_code == 204
    (mail,) = await mailbox.wait(1)
    assert mail.subject == "Reset your Acme password"
    page, token = mail.link()
    assert page == "confirm-password-reset"
    assert jwt.decode_unverified(token)["type"] == "passwordReset"  # type: ignore[index]
    r = await client.post(
        f"{USERS}/confirm-password-reset",
        json={"token": token, "password": "short", "passwordConfirm": "other"},
    )
    assert r.json()["data"] == {
        "password": {
            "code": "validation_length_out_of_range",
            "message": "The length must be between 8 and 255.",
            "params": {"max": 255, "min": 8},
        },
        "passwordConfirm": {"code": "validation_values_mismatch", "message": "Values don't match."},
    }
    r = await client.post(
        f"{USERS}/confirm-password-reset",
        json={"token": token, "password": "newpassword1", "passwordConfirm": "newpassword1"},
    )
    assert r.status_code == 204, r.text
    # the old session and the used link stop working; the new password works; the mail proved the address
    r = await client.get(f"{USERS}/records/{user['id']}", headers={"Authorization": old_token})
    assert r.status_code == 404
    r = await client.post(f"{USERS}/auth-refresh", headers={"Authorization": old_token})
    assert r.status_code == 401
    r = await client.post(
        f"{USERS}/confirm-password-reset",
        json={"token": token, "password": "newpassword2", "passwordConfirm": "newpassword2"},
    )
    assert r.json()["data"]["token"]["code"] == "validation_invalid_token"
    r = await client.post(
        f"{USERS}/auth-with-password", json={"identity": "u1@example.com", "password": "password123"}
    )
    assert r.status_code == 400
    r = await client.post(
        f"{USERS}/auth-with-password", json={"identity": "u1@example.com", "password": "newpassword1"}
    )
    assert r.status_code == 200
    assert r.json()["record"]["verified"] is True


async def test_password_reset_requests_do_not_reveal_accounts(
    app: App, client: httpx.AsyncClient, mailbox: SmtpSink
) -> None:
    await make_user(client, "u1@example.com")
    a = await client.post(f"{USERS}/request-password-reset", json={"email": "nobody@example.com"})
    b = await client.post(f"{USERS}/request-password-reset", json={"email": "u1@example.com"})
    assert a.status_code == b.status_code == 204 and a.content == b.content == b""
    assert [m.rcpt for m in await mailbox.settled(app)] == [["u1@example.com"]]
    r = await client.post(f"{USERS}/confirm-password-reset", json={})
    assert set(r.json()["data"]) == {"password", "passwordConfirm", "token"}


async def test_email_change_flow(app: App, client: httpx.AsyncClient, mailbox: SmtpSink) -> None:
    await make_user(client, "other@example.com")
    _, token = await make_user(client, "u1@example.com")
    auth = {"Authorization": token}
    r = await client.post(f"{USERS}/request-email-change", json={"newEmail": "new@example.com"})
    assert r.status_code == 401
    error_shape(r.json(), 401)
    r = await client.post(
        f"{USERS}/request-email-change", json={"newEmail": "other@example.com"}, headers=auth
    )
    assert r.json()["data"] == {
        "newEmail": {"code": "validation_invalid_new_email", "message": "Invalid new email address."}
    }
    r = await client.post(f"{USERS}/request-email-change", json={"newEmail": "new@example.com"}, headers=auth)
    assert r.status_code == 204, r.text
    (mail,) = await mailbox.wait(1)
    assert mail.rcpt == ["new@example.com"]
    assert mail.subject == "Confirm your Acme new email address"
    page, change_token = mail.link()
    assert page == "confirm-email-change"
    claims = jwt.decode_unverified(change_token)
    assert (
        claims is not None and claims["newEmail"] == "new@example.com" and claims["email"] == "u1@example.com"
    )
    r = await client.post(f"{USERS}/confirm-email-change", json={"token": change_token, "password": "wrong"})
    assert r.json()["data"] == {
        "password": {
            "code": "validation_invalid_password",
            "message": "Missing or invalid auth record password.",
        }
    }
    r = await client.post(
        f"{USERS}/confirm-email-change", json={"token": change_token, "password": "password123"}
    )
    assert r.status_code == 204, r.text
    r = await client.post(
        f"{USERS}/auth-with-password", json={"identity": "new@example.com", "password": "password123"}
    )
    assert r.status_code == 200
    assert r.json()["record"]["email"] == "new@example.com" and r.json()["record"]["verified"] is True
    r = await client.post(f"{USERS}/auth-refresh", headers=auth)
    assert r.status_code == 401  # a new address signs the old sessions out
    r = await client.post(
        f"{USERS}/confirm-email-change", json={"token": change_token, "password": "password123"}
    )
    assert r.status_code == 400


async def test_email_change_errors_as_pocketbase(client: httpx.AsyncClient, su: dict[str, str]) -> None:
    r = await client.post(
        "/api/collections/_superusers/request-email-change", json={"newEmail": "x@example.com"}, headers=su
    )
    assert r.json()["message"] == "All superusers can change their emails directly."
    r = await client.post(f"{USERS}/request-email-change", json={"newEmail": "x@example.com"}, headers=su)
    assert r.status_code == 403
    assert r.json()["message"] == "The request requires auth record from _superusers collection."
    r = await client.post(f"{USERS}/confirm-email-change", json={"token": "abc", "password": "x"})
    assert r.json()["data"] == {
        "password": {
            "code": "validation_invalid_password",
            "message": "Missing or invalid auth record password.",
        },
        "token": {
            "code": "validation_invalid_token_payload",
            "message": "Invalid token payload - newEmail must be set.",
        },
    }


async def test_a_request_does_not_wait_for_a_failing_server(
    app: App, client: httpx.AsyncClient, mailbox: SmtpSink, caplog: pytest.LogCaptureFixture
) -> None:
    await make_user(client, "u1@example.com")
    mailbox.refuse = "554 5.7.1 Message rejected"
    r = await client.post(f"{USERS}/request-password-reset", json={"email": "u1@example.com"})
    assert r.status_code == 204
    await mailbox.settled(app)
    assert any("Failed to send password reset email" in rec.getMessage() for rec in caplog.records)
    # a failed reset mail does not hold back the next request
    mailbox.refuse = None
    r = await client.post(f"{USERS}/request-password-reset", json={"email": "u1@example.com"})
    assert len(await mailbox.settled(app)) == 1


async def test_auth_pages_served_with_a_strict_policy(client: httpx.AsyncClient) -> None:
    """The pages the mails link to (`/_/#/auth/...`) are screens of the dashboard app at /_/."""
    r = await client.get("/_/")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    main = re.search(r'<script type="module" src="(/_/assets/[0-9a-f]+/js/)main.js"></script>', r.text)
    assert main, r.text
    routes = await client.get(main.group(1) + "routes.js")
    assert routes.status_code == 200 and routes.headers["content-type"].startswith("text/javascript")
    for page in (
        "confirm-verification",
        "confirm-password-reset",
        "confirm-email-change",
        "oauth2-redirect-success",
    ):
        assert f'"/auth/{page}' in routes.text
    screen = await client.get(main.group(1) + "screens/auth-links.js")
    assert screen.status_code == 200 and "innerHTML" not in screen.text  # only text is rendered
    for missing in ("/_/nope.js", "/_/..%2Fdashboard.py", main.group(1) + "nope.js"):
        assert (await client.get(missing)).status_code == 404


async def test_flow_request_hooks_wrap_the_default_action(
    app: App, client: httpx.AsyncClient, mailbox: SmtpSink
) -> None:
    seen: list[str] = []

    @app.on_record_request_password_reset_request("users")
    async def refuse(e):  # type: ignore[no-untyped-def]
        seen.append(e.record["email"])
        e.json(400, {"data": {}, "message": "Resets are handled by support.", "status": 400})

    @app.on_record_request_verification_request()
    async def passthrough(e):  # type: ignore[no-untyped-def]
        seen.append("verification:" + e.collection.name)
        await e.next()

    await make_user(client, "u1@example.com")
    r = await client.post(f"{USERS}/request-password-reset", json={"email": "u1@example.com"})
    assert r.status_code == 400 and r.json()["message"] == "Resets are handled by support."
    r = await client.post(f"{USERS}/request-verification", json={"email": "u1@example.com"})
    assert r.status_code == 204
    mails = await mailbox.settled(app)
    assert [m.subject for m in mails] == ["Verify your Acme email"]  # no reset mail: the hook stopped it
    assert seen == ["u1@example.com", "verification:users"]
