"""One-time passwords: the `_otps` system collection, request-otp / auth-with-otp with a real SMTP
server, the attempts limit (429), expiry and the cleanup job, as PocketBase 0.40.6 answers."""

from __future__ import annotations

import re

import httpx
import pytest

from roost.core import otps
from roost.core.app import App
from tests.helpers import error_shape, make_user
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.anyio
USERS = "/api/collections/users"


async def enable_otp(client: httpx.AsyncClient, su: dict[str, str], **extra: object) -> None:
    r = await client.patch(f"{USERS}", json={"otp": {"enabled": True, **extra}}, headers=su)
    assert r.status_code == 200, r.text


async def request_code(
    client: httpx.AsyncClient, mailbox: SmtpSink, email: str, count: int
) -> tuple[str, str]:
    r = await client.post(f"{USERS}/request-otp", json={"email": email})
    assert r.status_code == 200, r.text
    mails = await mailbox.wait(count)
    match = re.search(r"one-time password is: (\d+)", mails[-1].text)
    assert match
    return r.json()["otpId"], match.group(1)


async def test_otps_collection_listed_as_pocketbase(client: httpx.AsyncClient, su: dict[str, str]) -> None:
    r = await client.get("/api/collections", headers=su)
    names = [c["name"] for c in r.json()["items"]]
    assert names.index("_otps") < names.index("_superusers") < names.index("users")
    coll = next(c for c in r.json()["items"] if c["name"] == "_otps")
    assert coll["id"] == "pbc_1638494021" and coll["system"] is True and coll["type"] == "base"
    assert [f["name"] for f in coll["fields"]] == [
        "id",
        "collectionRef",
        "recordRef",
        "password",
        "sentTo",
        "created",
        "updated",
    ]
    rule = (
        "@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId"
    )
    assert coll["listRule"] == coll["viewRule"] == rule
    assert coll["createRule"] is coll["updateRule"] is coll["deleteRule"] is None
    assert coll["indexes"] == [
        "CREATE INDEX `idx_otps_collectionRef_recordRef` ON `_otps` (collectionRef, recordRef)"
    ]


async def test_otp_disabled_answers_403(client: httpx.AsyncClient) -> None:
    for path, body in (
        ("request-otp", {"email": "a@b.c"}),
        ("auth-with-otp", {"otpId": "x", "password": "y"}),
    ):
        r = await client.post(f"{USERS}/{path}", json=body)
        assert r.json() == {
            "data": {},
            "message": "The collection is not configured to allow OTP authentication.",
            "status": 403,
        }
    r = await client.get(f"{USERS}/auth-methods")
    assert r.json()["otp"] == {"enabled": False, "duration": 0}


async def test_otp_sign_in(
    app: App, client: httpx.AsyncClient, su: dict[str, str], mailbox: SmtpSink
) -> None:
    await enable_otp(client, su, duration=300, length=6)
    r = await client.get(f"{USERS}/auth-methods")
    assert r.json()["otp"] == {"enabled": True, "duration": 300}
    user, _ = await make_user(client, "u1@example.com")
    otp_id, code = await request_code(client, mailbox, "u1@example.com", 1)
    assert len(code) == 6
    mail = (await mailbox.wait(1))[0]
    assert mail.subject == "OTP for Acme" and mail.rcpt == ["u1@example.com"]
    await mailbox.settled(app)
    stored = await otps.find(app, otp_id)
    assert stored is not None and stored["sentTo"] == "u1@example.com" and stored["recordRef"] == user["id"]
    # the owner sees it without the hash; others do not see it
    r = await client.post(f"{USERS}/auth-with-otp", json={"otpId": otp_id, "password": code})
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ["record", "token"]
    assert body["record"]["id"] == user["id"]
    assert body["record"]["verified"] is True  # the code reached the account's address
    # used once; and an unverified account signing in by mail gets a fresh password
    r = await client.post(f"{USERS}/auth-with-otp", json={"otpId": otp_id, "password": code})
    assert r.json()["message"] == "Invalid or expired OTP."
    r = await client.post(
        f"{USERS}/auth-with-password", json={"identity": "u1@example.com", "password": "password123"}
    )
    assert r.status_code == 400
    r = await client.post(f"{USERS}/auth-refresh", headers={"Authorization": body["token"]})
    assert r.status_code == 200


