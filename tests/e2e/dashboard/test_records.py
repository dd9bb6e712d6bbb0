"""The records screen in the browser: records added through the editor (a file and a relation
included), the table filtered with the autocompleting filter bar and sorted by a relation's
display field, a bulk edit, a CSV export imported back with a bad row reported, draft restore,
Ctrl+S, duplicate, delete, and an auth record's verify / impersonate actions."""

from __future__ import annotations

import csv
import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.dashboard.conftest import Dashboard

pytestmark = pytest.mark.e2e


def png(width: int = 4, height: int = 4) -> bytes:
    """A small valid RGB PNG (the server makes thumbnails of it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xc0\x40\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def shelf(dashboard: Dashboard, superuser) -> dict[str, str]:
    """authors <- books (title required, a cover file, a relation, tags, a date), two authors,
    made through the API; the journeys add the books."""
    with dashboard.api(dashboard.superuser_token()) as su:
        authors = su.post(
            "/api/collections",
            json={
                "name": "authors",
                "type": "base",
                "fields": [{"name": "name", "type": "text", "presentable": True}],
            },
        ).json()
        fields = [
            {"name": "title", "type": "text", "required": True},
            {"name": "pages", "type": "number"},
            {"name": "published", "type": "bool"},
            {"name": "cover", "type": "file", "maxSelect": 1, "maxSize": 1_000_000},
            {"name": "author", "type": "relation", "collectionId": authors["id"], "maxSelect": 1},
            {"name": "tags", "type": "select", "values": ["fiction", "poetry", "essay"], "maxSelect": 3},
            {"name": "released", "type": "date"},
            {"name": "meta", "type": "json"},
            {"name": "created", "type": "autodate", "onCreate": True},
        ]
        r = su.post("/api/collections", json={"name": "books", "type": "base", "fields": fields})
        assert r.status_code == 200, r.text
        ids = {}
        for name in ("Zoe", "Ann", "Bob"):
            ids[name] = su.post("/api/collections/authors/records", json={"name": name}).json()["id"]
        return ids


def books(dashboard: Dashboard, **params: str) -> list[dict]:
    with dashboard.api(dashboard.superuser_token()) as su:
        r = su.get("/api/collections/books/records", params={"perPage": "500", **params})
        assert r.status_code == 200, r.text
        return list(r.json()["items"])


def open_collection(page, dashboard: Dashboard, name: str):  # type: ignore[no-untyped-def]
    # the collections screen first settles on its default collection (it redirects once the list
    # has loaded), then the address of the one wanted is opened
    expect(page.get_by_role("heading", name="Collections /")).to_be_visible()
    page.goto(f"{dashboard.url}/_/#/collections?collection={name}")
    expect(page.get_by_role("heading", name=f"Collections / {name}")).to_be_visible()


def open_books(page, dashboard: Dashboard):  # type: ignore[no-untyped-def]
    open_collection(page, dashboard, "books")


def pick_author(dialog, name: str) -> None:  # type: ignore[no-untyped-def]
    dialog.get_by_label("Search author").fill(name)
    dialog.get_by_role("list", name="author options").get_by_role("button", name=name, exact=True).click()
    expect(dialog.get_by_role("list", name="Selected author")).to_contain_text(name)


def test_add_records_through_the_editor_with_a_file_and_a_relation(signed_in, dashboard: Dashboard, shelf):
    page = signed_in
    open_books(page, dashboard)
    expect(page.get_by_text("No records found.")).to_be_visible()
    page.get_by_role("button", name="New record").click()
    dialog = page.get_by_role("dialog", name="New books record")
    dialog.get_by_label("title", exact=True).fill("Dune")
    dialog.get_by_label("pages", exact=True).fill("412")
    dialog.get_by_label("published", exact=True).check()
    dialog.get_by_label("cover", exact=True).set_input_files(
        {"name": "dune.png", "mimeType": "image/png", "buffer": png()}
    )
    expect(dialog.get_by_text("dune.png")).to_be_visible()
    pick_author(dialog, "Ann")
    dialog.get_by_label("tags", exact=True).select_option(["fiction", "essay"])
    dialog.get_by_label("released", exact=True).fill("2024-05-01T10:20:30")
    dialog.get_by_label("meta", exact=True).fill('{"isbn": "x1"')
    expect(dialog.get_by_text(re.compile("Invalid JSON"))).to_be_visible()
    dialog.get_by_label("meta", exact=True).fill('{"isbn": "x1"}')
    dialog.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("dialog")).to_be_hidden()

    row = page.locator(".record-row").filter(has_text="Dune")
    expect(row).to_contain_text("Ann")  # the relation's display field, not its id
    thumb = row.get_by_role("img")
    expect(thumb).to_have_attribute("src", re.compile(r"thumb=100x100"))
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())

    [dune] = books(dashboard)
    assert dune["author"] == shelf["Ann"] and dune["pages"] == 412 and dune["published"] is True
    assert re.fullmatch(r"dune_\w+\.png", dune["cover"]), dune["cover"]
    assert dune["tags"] == ["fiction", "essay"] and dune["meta"] == {"isbn": "x1"}
    assert dune["released"] == "2024-05-01 10:20:30.000Z"

    # a second one, saved with Ctrl+S; a missing title is refused with the server's message
    page.get_by_role("button", name="New record").click()
    dialog = page.get_by_role("dialog", name="New books record")
    pick_author(dialog, "Zoe")
    dialog.get_by_label("pages", exact=True).press("Control+s")
    expect(dialog.get_by_text("Cannot be blank.")).to_be_visible()
    dialog.get_by_label("title", exact=True).fill("Emma")
    dialog.get_by_label("pages", exact=True).fill("90")
    dialog.get_by_label("title", exact=True).press("Control+s")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.locator(".record-row")).to_have_count(2)
    expect(page.get_by_text("Total found: 2")).to_be_visible()


def test_filter_with_autocomplete_and_sort_by_a_relation(signed_in, dashboard: Dashboard, shelf):
    page = signed_in
    with dashboard.api(dashboard.superuser_token()) as su:
        for title, pages, author in (("Ark", 300, "Bob"), ("Bay", 50, "Zoe"), ("Cat", 700, "Ann")):
            body = {"title": title, "pages": pages, "author": shelf[author]}
            assert su.post("/api/collections/books/records", json=body).status_code == 200
    open_books(page, dashboard)
    box = page.get_by_label("Search term or filter")
    box.click()
    box.type("pag")
    page.get_by_role("option", name="pages", exact=True).click()
    box.type(" ")
    expect(page.get_by_role("option", name=">=", exact=True)).to_be_visible()  # the operators after a field
    page.get_by_role("option", name=">", exact=True).click()
    box.type("200")
    box.press("Enter")
    rows = page.locator(".record-row")
    expect(rows).to_have_count(3)  # Dune 412, Ark 300, Cat 700
    expect(page.get_by_text("Total found: 3")).to_be_visible()

    page.get_by_role("button", name="Sort by author").click()  # by the author's name
    expect(rows.nth(0)).to_contain_text("Ann")
    expect(rows.nth(2)).to_contain_text("Bob")
    page.get_by_role("button", name="Sort by author").click()
    expect(rows.nth(0)).to_contain_text("Bob")
    page.get_by_role("button", name="Sort by pages").click()
    expect(rows.nth(0)).to_contain_text("Ark")

    # the filter is remembered: an empty box offers it back
    page.get_by_role("button", name="Clear").click()
    expect(rows).to_have_count(5)
    box.click()
    expect(page.get_by_role("option", name="pages > 200", exact=True)).to_be_visible()

    # a hidden column stays hidden after a reload
    page.get_by_text("Columns").click()
    page.get_by_role("group", name="Toggle columns").get_by_label("meta").uncheck()
    expect(page.get_by_role("button", name="Sort by meta")).to_be_hidden()
    page.reload()
    expect(page.get_by_role("button", name="Sort by title")).to_be_visible()
    expect(page.get_by_role("button", name="Sort by meta")).to_be_hidden()


def test_bulk_update_one_field_of_the_selected_records(signed_in, dashboard: Dashboard, shelf):
    page = signed_in
    open_books(page, dashboard)
    for title in ("Ark", "Bay"):
        page.locator(".record-row").filter(has_text=title).get_by_role("checkbox").check()
    expect(page.get_by_text("Selected 2 records")).to_be_visible()
    page.get_by_role("button", name="Bulk update").click()
    dialog = page.get_by_role("dialog", name="Bulk update 2 records")
    dialog.get_by_label("Field").select_option("tags")
    dialog.get_by_label("New value").fill("poetry, essay")
    dialog.get_by_role("button", name="Update selected").click()
    expect(page.get_by_text("Successfully updated 2 records.")).to_be_visible()
    by_title = {b["title"]: b for b in books(dashboard)}
    assert by_title["Ark"]["tags"] == ["poetry", "essay"] and by_title["Bay"]["tags"] == ["poetry", "essay"]
    assert by_title["Cat"]["tags"] == []


def test_export_csv_and_import_it_back_with_a_bad_row(signed_in, dashboard: Dashboard, shelf):
    page = signed_in
    open_books(page, dashboard)
    expect(page.locator(".record-row")).to_have_count(5)
    with page.expect_download() as info:
        page.get_by_role("button", name="Export to CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["title"] for r in rows) == ["Ark", "Bay", "Cat", "Dune", "Emma"]
    ark = next(r for r in rows if r["title"] == "Ark")
    assert ark["author"] == shelf["Bob"] and ark["tags"] == '["poetry","essay"]'

    # back in, with one row lacking its required title
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()))
    writer.writeheader()
    writer.writerows(rows[:2] + [{**rows[2], "title": ""}])
    page.get_by_role("button", name="Import").click()
    dialog = page.get_by_role("dialog", name="Import books records")
    dialog.get_by_label("File (CSV or JSON)").set_input_files(
        {"name": "books.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode()}
    )
    expect(dialog.get_by_role("table", name="Preview").locator("tbody tr")).to_have_count(3)
    dialog.get_by_role("button", name="Import 3 records").click()
    expect(dialog.get_by_text("Imported 2 of 3 records.")).to_be_visible()
    errors = dialog.get_by_role("list", name="Import errors")
    expect(errors).to_contain_text("Row 3")
    expect(errors).to_contain_text("title")
    expect(errors).to_contain_text("Cannot be blank.")
    dialog.get_by_role("button", name="Close", exact=True).last.click()
    expect(page.get_by_text("Total found: 7")).to_be_visible()
    copies = [b for b in books(dashboard) if b["title"] == rows[0]["title"]]
    assert (
        len(copies) == 2
        and copies[0]["tags"] == copies[1]["tags"]
        and copies[0]["author"] == copies[1]["author"]
    )


def test_draft_restore_duplicate_and_delete(signed_in, dashboard: Dashboard, shelf):
    page = signed_in
    with dashboard.api(dashboard.superuser_token()) as su:  # a book of its own: no earlier journey needed
        r = su.post("/api/collections/books/records", json={"title": "Persuasion", "author": shelf["Ann"]})
        assert r.status_code == 200, r.text
    open_books(page, dashboard)
    page.locator(".record-row").filter(has_text="Persuasion").first.click()
    dialog = page.get_by_role("dialog", name="Edit books record")
    dialog.get_by_label("title", exact=True).fill("Persuasion (2nd ed.)")
    dialog.get_by_role("button", name="Cancel").click()
    page.locator(".record-row").filter(has_text="Persuasion").first.click()
    expect(dialog.get_by_label("title", exact=True)).to_have_value("Persuasion")
    dialog.get_by_role("button", name="Restore draft").click()
    expect(dialog.get_by_label("title", exact=True)).to_have_value("Persuasion (2nd ed.)")
    dialog.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert [b["title"] for b in books(dashboard, filter='title ~ "Persuasion"')] == ["Persuasion (2nd ed.)"]

    page.locator(".record-row").filter(has_text="Persuasion (2nd ed.)").click()
    dialog.get_by_role("button", name="Duplicate").click()
    copy = page.get_by_role("dialog", name="New books record")
    expect(copy.get_by_label("title", exact=True)).to_have_value("Persuasion (2nd ed.)")
    copy.get_by_role("button", name="Create", exact=True).click()
    expect(page.locator(".record-row").filter(has_text="Persuasion (2nd ed.)")).to_have_count(2)
    copies = books(dashboard, filter='title ~ "Persuasion"')
    assert len(copies) == 2 and all(b["author"] == shelf["Ann"] for b in copies)

    page.locator(".record-row").filter(has_text="Persuasion (2nd ed.)").first.click()
    page.get_by_role("dialog", name="Edit books record").get_by_role("button", name="Delete").click()
    page.get_by_role("dialog", name=re.compile("delete")).get_by_role("button", name="Yes").click()
    expect(page.locator(".record-row").filter(has_text="Persuasion (2nd ed.)")).to_have_count(1)

    # a bulk delete of what the filter shows: one more copy, then nothing is left of it
    page.locator(".record-row").filter(has_text="Persuasion (2nd ed.)").first.click()
    page.get_by_role("dialog", name="Edit books record").get_by_role("button", name="Duplicate").click()
    page.get_by_role("dialog", name="New books record").get_by_role(
        "button", name="Create", exact=True
    ).click()
    expect(page.locator(".record-row").filter(has_text="Persuasion (2nd ed.)")).to_have_count(2)
    page.get_by_label("Search term or filter").fill('title ~ "Persuasion"')
    page.get_by_label("Search term or filter").press("Enter")
    expect(page.locator(".record-row")).to_have_count(2)
    page.get_by_label("Select all").check()
    page.get_by_role("button", name="Delete selected").click()
    page.get_by_role("dialog", name=re.compile("delete")).get_by_role("button", name="Yes").click()
    expect(page.get_by_text("No records found.")).to_be_visible()
    assert not books(dashboard, filter='title ~ "Persuasion"')


def test_auth_record_verify_and_impersonate(signed_in, dashboard: Dashboard, superuser):
    page = signed_in
    open_collection(page, dashboard, "users")
    page.get_by_role("button", name="New record").click()
    dialog = page.get_by_role("dialog", name="New users record")
    dialog.get_by_label("email", exact=True).fill("reader@example.com")
    dialog.get_by_label("Password", exact=True).fill("secret-pass-1")
    dialog.get_by_label("Password confirm").fill("secret-pass-1")
    dialog.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("dialog")).to_be_hidden()

    page.locator(".record-row").filter(has_text="reader@example.com").click()
    dialog = page.get_by_role("dialog", name="Edit users record")
    dialog.get_by_role("button", name="Mark as verified").click()
    expect(dialog.get_by_role("button", name="Mark as unverified")).to_be_visible()
    dialog.get_by_role("button", name="Impersonate").click()
    token = dialog.get_by_label("Impersonate auth token").input_value()
    with dashboard.api(token) as as_user:
        r = as_user.get("/api/collections/users/records")
        assert r.status_code == 200, r.text
        [me] = r.json()["items"]
        assert me["email"] == "reader@example.com" and me["verified"] is True
