"""The dashboard's foundation in a real browser: the first-run installer, login and logout, the
sections, and how /_/ is served (policy, compression, caching, first-load size)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.dashboard.conftest import EMAIL, Dashboard, login

pytestmark = pytest.mark.e2e


def test_login_logout_and_guarded_screens(page, dashboard: Dashboard, superuser):
    page.goto(dashboard.url + "/_/#/settings")
    expect(page).to_have_url(re.compile(r"#/login$"))  # signed out: sent to the login screen
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Login").click()
    expect(page.get_by_role("alert")).to_contain_text("Failed to authenticate.")
    login(page, dashboard)
    nav = page.get_by_role("navigation", name="Main")
    for section in ("Collections", "Logs", "Settings"):
        expect(nav.get_by_role("link", name=section)).to_be_visible()
    nav.get_by_role("link", name="Settings").click()
    with dashboard.api(dashboard.superuser_token()) as c:
        app_name = c.get("/api/settings").json()["meta"]["appName"]
    expect(page.get_by_label("Application name")).to_have_value(app_name)
    # the session survives a reload (the SDK's authStore)
    page.reload()
    expect(page.get_by_label("Application name")).to_be_visible()
    page.get_by_role("button", name="Logout").click()
    expect(page.get_by_role("button", name="Login")).to_be_visible()
    page.goto(dashboard.url + "/_/#/collections")
    expect(page).to_have_url(re.compile(r"#/login$"))


def test_password_reset_request_says_where_the_link_went(page, dashboard: Dashboard, superuser):
    page.goto(dashboard.url + "/_/#/login")
    page.get_by_role("link", name="Forgotten password?").click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_role("button", name="Send recovery link").click()
    expect(page.get_by_role("status").filter(has_text=f"Check {EMAIL}")).to_be_visible()


def test_phone_layout_keeps_the_sections_reachable(browser, dashboard: Dashboard, superuser):
    context = browser.new_context(viewport={"width": 390, "height": 800}, color_scheme="dark")
    try:
        page = context.new_page()
        login(page, dashboard)
        nav = page.get_by_role("navigation", name="Main")
        box = nav.bounding_box()
        assert box is not None and box["width"] <= 390 and box["height"] < 120  # a top bar
        # dark mode follows the system
        bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert bg == "rgb(19, 20, 23)"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows sideways
    finally:
        context.close()


def test_served_with_a_strict_policy_compression_and_cache_headers(dashboard: Dashboard):
    with dashboard.api() as c:
        index = c.get("/_/", headers={"Accept-Encoding": "gzip"})
        assert index.status_code == 200
        assert index.headers["content-type"] == "text/html; charset=utf-8"
        assert index.headers["cache-control"] == "no-cache"
        csp = index.headers["content-security-policy"]
        for rule in ("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"):
            assert rule in csp
        assert "unsafe-inline" not in csp and "http" not in csp
        assert c.get("/_/index.html").text == index.text
        main = re.search(r'src="(/_/assets/[0-9a-f]{12}/js/main\.js)"', index.text)
        assert main, index.text
        js = c.get(main.group(1), headers={"Accept-Encoding": "gzip, br"})
        assert js.status_code == 200 and js.headers["content-encoding"] == "gzip"
        assert js.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert js.headers["content-type"] == "text/javascript; charset=utf-8"
        plain = c.get(main.group(1), headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.text == js.text
        stale = main.group(1).replace("/assets/", "/assets/0")
        for missing in (stale, "/_/nope.js", "/_/assets/..%2F..%2Fapi%2Fdashboard.py", "/_/assets/"):
            assert c.get(missing).status_code == 404, missing


def test_first_load_is_small(page, dashboard: Dashboard, superuser):
    """Everything the browser fetches from /_/ (bytes as sent, gzip) to the login screen, and on
    to the collections screen after signing in, stays under the issue's 150 KB target."""
    sizes: dict[str, int] = {}

    def count(response):  # type: ignore[no-untyped-def]
        if "/_/" in response.url:
            sizes[response.url] = int(response.headers["content-length"])

    page.on("response", count)
    page.goto(dashboard.url + "/_/#/login")
    expect(page.get_by_role("button", name="Login")).to_be_visible()
    ready_ms = page.evaluate("performance.now()")  # since navigation start
    login_total = sum(sizes.values())
    login(page, dashboard)
    expect(page.get_by_role("button", name="Edit collection")).to_be_visible()
    total = sum(sizes.values())
    print(
        f"first load: login screen {login_total} bytes (usable after {ready_ms:.0f} ms); "
        f"with the collections screen {total} bytes, {len(sizes)} files"
    )
    assert all(url.endswith("/_/") or "/_/assets/" in url for url in sizes)
    assert 20_000 < login_total < total < 150_000, sizes
    assert ready_ms < 3000  # generous for a shared CI machine; about 100-300 ms when idle


def test_sidebar_links_to_the_api_docs_and_graphql_explorer(page, dashboard: Dashboard, superuser):
    login(page, dashboard)
    nav = page.get_by_role("navigation", name="Main")
    for name, path, marker in (("API docs", "/api/docs", "swagger"), ("GraphQL", "/api/graphql", "graphiql")):
        link = nav.get_by_role("link", name=name)
        expect(link).to_have_attribute("href", path)
        with page.context.expect_page() as opened:
            link.click()
        docs = opened.value
        docs.wait_for_load_state()
        assert docs.url == dashboard.url + path
        assert marker in docs.content().lower()
        docs.close()


def test_a_redirect_decided_before_the_users_navigation_does_not_undo_it(signed_in):
    """The screens redirect on what the router last saw (the collections screen opens the first
    collection when the address names none). If the user navigates before that redirect runs,
    the address they went to stays: it is not replaced by the redirect meant for the old one."""
    page = signed_in
    hash_after = page.evaluate(
        """async () => {
            const main = document.querySelector('script[type="module"]').src;
            const router = await import(main.replace(/main\\.js$/, "router.js"));  // the app's own instance
            window.location.hash = "#/settings";  // the user's navigation; its hashchange is not dispatched yet
            router.navigate("/collections", { collection: "somewhere" }, true);  // a redirect decided before it
            await new Promise((done) => setTimeout(done, 100));
            return window.location.hash;
        }"""
    )
    assert hash_after == "#/settings"
    expect(page.get_by_label("Application name")).to_be_visible()
