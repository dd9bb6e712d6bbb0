"""Fixtures for the dashboard's browser journeys: one `roost serve` per test module (SQLite, or
PostgreSQL with ROOST_TEST_DB), Debian's Chromium driven by the PyPI playwright package, and
helpers to sign in and to reach the API directly.

    def test_x(dashboard, superuser, page):   # a signed-in page on a fresh browser context
        page.goto(dashboard.url + "/_/#/collections")

A page fails its test on any console error, page error or Content-Security-Policy violation."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.conftest import drop_db_url, new_db_url
from tests.e2e.server import RoostServer
from tests.smtp_sink import SmtpSink, running_sink

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EMAIL = "admin@example.com"
PASSWORD = "Passw0rd123!"
INSTALL_LINK = re.compile(r"(http://\S+/_/#/pbinstall/(\S+))")


@dataclass
class Dashboard:
    """The running server of a test module."""

    server: RoostServer
    url: str
    install_link: str
    install_token: str
    state: dict[str, Any] = field(default_factory=dict)  # what journeys in one module hand on

    def api(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": token} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10)

    def superuser_token(self) -> str:
        with self.api() as c:
            r = c.post(
                "/api/collections/_superusers/auth-with-password",
                json={"identity": EMAIL, "password": PASSWORD},
            )
            assert r.status_code == 200, r.text
            return str(r.json()["token"])


def _run(coro: Any) -> Any:
    """asyncio.run in a thread of its own: playwright keeps an event loop on the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    db_url = _run(new_db_url())
    server = RoostServer(str(tmp_path_factory.mktemp("dashboard") / "data"), db_url)
    try:
        with server:
            found = INSTALL_LINK.search(server.log())
            assert found, f"no installer link in the banner:\n{server.log()}"
            yield Dashboard(server, server.url, found.group(1), found.group(2))
    finally:
        _run(drop_db_url(db_url))


@pytest.fixture(scope="module")
def superuser(dashboard: Dashboard) -> dict[str, str]:
    """The module's superuser (admin@example.com), created through the installer token (the same
    API call the installer screen makes) unless a journey already created it."""
    with dashboard.api() as c:
        ok = c.post(
            "/api/collections/_superusers/auth-with-password",
            json={"identity": EMAIL, "password": PASSWORD},
        )
        if ok.status_code != 200:
            r = c.post(
                "/api/collections/_superusers/records",
                json={"email": EMAIL, "password": PASSWORD, "passwordConfirm": PASSWORD},
                headers={"Authorization": dashboard.install_token},
            )
            assert r.status_code == 200, r.text
    return {"email": EMAIL, "password": PASSWORD}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import expect

    # as the pages' own 10 s: on a loaded 2-core CI machine a screen can take over expect's
    # default 5 s to show (a wait that fails only under load says nothing about the dashboard)
    expect.set_options(timeout=10_000)
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"the dashboard tests need Debian's Chromium at {CHROMIUM}: apt-get install chromium "
            "(.ci/run installs it)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any, dashboard: Dashboard) -> Iterator[Any]:
    """A fresh page (own storage: signed out) that fails the test on any browser-side error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on(
        "console",
        lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None,
    )
    try:
        yield pg
    finally:
        context.close()
    # 4xx answers the journeys provoke on purpose (a wrong password) are logged by Chromium as
    # "Failed to load resource"; those are expected, everything else is a bug
    real = [p for p in problems if "Failed to load resource" not in p]
    assert not real, "\n".join(real)


def login(page: Any, dashboard: Dashboard, email: str = EMAIL, password: str = PASSWORD) -> None:
    """Sign in through the login screen and wait for the collections screen."""
    from playwright.sync_api import expect

    page.goto(dashboard.url + "/_/#/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Login").click()
    expect(page.get_by_role("navigation", name="Collections")).to_be_visible()


@pytest.fixture
def signed_in(page: Any, dashboard: Dashboard, superuser: dict[str, str]) -> Any:
    """`page`, signed in as the module's superuser, on the collections screen."""
    login(page, dashboard)
    return page


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpSink]:
    """A real SMTP server for the module's journeys that send mail."""
    with running_sink() as sink:
        yield sink


def api_get(dashboard: Dashboard, path: str) -> Any:
    """GET `path` as the superuser; its JSON, after asserting a 200."""
    with dashboard.api(dashboard.superuser_token()) as c:
        r = c.get(path)
        assert r.status_code == 200, r.text
        return r.json()
