"""The Logs screen: a request shows up as a log whose details hold all its data; the chart zooms
(range buttons and dragging across it), the level and search filters narrow the table, and the
logs settings saved in the dialog are the server's settings."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.dashboard.conftest import Dashboard

pytestmark = pytest.mark.e2e


def go_to_logs(page, dashboard: Dashboard) -> None:  # type: ignore[no-untyped-def]
    """Leave the collections screen once it has opened its first collection (it does so after the
    collections load, and would otherwise pull the page back)."""
    page.wait_for_url(re.compile(r"#/collections\?collection="))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Logs").click()
    expect(page.get_by_role("heading", name="Logs", level=1)).to_be_visible()


def wait_for_log(dashboard: Dashboard, filter_: str) -> dict:
    """The request log matching `filter_`, once the server has stored it (logs are written in the
    background)."""
    with dashboard.api(dashboard.superuser_token()) as c:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            r = c.get("/api/logs", params={"filter": filter_, "sort": "-created"})
            assert r.status_code == 200, r.text
            if r.json()["items"]:
                return dict(r.json()["items"][0])
            time.sleep(0.2)
    raise AssertionError(f"no log matching {filter_}")


def test_a_request_appears_as_a_log_with_all_its_data(signed_in, dashboard: Dashboard):
    with dashboard.api() as c:
        assert (
            c.get(
                "/api/collections/nope_missing/records", headers={"User-Agent": "journey-agent/1"}
            ).status_code
            == 404
        )
    exact = 'data.url = "/api/collections/nope_missing/records"'  # the filters' own requests mention it too
    log = wait_for_log(dashboard, exact)

    page = signed_in
    go_to_logs(page, dashboard)
    page.get_by_label("Search term or filter").fill(exact)
    page.get_by_role("button", name="Search").click()
    table = page.get_by_role("table", name="Logs")
    expect(table.get_by_role("row")).to_have_count(2)  # the header and the one request
    expect(table).to_contain_text("GET /api/collections/nope_missing/records")
    expect(table).to_contain_text("404")

    table.get_by_role("button", name=log["message"]).click()
    detail = page.get_by_role("dialog", name="Request log")
    details = detail.get_by_role("table", name="Log details")
    expect(details).to_contain_text(log["id"])
    for key in ("data.status", "data.method", "data.url", "data.userAgent", "data.execTime", "data.auth"):
        expect(details.get_by_role("rowheader", name=key, exact=True)).to_be_visible()
    expect(details.get_by_role("row", name="data.userAgent")).to_contain_text("journey-agent/1")
    expect(details.get_by_role("row", name="data.status")).to_contain_text("404")
    detail.get_by_role("button", name="Close", exact=True).last.click()
    expect(detail).to_be_hidden()


def test_level_filter_a_typed_filter_and_the_zoomed_chart(signed_in, dashboard: Dashboard):
    with dashboard.api() as c:
        c.get("/api/collections/zoom_me/records")
    wait_for_log(dashboard, 'data.url = "/api/collections/zoom_me/records"')
    page = signed_in
    go_to_logs(page, dashboard)
    table = page.get_by_role("table", name="Logs")
    expect(table).to_contain_text("/api/collections/zoom_me/records")

    # a PocketBase filter typed in the search box is used as it is
    page.get_by_label("Search term or filter").fill(
        'data.url = "/api/collections/zoom_me/records" && data.status = 404'
    )
    page.get_by_role("button", name="Search").click()
    expect(table.get_by_role("row")).to_have_count(2)
    # a failed request is logged at ERROR level: INFO empties the table, ERROR keeps it
    page.get_by_label("Level").select_option(label="INFO")
    expect(page.get_by_text("No logs found.")).to_be_visible()
    page.get_by_label("Level").select_option(label="ERROR")
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table.get_by_role("cell", name="ERROR", exact=True)).to_be_visible()

    chart = page.get_by_role("img", name="Requests chart")
    expect(chart).to_have_attribute("aria-label", re.compile(r"^Requests chart: 1 logs between "))
    page.get_by_role("button", name="Last hour").click()
    expect(page.get_by_role("button", name="Last hour")).to_have_attribute("aria-pressed", "true")
    expect(table.get_by_role("row")).to_have_count(2)

    # dragging across the chart zooms to that span: the whole chart keeps the one log
    page.get_by_role("button", name="All time").click()
    box = chart.bounding_box()
    assert box
    page.mouse.move(box["x"] + 5, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    expect(page.get_by_text("Zoomed:")).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(2)
    page.get_by_role("button", name="Reset zoom").click()
    expect(page.get_by_text("Zoomed:")).to_be_hidden()


def test_logs_settings_are_saved_to_the_server(signed_in, dashboard: Dashboard):
    page = signed_in
    go_to_logs(page, dashboard)
    page.get_by_role("button", name="Logs settings").click()
    dialog = page.get_by_role("dialog", name="Logs settings")
    dialog.get_by_label("Max days retention").fill("12")
    dialog.get_by_label("Min log level").fill("-4")
    dialog.get_by_label("Enable IP logging").uncheck()
    dialog.get_by_label("Enable Auth Id logging").check()
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog).to_be_hidden()
    with dashboard.api(dashboard.superuser_token()) as c:
        logs = c.get("/api/settings").json()["logs"]
    assert (logs["maxDays"], logs["minLevel"], logs["logIP"], logs["logAuthId"]) == (12, -4, False, True)

    # a refused value keeps the dialog open with the server's message
    page.get_by_role("button", name="Logs settings").click()
    dialog.get_by_label("Max days retention").fill("-1")
    dialog.get_by_role("button", name="Save changes").click()
    expect(dialog.get_by_label("Max days retention")).to_have_attribute("aria-invalid", "true")
    expect(dialog).to_be_visible()