async def test_request_otp_does_not_reveal_accounts(
    app: App, client: httpx.AsyncClient, su: dict[str, str], mailbox: SmtpSink
) -> None:
    await enable_otp(client, su)
    r = await client.post(f"{USERS}/request-otp", json={"email": "nobody@example.com"})
    assert r.status_code == 200 and list(r.json()) == ["otpId"]
    assert re.fullmatch(r"[a-z0-9]{15}", r.json()["otpId"])
    assert await mailbox.settled(app) == []
    r2 = await client.post(
        f"{USERS}/auth-with-otp", json={"otpId": r.json()["otpId"], "password": "12345678"}
    )
    assert r2.json()["message"] == "Invalid or expired OTP."
    r = await client.post(f"{USERS}/request-otp", json={"email": "bad"})
    assert r.json()["data"] == {
        "email": {"code": "validation_is_email", "message": "Must be a valid email address."}
    }
    r = await client.post(f"{USERS}/auth-with-otp", json={})
    assert r.json()["data"] == {
        "otpId": {"code": "validation_required", "message": "Cannot be blank."},
        "password": {"code": "validation_required", "message": "Cannot be blank."},
    }


async def test_five_attempts_then_429(
    client: httpx.AsyncClient, su: dict[str, str], mailbox: SmtpSink
) -> None:
    await enable_otp(client, su)
    await make_user(client, "u1@example.com")
    otp_id, code = await request_code(client, mailbox, "u1@example.com", 1)
    for _ in range(5):
        r = await client.post(f"{USERS}/auth-with-otp", json={"otpId": otp_id, "password": "00000000"})
        assert r.status_code == 400 and r.json()["message"] == "Invalid or expired OTP."
    r = await client.post(f"{USERS}/auth-with-otp", json={"otpId": otp_id, "password": code})
    assert r.status_code == 429
    error_shape(r.json(), 429)
    assert r.json()["message"] == "Too many attempts, please try again later with a new OTP."
    # the count is the account's (and client's), not the code's: a new code is refused too until
    # the 180 s end, as the 0.40.6 binary answers (its rate-limit store, not the _otps row)
    otp_id, code = await request_code(client, mailbox, "u1@example.com", 2)
    r = await client.post(f"{USERS}/auth-with-otp", json={"otpId": otp_id, "password": code})
    assert r.status_code == 429


async def test_expired_otps_refused_and_cleaned_up(
    app: App, client: httpx.AsyncClient, su: dict[str, str], mailbox: SmtpSink
) -> None:
    await enable_otp(client, su)
    await make_user(client, "u1@example.com")
    otp_id, code = await request_code(client, mailbox, "u1@example.com", 1)
    await mailbox.settled(app)
    q = app.dialect.quote
    await app.db.execute(
        f"UPDATE {q('_otps')} SET {q('created')} = ? WHERE {q('id')} = ?",
        ("2020-01-01 00:00:00.000Z", otp_id),
    )
    r = await client.post(f"{USERS}/auth-with-otp", json={"otpId": otp_id, "password": code})
    assert r.json()["message"] == "Invalid or expired OTP."
    fresh_id, _ = await request_code(client, mailbox, "u1@example.com", 2)
    job = app.cron.get("__pbOTPCleanup__")
    assert job is not None and job.expression == "0 * * * *"
    await app.cron.run_now("__pbOTPCleanup__")
    assert await otps.find(app, otp_id) is None
    assert await otps.find(app, fresh_id) is not None


async def test_password_change_and_delete_drop_the_records_otps(
    app: App, client: httpx.AsyncClient, su: dict[str, str], mailbox: SmtpSink
) -> None:
    await enable_otp(client, su)
    user, token = await make_user(client, "u1@example.com")
    otp_id, _ = await request_code(client, mailbox, "u1@example.com", 1)
    await mailbox.settled(app)
    r = await client.patch(
        f"{USERS}/records/{user['id']}",
        json={"oldPassword": "password123", "password": "newpassword1", "passwordConfirm": "newpassword1"},
        headers={"Authorization": token},
    )
    assert r.status_code == 200, r.text
    assert await otps.find(app, otp_id) is None
    otp_id, _ = await request_code(client, mailbox, "u1@example.com", 2)
    await mailbox.settled(app)
    r = await client.delete(f"{USERS}/records/{user['id']}", headers=su)
    assert r.status_code == 204
    assert await otps.find(app, otp_id) is None
