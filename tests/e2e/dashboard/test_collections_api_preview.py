"""The Collections screen's developer aids: the API preview of a collection (SDK call, REST
request, rule, parameters and response for each action), the relations overview (outgoing and
incoming relations) and the coloured syntax of the API rules editor."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.dashboard.conftest import Dashboard

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shelf(dashboard: Dashboard, superuser) -> None:
    """writers <- books (relation writer, plus a self relation `sequel`), and an auth collection
    `members` with OTP on, all through the API."""
    with dashboard.api(dashboard.superuser_token()) as su:
        writers = su.post(
            "/api/collections",
            json={
                "name": "writers",
                "type": "base",
                "listRule": "",
                "fields": [{"name": "name", "type": "text"}],
            },
        )
        assert writers.status_code == 200, writers.text
        books = su.post(
            "/api/collections",
            json={
                "name": "books",
                "type": "base",
                "listRule": 'writer.name != ""',
                "viewRule": "",
                "fields": [
                    {"name": "title", "type": "text", "required": True},
                    {"name": "pages", "type": "number"},
                    {
                        "name": "writer",
                        "type": "relation",
                        "collectionId": writers.json()["id"],
                        "maxSelect": 1,
                    },
                ],
            },
        )
        assert books.status_code == 200, books.text
        sequel = {"name": "sequel", "type": "relation", "collectionId": books.json()["id"], "maxSelect": 1}
        r = su.patch("/api/collections/books", json={"fields": [*books.json()["fields"], sequel]})
        assert r.status_code == 200, r.text
        r = su.post(
            "/api/collections",
            json={
                "name": "members",
                "type": "auth",
                "otp": {"enabled": True},
                "fields": [{"name": "nick", "type": "text"}],
            },
        )
        assert r.status_code == 200, r.text


def open_collection(page, dashboard: Dashboard, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{dashboard.url}/_/#/collections?collection={name}")
    expect(page.get_by_role("heading", name=f"Collections / {name}", exact=True)).to_be_visible()


def test_the_api_preview_shows_each_action_from_the_live_schema(signed_in, dashboard: Dashboard, shelf):
    page = signed_in
    open_collection(page, dashboard, "books")
    page.get_by_role("button", name="API Preview").click()
    dialog = page.get_by_role("dialog", name="API Preview: books")
    expect(dialog.get_by_role("tab", name="List/Search")).to_have_attribute("aria-selected", "true")
    panel = dialog.get_by_role("tabpanel")
    expect(panel.get_by_role("region", name="JavaScript SDK")).to_contain_text(
        'pb.collection("books").getList(1, 50, {'
    )
    expect(panel.get_by_role("region", name="JavaScript SDK")).to_contain_text("filter: 'title ~ \"abc\"'")
    expect(panel.get_by_role("region", name="REST request")).to_contain_text(
        "GET /api/collections/books/records"
    )
    expect(panel.get_by_role("region", name="REST request")).to_contain_text('listRule: writer.name != ""')
    query = panel.get_by_role("table", name="Query parameters")
    expect(query.get_by_role("row", name=re.compile("^filter String"))).to_be_visible()
    expect(panel.get_by_role("region", name="Response")).to_contain_text('"totalItems"')
    expect(panel.get_by_role("region", name="Response")).to_contain_text('"writer": "RECORD_ID"')

    dialog.get_by_role("tab", name="Create").click()
    panel = dialog.get_by_role("tabpanel")
    expect(panel.get_by_role("region", name="JavaScript SDK")).to_contain_text(
        'pb.collection("books").create(data)'
    )
    expect(panel.get_by_role("region", name="REST request")).to_contain_text(
        "POST /api/collections/books/records"
    )
    expect(panel.get_by_role("region", name="REST request")).to_contain_text("createRule: Superusers only")
    body = panel.get_by_role("table", name="Body parameters")
    expect(body.get_by_role("row", name=re.compile("^title String Required"))).to_be_visible()
    expect(body.get_by_role("row", name=re.compile("^pages Number Optional"))).to_be_visible()
    expect(body.get_by_role("row", name=re.compile("^writer String Optional Id of a record"))).to_be_visible()
    expect(body.get_by_role("row", name=re.compile("^created"))).to_have_count(0)  # set by the server

    dialog.get_by_role("tab", name="Delete").click()
    expect(dialog.get_by_role("tabpanel")).to_contain_text("DELETE /api/collections/books/records/:id")
    expect(dialog.get_by_role("tabpanel").get_by_role("region", name="Response")).to_contain_text(
        "204 No Content"
    )
    dialog.get_by_role("tab", name="Realtime").click()
    expect(dialog.get_by_role("tabpanel")).to_contain_text(
        'pb.collection("books").subscribe("*", function (e) {'
    )
    expect(dialog.get_by_role("tabpanel")).to_contain_text('listRule (for "*"): writer.name != ""')
    expect(dialog.get_by_role("tabpanel")).to_contain_text("viewRule (for one record): Everyone (empty rule)")
    expect(dialog.get_by_role("tab", name="Auth with password")).to_have_count(0)  # not an auth collection
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # an auth collection adds its sign-in actions: those it has turned on
    open_collection(page, dashboard, "members")
    page.get_by_role("button", name="API Preview").click()
    dialog = page.get_by_role("dialog", name="API Preview: members")
    dialog.get_by_role("tab", name="Update").click()
    expect(dialog.get_by_role("tabpanel")).to_contain_text("manageRule (to change another record's email")
    body = dialog.get_by_role("tabpanel").get_by_role("table", name="Body parameters")
    expect(body.get_by_role("row", name=re.compile("^oldPassword String Optional"))).to_be_visible()
    dialog.get_by_role("tab", name="Auth with password").click()
    panel = dialog.get_by_role("tabpanel")
    expect(panel).to_contain_text('pb.collection("members").authWithPassword(')
    expect(panel).to_contain_text("POST /api/collections/members/auth-with-password")
    expect(
        panel.get_by_role("table", name="Body parameters").get_by_role("row", name=re.compile("^identity"))
    ).to_be_visible()
    expect(panel.get_by_role("region", name="Response")).to_contain_text('"token"')
    expect(panel.get_by_role("region", name="Response")).to_contain_text('"nick": "test"')
    expect(panel.get_by_role("region", name="Response")).not_to_contain_text('"password"')
    dialog.get_by_role("tab", name="Auth with OTP").click()
    expect(dialog.get_by_role("tabpanel")).to_contain_text(
        'pb.collection("members").authWithOTP(result.otpId, "YOUR_OTP")'
    )
    expect(dialog.get_by_role("tab", name="Auth with OAuth2")).to_have_count(0)  # OAuth2 is off
    dialog.get_by_role("tab", name="Request password reset").click()
    expect(dialog.get_by_role("tabpanel")).to_contain_text(
        "POST /api/collections/members/request-password-reset"
    )


def test_the_relations_overview_lists_outgoing_and_incoming_relations(signed_in, dashboard: Dashboard, shelf):
    page = signed_in
    page.get_by_role("navigation", name="Collections").get_by_role("link", name="Relations overview").click()
    expect(page.get_by_role("heading", name="Collections / Relations overview")).to_be_visible()
    table = page.get_by_role("table", name="Relations of every collection")
    books = table.get_by_role("row", name=re.compile("^books"))
    expect(books.get_by_role("cell").nth(0)).to_have_text(re.compile(r"writer → writers \(single\)"))
    expect(books.get_by_role("cell").nth(0)).to_contain_text("sequel → books")
    expect(books.get_by_role("cell").nth(1)).to_have_text("books.sequel as books_via_sequel")
    writers = table.get_by_role("row", name=re.compile("^writers"))
    expect(writers.get_by_role("cell").nth(0)).to_have_text("None")
    expect(writers.get_by_role("cell").nth(1)).to_have_text("books.writer as books_via_writer")
    expect(
        page.get_by_role("img", name=re.compile("Relations diagram: .*books.writer to writers"))
    ).to_be_visible()

    link = writers.get_by_role("link", name="writers")
    expect(link).to_have_attribute("href", "#/collections?collection=writers")
    # opened by its address: under a loaded machine a click here once left the screen without a
    # collection heading for 10 s (1 suite run in about 6), perhaps a click that missed while the
    # diagram above moved the table; not confirmed
    page.goto(f"{dashboard.url}/_/{link.get_attribute('href')}")
    expect(page.get_by_role("heading", name="Collections / writers", exact=True)).to_be_visible()


def test_the_rules_editor_colours_the_syntax_and_keeps_autocomplete(signed_in, dashboard: Dashboard, shelf):
    page = signed_in
    open_collection(page, dashboard, "books")
    page.get_by_role("button", name="Edit collection").click()
    dialog = page.get_by_role("dialog", name="Edit collection")
    dialog.get_by_role("tab", name="API Rules").click()
    box = dialog.locator(".rule").filter(has=page.get_by_label("Create rule", exact=True))
    box.get_by_role("button", name="Unlock and set custom rule").click()
    area = page.get_by_label("Create rule", exact=True)
    area.type("@request.a")
    expect(page.get_by_role("option", name="@request.auth.", exact=True)).to_be_visible()
    area.press("Enter")  # autocomplete still completes the word under the caret
    area.type("id != \"\" && writer.name:lower ~ 'ann' && pages > 100")
    expect(area).to_have_value("@request.auth.id != \"\" && writer.name:lower ~ 'ann' && pages > 100")

    shown = box.locator(".code-highlight")
    expect(shown).to_have_text("@request.auth.id != \"\" && writer.name:lower ~ 'ann' && pages > 100")
    expect(shown.locator(".tok-macro")).to_have_text(["@request.auth.id"])
    expect(shown.locator(".tok-field")).to_have_text(["writer.name", "pages"])
    expect(shown.locator(".tok-modifier")).to_have_text([":lower"])
    expect(shown.locator(".tok-operator")).to_have_text(["!=", "&&", "~", "&&", ">"])
    expect(shown.locator(".tok-string")).to_have_text(['""', "'ann'"])
    expect(shown.locator(".tok-number")).to_have_text(["100"])

    # what the user sees: the textarea's own letters are transparent over distinct colours
    def colour(locator):  # type: ignore[no-untyped-def]
        return locator.evaluate("el => getComputedStyle(el).color")

    assert colour(area) == "rgba(0, 0, 0, 0)"
    kinds = [
        colour(shown.locator(f".tok-{k}").first)
        for k in ("macro", "field", "modifier", "operator", "string", "number")
    ]
    assert len(set(kinds)) == len(kinds), kinds
    # the colours sit under the letters: the overlay and the textarea share one box
    assert area.bounding_box() == shown.bounding_box()


def test_the_records_filter_is_coloured_too_and_still_filters(signed_in, dashboard: Dashboard, shelf):
    page = signed_in
    with dashboard.api(dashboard.superuser_token()) as su:
        for title, pages in (("Short", 80), ("Long", 400)):
            r = su.post("/api/collections/books/records", json={"title": title, "pages": pages})
            assert r.status_code == 200, r.text
    open_collection(page, dashboard, "books")
    search = page.get_by_label("Search term or filter")
    search.fill('pages > 100 && title ~ "o"')
    shown = page.get_by_role("search").locator(".code-highlight")
    expect(shown.locator(".tok-field")).to_have_text(["pages", "title"])
    expect(shown.locator(".tok-number")).to_have_text(["100"])
    expect(shown.locator(".tok-string")).to_have_text(['"o"'])
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("Total found: 1")).to_be_visible()
    expect(page.get_by_role("cell", name="Long")).to_be_visible()
