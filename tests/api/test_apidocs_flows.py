"""The OpenAPI description of the email and OTP flows (per auth collection) and of the admin
tools (settings tests, backups, API keys): who gets which operation, and real answers checked
with `jsonschema` against the schema their operation documents."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import jsonschema
import pytest
from openapi_spec_validator import validate as validate_openapi

from tests.helpers import make_user
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.anyio
USERS = "/api/collections/users"
FLOWS = (
    "request_verification",
    "confirm_verification",
    "request_password_reset",
    "confirm_password_reset",
    "confirm_email_change",
)
ADMIN = (
    "test_email",
    "test_s3",
    "list_backups",
    "create_backup",
    "upload_backup",
    "download_backup",
    "delete_backup",
    "restore_backup",
    "list_api_keys",
    "create_api_key",
    "view_api_key",
    "update_api_key",
    "delete_api_key",
    "list_logs",
    "truncate_logs",
    "logs_stats",
    "view_log",
    "metrics",
)


async def _doc(client: httpx.AsyncClient, headers: dict[str, str] | None = None) -> dict[str, Any]:
    r = await client.get("/api/openapi.json", headers=headers or {})
    assert r.status_code == 200, r.text
    return r.json()


def _ops(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["operationId"]: op for item in doc["paths"].values() for op in item.values()}


def _conforms(doc: dict[str, Any], op_id: str, r: httpx.Response) -> None:
    """The answer has a documented status and, for JSON, the documented shape."""
    op = _ops(doc)[op_id]
    assert str(r.status_code) in op["responses"], (op_id, r.status_code, r.text)
    response = op["responses"][str(r.status_code)]
    if "$ref" in response:
        response = doc["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    content = response.get("content", {})
    if not content:
        assert r.content == b"", (op_id, r.text)
        return
    schema = content["application/json"]["schema"]
    jsonschema.validate(
        r.json(), {**schema, "components": doc["components"]}, cls=jsonschema.Draft202012Validator
    )


async def test_flow_and_admin_operations_per_audience(client, su):
    _, token = await make_user(client, "u@example.com")
    guest, user, superuser = (
        await _doc(client),
        await _doc(client, {"Authorization": token}),
        await _doc(client, su),
    )
    for doc in (guest, user, superuser):
        validate_openapi(doc)
    g, u, s = _ops(guest), _ops(user), _ops(superuser)
    for flow in FLOWS:
        assert f"{flow}_users" in g and f"{flow}_users" in u and f"{flow}_users" in s
    # superusers are always verified and change their email directly (PocketBase answers 400)
    assert "request_password_reset__superusers" in g and "confirm_password_reset__superusers" in g
    superuser_flows = {op for op in s if op.endswith("__superusers")}
    assert not {op for op in superuser_flows if "verification" in op or "email_change" in op}
    assert "request_password_reset__superusers" in superuser_flows
    # request-email-change: only for a signed-in record of that collection
    assert "request_email_change_users" in u and "request_email_change_users" not in g
    assert "request_email_change_users" not in s
    assert u["request_email_change_users"]["security"] == [{"authToken": []}, {"bearerAuth": []}]
    # OTP only where it is enabled
    assert "request_otp_users" not in g and "auth_with_otp_users" not in g
    r = await client.patch(USERS, json={"otp": {"enabled": True}}, headers=su)
    assert r.status_code == 200, r.text
    g = _ops(await _doc(client))
    assert "request_otp_users" in g and "auth_with_otp_users" in g
    assert g["auth_with_otp_users"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/UsersAuthResponse"
    }
    # the admin tools are for superusers only
    for op_id in ADMIN:
        assert op_id in s and op_id not in g and op_id not in u, op_id
        if op_id != "download_backup":  # its file token is a query parameter
            assert s[op_id]["x-roost-rule"] is None and "401" in s[op_id]["responses"]
    # the HTML pages the mails link to are not API
    assert not [p for p in superuser["paths"] if p.startswith("/_/")]


async def test_flow_answers_match_the_description(app, client, su, mailbox: SmtpSink):
    user, token = await make_user(client, "u@example.com")
    r = await client.patch(USERS, json={"otp": {"enabled": True}}, headers=su)
    assert r.status_code == 200, r.text
    doc = await _doc(client, {"Authorization": token})
    for op_id, path, body in (
        ("request_verification_users", "request-verification", {"email": "u@example.com"}),
        ("request_verification_users", "request-verification", {"email": "nope"}),
        ("confirm_verification_users", "confirm-verification", {"token": "x"}),
        ("request_password_reset_users", "request-password-reset", {"email": "u@example.com"}),
        ("confirm_password_reset_users", "confirm-password-reset", {"token": "x"}),
        ("confirm_email_change_users", "confirm-email-change", {}),
        ("auth_with_otp_users", "auth-with-otp", {"otpId": "x", "password": "1"}),
    ):
        _conforms(doc, op_id, await client.post(f"{USERS}/{path}", json=body))
    r = await client.post(
        f"{USERS}/request-email-change",
        json={"newEmail": "new@example.com"},
        headers={"Authorization": token},
    )
    assert r.status_code == 204
    _conforms(doc, "request_email_change_users", r)
    _conforms(doc, "request_email_change_users", await client.post(f"{USERS}/request-email-change", json={}))
    r = await client.post(f"{USERS}/request-otp", json={"email": "u@example.com"})
    assert r.status_code == 200
    _conforms(doc, "request_otp_users", r)
    mails = await mailbox.settled(app)
    assert len(mails) == 4  # verification, password reset, email change, OTP
    code = re.search(r"one-time password is: (\d+)", "".join(m.text for m in mails))
    assert code
    r = await client.post(
        f"{USERS}/auth-with-otp", json={"otpId": r.json()["otpId"], "password": code.group(1)}
    )
    assert r.status_code == 200, r.text
    _conforms(doc, "auth_with_otp_users", r)
    assert r.json()["record"]["id"] == user["id"]


async def test_admin_answers_match_the_description(client, su, mailbox: SmtpSink):
    doc = await _doc(client, su)
    r = await client.post(
        "/api/keys", json={"name": "ci", "rateLimit": {"maxRequests": 5, "duration": 60}}, headers=su
    )
    assert r.status_code == 200, r.text
    _conforms(doc, "create_api_key", r)
    key_id = r.json()["id"]
    _conforms(doc, "create_api_key", await client.post("/api/keys", json={"name": ""}, headers=su))
    _conforms(doc, "list_api_keys", await client.get("/api/keys", headers=su))
    _conforms(doc, "view_api_key", await client.get(f"/api/keys/{key_id}", headers=su))
    _conforms(doc, "view_api_key", await client.get("/api/keys/missing", headers=su))
    r = await client.patch(f"/api/keys/{key_id}", json={"expires": None, "rateLimit": None}, headers=su)
    assert r.status_code == 200 and r.json()["rateLimit"] is None
    _conforms(doc, "update_api_key", r)
    _conforms(doc, "delete_api_key", await client.delete(f"/api/keys/{key_id}", headers=su))
    r = await client.post("/api/backups", json={"name": "one.zip"}, headers=su)
    assert r.status_code == 204, r.text
    _conforms(doc, "create_backup", r)
    _conforms(doc, "create_backup", await client.post("/api/backups", json={"name": "Bad name"}, headers=su))
    r = await client.get("/api/backups", headers=su)
    assert [b["key"] for b in r.json()] == ["one.zip"]
    _conforms(doc, "list_backups", r)
    _conforms(doc, "download_backup", await client.get("/api/backups/one.zip?token=x"))
    _conforms(
        doc, "upload_backup", await client.post("/api/backups/upload", files={"x": ("a", b"a")}, headers=su)
    )
    _conforms(doc, "restore_backup", await client.post("/api/backups/missing.zip/restore", headers=su))
    _conforms(doc, "delete_backup", await client.delete("/api/backups/one.zip", headers=su))
    _conforms(doc, "delete_backup", await client.delete("/api/backups/one.zip", headers=su))
    _conforms(
        doc, "test_s3", await client.post("/api/settings/test/s3", json={"filesystem": "storage"}, headers=su)
    )
    r = await client.post(
        "/api/settings/test/email", json={"email": "to@example.com", "template": "otp"}, headers=su
    )
    assert r.status_code == 204, r.text
    _conforms(doc, "test_email", r)
    assert (await mailbox.wait(1))[0].rcpt == ["to@example.com"]
    _conforms(doc, "test_email", await client.post("/api/settings/test/email", json={}, headers=su))
    # a guest is refused as documented
    guest_doc = _ops(doc)
    assert "401" in guest_doc["list_backups"]["responses"]
    _conforms(doc, "list_backups", await client.get("/api/backups"))


async def test_logs_and_metrics_answers_match_the_description(app, client, su):
    doc = await _doc(client, su)
    app.logger.warning("described", extra={"n": 1})
    for _ in range(50):  # the log store writes in the background
        r = await client.get("/api/logs", params={"filter": "message = 'described'"}, headers=su)
        if r.json().get("items"):
            break
        await asyncio.sleep(0.1)
    _conforms(doc, "list_logs", r)
    item = r.json()["items"][0]
    assert item["level"] == 4 and item["data"]["n"] == 1
    _conforms(doc, "view_log", await client.get(f"/api/logs/{item['id']}", headers=su))
    _conforms(doc, "view_log", await client.get("/api/logs/missing", headers=su))
    r = await client.get("/api/logs/stats", headers=su)
    assert r.json() and r.json()[0]["total"] >= 1
    _conforms(doc, "logs_stats", r)
    _conforms(doc, "list_logs", await client.get("/api/logs", params={"filter": "nope ~"}, headers=su))
    r = await client.get("/api/metrics", headers=su)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert "text/plain" in _ops(doc)["metrics"]["responses"]["200"]["content"]
    _conforms(doc, "metrics", await client.get("/api/metrics"))
    _conforms(doc, "truncate_logs", await client.delete("/api/logs", headers=su))


async def test_oauth2_mfa_impersonate_and_view_dry_run(client, su):
    user, _ = await make_user(client, "u@example.com")
    r = await client.patch(USERS, json={"oauth2": {"enabled": True}, "mfa": {"enabled": True}}, headers=su)
    assert r.status_code == 200, r.text
    guest, superuser = await _doc(client), await _doc(client, su)
    validate_openapi(superuser)
    g, s = _ops(guest), _ops(superuser)
    assert "auth_with_oauth2_users" in g and "auth_with_oauth2__superusers" not in g
    assert "impersonate_users" in s and "impersonate_users" not in g
    for op_id in ("dry_run_view", "oauth2_providers"):
        assert op_id in s and op_id not in g
    # the provider's browser redirect only answers redirects to the /_/ pages: not described
    assert "/api/oauth2-redirect" not in superuser["paths"]
    # MFA on: a first sign-in answers 401 {mfaId}, as documented
    assert "401" in g["auth_with_password_users"]["responses"]
    assert "401" not in g["auth_with_password__superusers"]["responses"]
    r = await client.post(
        f"{USERS}/auth-with-password", json={"identity": "u@example.com", "password": "password123"}
    )
    assert r.status_code == 401 and r.json()["mfaId"]
    _conforms(guest, "auth_with_password_users", r)
    r = await client.post(f"{USERS}/impersonate/{user['id']}", json={"duration": 60}, headers=su)
    assert r.status_code == 200 and r.json()["record"]["id"] == user["id"]
    _conforms(superuser, "impersonate_users", r)
    _conforms(superuser, "impersonate_users", await client.post(f"{USERS}/impersonate/missing", headers=su))
    _conforms(
        superuser,
        "impersonate_users",
        await client.post(f"{USERS}/impersonate/{user['id']}", json={"duration": -1}, headers=su),
    )
    _conforms(
        superuser,
        "auth_with_oauth2_users",
        await client.post(f"{USERS}/auth-with-oauth2", json={"provider": "nope", "code": "x"}),
    )
    r = await client.post(
        "/api/collections/meta/dry-run-view", json={"query": "select id, email from users"}, headers=su
    )
    assert r.status_code == 200 and r.json()["sample"][0]["id"] == user["id"]
    _conforms(superuser, "dry_run_view", r)
    _conforms(
        superuser,
        "dry_run_view",
        await client.post("/api/collections/meta/dry-run-view", json={"query": "nope"}, headers=su),
    )
    r = await client.get("/api/collections/meta/oauth2-providers", headers=su)
    assert r.status_code == 200 and r.json()
    _conforms(superuser, "oauth2_providers", r)
