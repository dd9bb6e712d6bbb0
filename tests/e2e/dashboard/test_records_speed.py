"""The records table on a big collection: 10,000 records seeded through the batch API, then the
time from opening the collection's address (signed in) until the first page's rows are visible.
The table asks for one page with skipTotal and counts separately, so it must stay under 1 s."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.e2e.dashboard.conftest import Dashboard

pytestmark = pytest.mark.e2e

RECORDS = 10_000
CHUNK = 1_000
BUDGET_S = 1.0


@pytest.fixture(scope="module")
def big_collection(dashboard: Dashboard, superuser) -> None:
    with dashboard.api(dashboard.superuser_token()) as su:
        su.timeout = 120
        r = su.patch("/api/settings", json={"batch": {"enabled": True, "maxRequests": CHUNK, "timeout": 60}})
        assert r.status_code == 200, r.text
        fields = [
            {"name": "title", "type": "text"},
            {"name": "n", "type": "number"},
            {"name": "created", "type": "autodate", "onCreate": True},
        ]
        r = su.post("/api/collections", json={"name": "bench", "type": "base", "fields": fields})
        assert r.status_code == 200, r.text
        for start in range(0, RECORDS, CHUNK):
            requests = [
                {
                    "method": "POST",
                    "url": "/api/collections/bench/records",
                    "body": {"title": f"row {i}", "n": i},
                }
                for i in range(start, start + CHUNK)
            ]
            r = su.post("/api/batch", json={"requests": requests})
            assert r.status_code == 200, r.text[:500]
        assert su.get("/api/collections/bench/records", params={"perPage": 1}).json()["totalItems"] == RECORDS


def test_first_page_of_ten_thousand_records_is_visible_in_under_a_second(
    signed_in, dashboard: Dashboard, big_collection, record_property
):
    page = signed_in
    expect(page.get_by_role("heading", name="Collections /")).to_be_visible()
    page.goto(f"{dashboard.url}/_/#/logs")  # away from the collections screen, assets cached
    expect(page.get_by_role("navigation", name="Collections")).to_be_hidden()
    started = time.perf_counter()
    page.goto(f"{dashboard.url}/_/#/collections?collection=bench")
    expect(page.locator(".record-row")).to_have_count(40)
    elapsed = time.perf_counter() - started
    record_property("first_page_seconds", round(elapsed, 3))
    print(f"\nfirst page of {RECORDS} records visible after {elapsed * 1000:.0f} ms")
    # the rows are usable: the next page comes, and the total arrives on its own
    expect(page.get_by_text(f"Total found: {RECORDS}")).to_be_visible()
    page.get_by_role("button", name="Next page").click()
    expect(page.get_by_text("Page 2 of 250")).to_be_visible()
    assert elapsed < BUDGET_S, f"first page took {elapsed:.2f} s"
