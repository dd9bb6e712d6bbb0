"""Login beyond the password: the MFA step with the emailed one-time password, and the password
reset from the request screen to the page the email links to. Mails go to a real SMTP server."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e.dashboard.conftest import EMAIL, PASSWORD, Dashboard, login
from tests.smtp_sink import Delivered, SmtpSink, running_sink

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def mailbox(dashboard: Dashboard, superuser) -> Iterator[SmtpSink]:
    with running_sink() as sink:
        with dashboard.api(dashboard.superuser_token()) as su:
            r = su.patch("/api/settings", json={"smtp": sink.settings()})
            assert r.status_code == 200, r.text
        yield sink


def next_mail(sink: SmtpSink, to: str, timeout: float = 10) -> Delivered:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sink.lock:
            for i, msg in enumerate(sink.messages):
                if to in msg.rcpt:
                    return sink.messages.pop(i)
        time.sleep(0.05)
    raise AssertionError(f"no mail to {to}")


def test_mfa_login_asks_for_the_emailed_one_time_password(page, dashboard: Dashboard, mailbox: SmtpSink):
    token = dashboard.superuser_token()
    with dashboard.api(token) as su:
        r = su.patch(
            "/api/collections/_superusers", json={"mfa": {"enabled": True}, "otp": {"enabled": True}}
        )
        assert r.status_code == 200, r.text
    try:
        page.goto(dashboard.url + "/_/#/login")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Login").click()
        otp_box = page.get_by_label("One-time password")
        expect(otp_box).to_be_visible()
        mail = next_mail(mailbox, EMAIL)
        code = re.search(r"\b(\d{6,})\b", mail.text)
        assert code, mail.text
        otp_box.fill("00000000" if code.group(1) != "00000000" else "11111111")
        page.get_by_role("button", name="Login").click()
        expect(page.get_by_role("alert")).to_be_visible()  # a wrong code is refused
        otp_box.fill(code.group(1))
        page.get_by_role("button", name="Login").click()
        expect(page.get_by_role("navigation", name="Collections")).to_be_visible()
    finally:
        with dashboard.api(token) as su:
            r = su.patch(
                "/api/collections/_superusers", json={"mfa": {"enabled": False}, "otp": {"enabled": False}}
            )
            assert r.status_code == 200, r.text


def test_password_reset_from_request_to_the_emailed_page(page, dashboard: Dashboard, mailbox: SmtpSink):
    other = "reset@example.com"
    with dashboard.api(dashboard.superuser_token()) as su:
        r = su.post(
            "/api/collections/_superusers/records",
            json={"email": other, "password": PASSWORD, "passwordConfirm": PASSWORD},
        )
        assert r.status_code == 200, r.text
    page.goto(dashboard.url + "/_/#/request-password-reset")
    page.get_by_label("Email").fill(other)
    page.get_by_role("button", name="Send recovery link").click()
    expect(page.get_by_text(f"Check {other} for the recovery link.")).to_be_visible()
    kind, token = next_mail(mailbox, other).link()
    assert kind == "confirm-password-reset"

    page.goto(f"{dashboard.url}/_/#/auth/confirm-password-reset/{token}")
    expect(page.get_by_text(f"Choose a new password for {other}.")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("N3w-passw0rd!")
    page.get_by_label("New password confirm").fill("something else")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text("Values don't match.")).to_be_visible()
    page.get_by_label("New password confirm").fill("N3w-passw0rd!")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text("Successfully changed the user password.")).to_be_visible()
    login(page, dashboard, other, "N3w-passw0rd!")
