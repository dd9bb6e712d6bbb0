"""SMTP settings, the test-email endpoint and the mails' text, against a real SMTP server
(aiosmtpd). Expected texts are the ones PocketBase 0.40.6 sends for the same templates."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from roost.core.app import App
from roost.mail.sendmail import sendmail_path
from roost.security import jwt
from tests.helpers import error_shape
from tests.smtp_sink import SmtpSink, free_port

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.anyio


def expected_text(template: str, token: str = "") -> str:
    link = "http://app.test/_/#/auth/"
    texts = {
        "verification": "Hello, \nThank you for joining us at Acme. \nClick on the button below to verify your "
        f"email address. \n[Verify]({link}confirm-verification/{token})  \nIf you didn't recently register, "
        "please ignore this email. \nThanks,\nAcme team",
        "password-reset": "Hello, \nClick on the button below to reset your password. \n[Reset password]"
        f"({link}confirm-password-reset/{token})  \nIf you didn't ask to reset your password, please ignore "
        "this email. \nThanks,\nAcme team",
        "email-change": "Hello, \nClick on the button below to confirm your new email address. \n[Confirm new "
        f"email]({link}confirm-email-change/{token})  \nIf you didn't ask to change your email address, please "
        "ignore this email. \nThanks,\nAcme team",
        "otp": "Hello, \nYour one-time password is: 123456 \nIf you didn't ask for the one-time password, "
        "you can ignore this email. \nThanks,\nAcme team",
    }
    return texts[template]


def plain(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


async def test_smtp_settings_saved_and_password_write_only(
    client: httpx.AsyncClient, su: dict[str, str], smtp_sink: SmtpSink
) -> None:
    body = {
        "smtp": {**smtp_sink.settings(), "password": "s3cret", "authMethod": "LOGIN", "localName": "mx.test"}
    }
    r = await client.patch("/api/settings", json=body, headers=su)
    assert r.status_code == 200, r.text
    smtp = r.json()["smtp"]
    assert "password" not in smtp
    assert smtp == {
        "enabled": True,
        "port": smtp_sink.port,
        "host": "127.0.0.1",
        "username": "",
        "authMethod": "LOGIN",
        "tls": False,
        "localName": "mx.test",
    }
    r = await client.get("/api/settings", headers=su)
    assert "password" not in r.json()["smtp"]


async def test_smtp_and_meta_validation_as_pocketbase(client: httpx.AsyncClient, su: dict[str, str]) -> None:
    r = await client.patch(
        "/api/settings",
        json={"smtp": {"enabled": True, "host": "", "port": 0, "authMethod": "XX"}},
        headers=su,
    )
    assert r.status_code == 400
    assert r.json() == {
        "data": {
            "smtp": {
                "authMethod": {"code": "validation_in_invalid", "message": "Must be a valid value."},
                "host": {"code": "validation_required", "message": "Cannot be blank."},
                "port": {"code": "validation_required", "message": "Cannot be blank."},
            }
        },
        "message": "An error occurred while saving the new settings.",
        "status": 400,
    }
    r = await client.patch(
        "/api/settings",
        json={"smtp": {"enabled": True, "host": "bad host!", "localName": "x y", "port": -1}},
        headers=su,
    )
    assert r.json()["data"]["smtp"] == {
        "host": {"code": "validation_is_host", "message": "Must be a valid IP address or DNS name."},
        "localName": {"code": "validation_is_host", "message": "Must be a valid IP address or DNS name."},
        "port": {
            "code": "validation_min_greater_equal_than_required",
            "message": "Must be no less than 0.",
            "params": {"threshold": 0},
        },
    }
    r = await client.patch(
        "/api/settings",
        json={"meta": {"appURL": "notaurl", "senderAddress": "bad", "senderName": ""}},
        headers=su,
    )
    assert r.json()["data"] == {
        "meta": {
            "appURL": {"code": "validation_is_url", "message": "Must be a valid URL."},
            "senderAddress": {"code": "validation_is_email", "message": "Must be a valid email address."},
            "senderName": {"code": "validation_required", "message": "Cannot be blank."},
        }
    }


@pytest.mark.parametrize("template", ["verification", "password-reset", "email-change", "otp"])
async def test_test_email_texts_match_pocketbase(
    client: httpx.AsyncClient, su: dict[str, str], mailbox: SmtpSink, template: str
) -> None:
    r = await client.post(
        "/api/settings/test/email", json={"email": "to@example.com", "template": template}, headers=su
    )
    assert r.status_code == 204, r.text
    (mail,) = await mailbox.wait(1)
    assert mail.rcpt == ["to@example.com"]
    assert mail.sender == "support@example.com"
    assert mail.msg["From"] == "Support <support@example.com>"
    subjects = {
        "verification": "Verify your Acme email",
        "password-reset": "Reset your Acme password",
        "email-change": "Confirm your Acme new email address",
        "otp": "OTP for Acme",
    }
    assert mail.subject == subjects[template]
    token = ""
    if template != "otp":
        _, token = mail.link()
        claims = jwt.decode_unverified(token)
        assert claims is not None
        assert claims["id"] == "__pb_test_id__"
        assert claims["collectionId"] == "pbc_3142635823"
        assert claims["email"] == "to@example.com"
    assert plain(mail.text) == expected_text(template, token)
    if template == "otp":
        assert mail.html.replace("\r\n", "\n") == (DATA / "pocketbase_otp_mail.html").read_text()


async def test_test_email_login_alert_and_collection(
    client: httpx.AsyncClient, su: dict[str, str], mailbox: SmtpSink
) -> None:
    r = await client.post(
        "/api/settings/test/email",
        json={"email": "to@example.com", "template": "login-alert", "collection": "users"},
        headers=su,
    )
    assert r.status_code == 204
    (mail,) = await mailbox.wait(1)
    assert mail.subject == "Login from a new location"
    text = plain(mail.text)
    assert text.startswith("Hello, \nWe noticed a login to your Acme account from a new location: \n")
    assert " - TEST_IP TEST_USER_AGENT \nIf this wasn't you, you should immediately change your Acme " in text


async def test_test_email_validation(client: httpx.AsyncClient, su: dict[str, str]) -> None:
    r = await client.post("/api/settings/test/email", json={}, headers=su)
    assert r.json() == {
        "data": {
            "email": {"code": "validation_required", "message": "Cannot be blank."},
            "template": {"code": "validation_required", "message": "Cannot be blank."},
        },
        "message": "Failed to send the test email.",
        "status": 400,
    }
    r = await client.post(
        "/api/settings/test/email", json={"email": "xx", "template": "nope", "collection": "nope"}, headers=su
    )
    assert r.json()["data"] == {
        "collection": {
            "code": "validation_invalid_auth_collection",
            "message": "Must be a valid auth collection id or name.",
        },
        "email": {"code": "validation_is_email", "message": "Must be a valid email address."},
        "template": {"code": "validation_in_invalid", "message": "Must be a valid value."},
    }
    r = await client.post("/api/settings/test/email", json={"email": "a@b.c", "template": "otp"})
    assert r.status_code == 401


async def test_test_email_reports_the_smtp_refusal(
    client: httpx.AsyncClient, su: dict[str, str], mailbox: SmtpSink
) -> None:
    mailbox.refuse = "554 5.7.1 Message rejected"
    r = await client.post("/api/settings/test/email", json={"email": "a@b.c", "template": "otp"}, headers=su)
    assert r.status_code == 400
    error_shape(r.json(), 400)
    assert r.json()["message"] == 'Failed to send the test email. Raw error: \n554 "5.7.1 Message rejected".'


async def test_test_email_reports_an_unreachable_server(
    app: App, client: httpx.AsyncClient, su: dict[str, str], smtp_sink: SmtpSink
) -> None:
    app.settings["smtp"].update(smtp_sink.settings(), port=free_port())  # nothing listens there
    r = await client.post("/api/settings/test/email", json={"email": "a@b.c", "template": "otp"}, headers=su)
    assert r.status_code == 400
    assert r.json()["message"].startswith(
        "Failed to send the test email. Raw error: \nCannot reach the SMTP server"
    )


@pytest.mark.skipif(
    sendmail_path() is not None or os.name != "posix", reason="a sendmail program is installed"
)
async def test_smtp_off_uses_sendmail_like_pocketbase(client: httpx.AsyncClient, su: dict[str, str]) -> None:
    r = await client.post("/api/settings/test/email", json={"email": "a@b.c", "template": "otp"}, headers=su)
    assert r.json() == {
        "data": {},
        "message": "Failed to send the test email. Raw error: \nfailed to locate a sendmail executable path.",
        "status": 400,
    }


async def test_mailer_hooks_see_and_change_the_message(
    app: App, client: httpx.AsyncClient, su: dict[str, str], mailbox: SmtpSink
) -> None:
    seen: list[str] = []

    @app.on_mailer_record_otp_send()
    async def record_hook(e):  # type: ignore[no-untyped-def]
        seen.append("otp:" + e.meta["password"])
        await e.next()

    @app.on_mailer_send()
    async def send_hook(e):  # type: ignore[no-untyped-def]
        seen.append("send")
        e.message.subject = "Changed"
        await e.next()

    r = await client.post("/api/settings/test/email", json={"email": "a@b.c", "template": "otp"}, headers=su)
    assert r.status_code == 204
    (mail,) = await mailbox.wait(1)
    assert mail.subject == "Changed"
    assert seen == ["otp:123456", "send"]


@pytest.mark.parametrize("method", ["PLAIN", "LOGIN", ""])
async def test_smtp_authentication_methods(
    app: App, client: httpx.AsyncClient, su: dict[str, str], method: str
) -> None:
    sink = SmtpSink(credentials=("mailer", "s3cret"))
    sink.controller.start()
    try:
        smtp = {**sink.settings(), "username": "mailer", "password": "s3cret", "authMethod": method}
        r = await client.patch("/api/settings", json={"smtp": smtp}, headers=su)
        assert r.status_code == 200, r.text
        r = await client.post(
            "/api/settings/test/email", json={"email": "a@b.c", "template": "otp"}, headers=su
        )
        assert r.status_code == 204, r.text
        assert sink.logins == [(method or "PLAIN", "mailer")]  # empty means PLAIN, as in PocketBase
        assert len(await sink.wait(1)) == 1
    finally:
        sink.controller.stop()


async def test_credentials_never_sent_unencrypted_to_another_host(app: App) -> None:
    from roost.mail import Address, Message, SmtpConfig, SmtpMailer
    from roost.mail.smtp import MailError

    sink = SmtpSink(credentials=("mailer", "s3cret"), hostname="127.0.0.2")
    sink.controller.start()
    try:
        # 127.0.0.2 is this machine too, but not a name Roost trusts to receive credentials in clear
        mailer = SmtpMailer(
            SmtpConfig(host="127.0.0.2", port=sink.port, username="mailer", password="s3cret")
        )
        message = Message(Address("from@example.com"), [Address("to@example.com")], "Hi", "<p>Hi</p>")
        with pytest.raises(MailError, match="unencrypted connection"):
            await mailer.send(message)
        assert sink.logins == []
    finally:
        sink.controller.stop()
