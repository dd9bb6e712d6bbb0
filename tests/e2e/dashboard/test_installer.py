"""First run: the installer link `roost serve` prints creates the first superuser in the browser
(its own module, so its server has no superuser yet whatever else runs)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.dashboard.conftest import EMAIL, PASSWORD, Dashboard

pytestmark = pytest.mark.e2e


def test_installer_link_creates_the_first_superuser(page, dashboard: Dashboard):
    page.goto(dashboard.install_link)
    expect(page.get_by_role("heading", name="Create your first superuser")).to_be_visible()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirm").fill("not the same")
    page.get_by_role("button", name="Create superuser and login").click()
    expect(page.get_by_text("Values don't match.")).to_be_visible()
    page.get_by_label("Password confirm").fill(PASSWORD)
    page.get_by_role("button", name="Create superuser and login").click()
    # signed in, on the collections screen
    expect(page.get_by_role("navigation", name="Collections")).to_be_visible()
    expect(page).to_have_url(re.compile(r"#/collections\?collection="))
    # the installer account is gone, so its link no longer creates superusers
    with dashboard.api(dashboard.superuser_token()) as c:
        emails = [r["email"] for r in c.get("/api/collections/_superusers/records").json()["items"]]
        assert emails == [EMAIL]
    with dashboard.api(dashboard.install_token) as c:
        r = c.post(
            "/api/collections/_superusers/records",
            json={"email": "x@example.com", "password": PASSWORD, "passwordConfirm": PASSWORD},
        )
        assert r.status_code in (401, 403)


def test_an_expired_or_broken_installer_link_says_what_to_do(page, dashboard: Dashboard):
    page.goto(dashboard.url + "/_/#/pbinstall/not-a-token")
    expect(page.get_by_role("alert")).to_contain_text("roost superuser upsert EMAIL PASSWORD")
