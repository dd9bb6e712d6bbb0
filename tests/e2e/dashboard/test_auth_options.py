"""An auth collection's OAuth2 providers and email templates edited in the browser, and the record
editor's extras: "Copy JSON", an auth record's linked OAuth2 accounts unlinked, and protected
files shown through a file token."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.dashboard.conftest import Dashboard, _run, api_get
from tests.e2e.dashboard.test_records import open_collection, png
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.e2e

HAS_TOKEN = re.compile(r"[?&]token=[^&]+")


@pytest.fixture(scope="module")
def members(dashboard: Dashboard, superuser) -> dict:  # type: ignore[no-untyped-def]
    """An auth collection "members" (a nickname field to map OAuth2 names to) and one member."""
    with dashboard.api(dashboard.superuser_token()) as su:
        r = su.post(
            "/api/collections",
            json={"name": "members", "type": "auth", "fields": [{"name": "nick", "type": "text"}]},
        )
        assert r.status_code == 200, r.text
        m = su.post(
            "/api/collections/members/records",
            json={
                "email": "ann@example.com",
                "password": "secret-pass-1",
                "passwordConfirm": "secret-pass-1",
            },
        )
        assert m.status_code == 200, m.text
        return {"collection": r.json(), "record": m.json()}


def collection(dashboard: Dashboard, name: str) -> dict:
    return api_get(dashboard, f"/api/collections/{name}")  # type: ignore[no-any-return]


def open_options(page, dashboard: Dashboard):  # type: ignore[no-untyped-def]
    open_collection(page, dashboard, "members")
    page.get_by_role("button", name="Edit collection").click()
    dialog = page.get_by_role("dialog", name="Edit collection")
    dialog.get_by_role("tab", name="Options").click()
    return dialog


def test_add_an_oidc_provider_with_its_endpoints_and_field_mapping(signed_in, dashboard: Dashboard, members):
    page = signed_in
    dialog = open_options(page, dashboard)
    expect(dialog.get_by_text("No OAuth2 providers added yet.")).to_be_visible()
    # the server's providers are offered by display name
    provider = dialog.get_by_label("Provider", exact=True)
    expect(provider.locator("option", has_text="GitHub (github)")).to_have_count(1)
    dialog.locator("section", has=page.get_by_role("heading", name="OAuth2", exact=True)).get_by_label(
        "Enable"
    ).check()
    provider.select_option("oidc")
    dialog.get_by_role("button", name="Add provider").click()

    form = dialog.get_by_role("group", name="OIDC provider")
    form.get_by_label("Client ID").fill("journey-client")
    form.get_by_label("Auth URL").fill("not a url")
    dialog.get_by_label("OAuth2 name").select_option("nick")
    dialog.get_by_role("button", name="Save changes").click()
    # PocketBase's field errors land on the fields: no secret, a bad URL
    expect(form.get_by_label("Client secret")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_text("Cannot be blank.")).to_be_visible()
    expect(form.get_by_text("Must be a valid URL.")).to_be_visible()
    assert collection(dashboard, "members")["oauth2"]["providers"] == []

    form.get_by_label("Client secret").fill("journey-secret")
    form.get_by_label("Auth URL").fill("https://id.example.com/auth")
    form.get_by_label("Token URL").fill("https://id.example.com/token")
    form.get_by_label("User info URL").fill("https://id.example.com/userinfo")
    form.get_by_label("Support PKCE").uncheck()
    form.get_by_label("Display name").fill("Example ID")  # the provider's title follows it
    dialog.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("dialog", name="Edit collection")).to_be_hidden()

    oauth2 = collection(dashboard, "members")["oauth2"]
    [saved] = oauth2["providers"]
    assert saved["name"] == "oidc" and saved["clientId"] == "journey-client"
    assert saved["authURL"] == "https://id.example.com/auth"
    assert saved["userInfoURL"] == "https://id.example.com/userinfo"
    assert (saved["displayName"], saved["pkce"]) == ("Example ID", False)
    assert "clientSecret" not in saved
    assert oauth2["mappedFields"]["name"] == "nick"

    # editing it again: the secret is write-only and kept when left empty
    dialog = open_options(page, dashboard)
    form = dialog.get_by_role("group", name="Example ID provider")
    expect(form.get_by_label("Client secret")).to_have_attribute("placeholder", "Unchanged")
    form.get_by_label("Client ID").fill("journey-client-2")
    dialog.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("dialog", name="Edit collection")).to_be_hidden()
    assert collection(dashboard, "members")["oauth2"]["providers"][0]["clientId"] == "journey-client-2"

    # a second provider; then the first is removed, so the second moves up a place and has to
    # send its secret again (the server keeps stored secrets by position)
    dialog = open_options(page, dashboard)
    dialog.get_by_label("Provider", exact=True).select_option("github")
    dialog.get_by_role("button", name="Add provider").click()
    github = dialog.get_by_role("group", name="GitHub provider")
    github.get_by_label("Client ID").fill("gh-client")
    github.get_by_label("Client secret").fill("gh-secret")
    dialog.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("dialog", name="Edit collection")).to_be_hidden()
    assert [p["name"] for p in collection(dashboard, "members")["oauth2"]["providers"]] == ["oidc", "github"]

    dialog = open_options(page, dashboard)
    dialog.get_by_role("button", name="Remove Example ID").click()
    github = dialog.get_by_role("group", name="GitHub provider")
    expect(github.get_by_text("Enter the client secret again: the providers list changed.")).to_be_visible()
    github.get_by_label("Client secret").fill("gh-secret")
    expect(github.get_by_label("Client secret")).not_to_have_attribute("aria-invalid", "true")
    dialog.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("dialog", name="Edit collection")).to_be_hidden()
    [left] = collection(dashboard, "members")["oauth2"]["providers"]
    assert (left["name"], left["clientId"]) == ("github", "gh-client")


def test_edit_an_email_template_and_send_a_test_email(
    signed_in, dashboard: Dashboard, members, smtp: SmtpSink
):
    with dashboard.api(dashboard.superuser_token()) as su:
        r = su.patch(
            "/api/settings",
            json={
                "meta": {"senderAddress": "robot@journey.test"},
                "smtp": {"enabled": True, "host": "127.0.0.1", "port": smtp.port},
            },
        )
        assert r.status_code == 200, r.text
    page = signed_in
    dialog = open_options(page, dashboard)
    otp = dialog.get_by_role("group", name="Default OTP email template")
    expect(otp.get_by_text("{OTP_ID}")).to_be_visible()
    alert = dialog.get_by_role("group", name="Default Login alert email template")
    expect(alert.get_by_text("{ALERT_INFO}")).to_be_visible()
    reset = dialog.get_by_role("group", name="Default Password reset email template")
    reset.get_by_label("Subject of Default Password reset email template").fill(
        "Journey reset for {APP_NAME}"
    )
    dialog.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("dialog", name="Edit collection")).to_be_hidden()
    assert (
        collection(dashboard, "members")["resetPasswordTemplate"]["subject"] == "Journey reset for {APP_NAME}"
    )

    dialog = open_options(page, dashboard)
    reset = dialog.get_by_role("group", name="Default Password reset email template")
    address = reset.get_by_label("Test email address for Default Password reset email template")
    send = reset.get_by_role("button", name="Send test email: Default Password reset email template")
    # the server's refusal is shown on the address
    address.fill("not-an-address")
    send.click()
    expect(address).to_have_attribute("aria-invalid", "true")
    address.fill("someone@journey.test")
    send.click()
    expect(page.get_by_text("Successfully sent test email to someone@journey.test.")).to_be_visible()
    mails = _run(smtp.wait(1))
    assert mails[-1].rcpt == ["someone@journey.test"]
    assert mails[-1].subject.startswith("Journey reset for")


def test_copy_json_and_unlink_an_oauth2_account(signed_in, dashboard: Dashboard, members):
    page = signed_in
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=dashboard.url)
    coll, member = members["collection"], members["record"]
    with dashboard.api(dashboard.superuser_token()) as su:
        for provider, pid in (("github", "gh-41"), ("google", "g-42")):
            r = su.post(
                "/api/collections/_externalAuths/records",
                json={
                    "collectionRef": coll["id"],
                    "recordRef": member["id"],
                    "provider": provider,
                    "providerId": pid,
                },
            )
            assert r.status_code == 200, r.text

    open_collection(page, dashboard, "members")
    page.locator(".record-row").filter(has_text="ann@example.com").click()
    dialog = page.get_by_role("dialog", name="Edit members record")

    dialog.get_by_role("button", name="Copy JSON").click()
    expect(page.get_by_text("Copied the record JSON to the clipboard.")).to_be_visible()
    copied = json.loads(page.evaluate("navigator.clipboard.readText()"))
    assert (copied["id"], copied["email"], copied["collectionName"]) == (
        member["id"],
        "ann@example.com",
        "members",
    )

    linked = dialog.get_by_role("region", name="Linked OAuth2 accounts")
    expect(linked.get_by_text("gh-41")).to_be_visible()
    expect(linked.get_by_text("g-42")).to_be_visible()
    linked.get_by_role("button", name="Unlink github").click()
    page.get_by_role("dialog", name="Do you really want to unlink the github account?").get_by_role(
        "button", name="Unlink"
    ).click()
    expect(page.get_by_text("Successfully unlinked the github OAuth2 account.")).to_be_visible()
    expect(linked.get_by_text("gh-41")).to_be_hidden()
    expect(linked.get_by_text("g-42")).to_be_visible()
    with dashboard.api(dashboard.superuser_token()) as su:
        left = su.get("/api/collections/_externalAuths/records").json()["items"]
        assert [e["provider"] for e in left] == ["google"]


def test_protected_files_are_shown_with_a_file_token(signed_in, dashboard: Dashboard, superuser):
    with dashboard.api(dashboard.superuser_token()) as su:
        r = su.post(
            "/api/collections",
            json={
                "name": "vault",
                "type": "base",
                "fields": [
                    {"name": "title", "type": "text"},
                    {"name": "scan", "type": "file", "maxSelect": 1, "maxSize": 1_000_000, "protected": True},
                ],
            },
        )
        assert r.status_code == 200, r.text
        rec = su.post(
            "/api/collections/vault/records",
            data={"title": "secret scan"},
            files={"scan": ("scan.png", png(), "image/png")},
        )
        assert rec.status_code == 200, rec.text
        # without a token the file is refused
        assert su.get(f"/api/files/vault/{rec.json()['id']}/{rec.json()['scan']}").status_code == 404

    page = signed_in
    open_collection(page, dashboard, "vault")
    row = page.locator(".record-row").filter(has_text="secret scan")
    thumb = row.get_by_role("img", name=rec.json()["scan"])
    expect(thumb).to_have_attribute("src", HAS_TOKEN)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    expect(row.get_by_role("link", name=rec.json()["scan"])).to_have_attribute("href", HAS_TOKEN)

    row.click()
    dialog = page.get_by_role("dialog", name="Edit vault record")
    in_editor = dialog.get_by_role("img", name=rec.json()["scan"])
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=in_editor.element_handle())
