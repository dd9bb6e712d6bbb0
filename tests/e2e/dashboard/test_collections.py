"""Building a schema in the browser: two collections joined by a relation, with rules written in
the rules editor (autocomplete included); then a rule change that a guest notices through the API,
a rename confirmed in the destructive-changes dialog, duplicate, truncate and delete."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.dashboard.conftest import Dashboard

pytestmark = pytest.mark.e2e


def rule(page, label):  # type: ignore[no-untyped-def]
    """The box of one rule editor (its textarea and its superusers-only switch)."""
    return page.locator(".rule").filter(has=page.get_by_label(label, exact=True))


def add_field(page, type_label, name):  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="New field").click()
    page.get_by_role("button", name=type_label, exact=True).click()
    page.get_by_label("Field name").and_(page.locator(":focus")).fill(name)  # the new field's name is focused


def open_editor(page, dashboard: Dashboard, collection: str):  # type: ignore[no-untyped-def]
    page.goto(f"{dashboard.url}/_/#/collections?collection={collection}")
    # the screen may still be settling on the collection it opened first: wait for this one
    expect(page.get_by_role("heading", name=f"Collections / {collection}", exact=True)).to_be_visible()
    page.get_by_role("button", name="Edit collection").click()
    return page.get_by_role("dialog", name="Edit collection")


def schema(dashboard: Dashboard, name: str) -> dict:
    with dashboard.api(dashboard.superuser_token()) as c:
        r = c.get(f"/api/collections/{name}")
        assert r.status_code == 200, r.text
        return r.json()


def test_build_a_two_collection_schema_with_a_relation_and_rules(signed_in, dashboard: Dashboard):
    page = signed_in
    page.get_by_role("button", name="New collection").click()
    dialog = page.get_by_role("dialog", name="New collection")
    dialog.get_by_label("Name", exact=True).fill("authors")
    add_field(page, "Plain text", "name")
    dialog.get_by_role("tab", name="API Rules").click()
    for label in ("List/Search rule", "View rule"):
        rule(page, label).get_by_role("button", name="Unlock and set custom rule").click()
    dialog.get_by_role("button", name="Create", exact=True).click()
    expect(
        page.get_by_role("navigation", name="Collections").get_by_role("link", name="authors")
    ).to_be_visible()

    page.get_by_role("button", name="New collection").click()
    dialog = page.get_by_role("dialog", name="New collection")
    dialog.get_by_label("Name", exact=True).fill("posts")
    add_field(page, "Plain text", "title")
    add_field(page, "Relation", "author")
    dialog.get_by_label("Collection", exact=True).select_option(label="authors")
    dialog.get_by_role("tab", name="API Rules").click()
    rule(page, "List/Search rule").get_by_role("button", name="Unlock and set custom rule").click()
    box = page.get_by_label("List/Search rule", exact=True)
    box.type("autho")
    expect(page.get_by_role("option", name="author.name", exact=True)).to_be_visible()  # a relation's fields
    page.get_by_role("option", name="author.name", exact=True).click()
    box.press("End")
    box.type(' != "" && @request.a')
    expect(page.get_by_role("option", name="@request.auth.", exact=True)).to_be_visible()
    box.press("Escape")
    box.type('uth.id = "" || @collection.auth')
    expect(page.get_by_role("option", name="@collection.authors.", exact=True)).to_be_visible()
    box.press("Escape")
    box.press("Control+a")
    box.type('author.name != ""')
    rule(page, "View rule").get_by_role("button", name="Unlock and set custom rule").click()
    dialog.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("heading", name="Collections / posts")).to_be_visible()

    posts, authors = schema(dashboard, "posts"), schema(dashboard, "authors")
    author = next(f for f in posts["fields"] if f["name"] == "author")
    assert author["type"] == "relation" and author["collectionId"] == authors["id"]
    assert posts["listRule"] == 'author.name != ""' and posts["viewRule"] == ""
    assert posts["createRule"] is None and authors["listRule"] == ""
    assert [f["name"] for f in authors["fields"]] == ["id", "name", "created", "updated"]


@pytest.fixture(scope="module")
def library(dashboard: Dashboard, superuser) -> None:
    """writers <- books (relation), open to guests, with a record each, made through the API so
    the journeys below do not depend on the one above (or on running in one process)."""
    with dashboard.api(dashboard.superuser_token()) as su:
        fields = [{"name": "name", "type": "text"}, {"name": "bio", "type": "text"}]
        writers = su.post(
            "/api/collections",
            json={"name": "writers", "type": "base", "listRule": "", "viewRule": "", "fields": fields},
        ).json()
        relation = {"name": "writer", "type": "relation", "collectionId": writers["id"], "maxSelect": 1}
        r = su.post(
            "/api/collections",
            json={
                "name": "books",
                "type": "base",
                "listRule": 'writer.name != ""',
                "viewRule": "",
                "fields": [{"name": "title", "type": "text"}, relation],
            },
        )
        assert r.status_code == 200, r.text
        ann = su.post("/api/collections/writers/records", json={"name": "Ann", "bio": "Writes."}).json()
        r = su.post("/api/collections/books/records", json={"title": "Hello", "writer": ann["id"]})
        assert r.status_code == 200, r.text


def test_a_rule_change_takes_access_away_from_guests(signed_in, dashboard: Dashboard, library):
    page = signed_in
    with dashboard.api() as guest:
        assert guest.get("/api/collections/books/records").json()["totalItems"] == 1

    dialog = open_editor(page, dashboard, "books")
    dialog.get_by_role("tab", name="API Rules").click()
    rule(page, "List/Search rule").get_by_role("button", name="Set superusers only").click()
    expect(page.get_by_label("List/Search rule", exact=True)).to_be_disabled()
    dialog.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("dialog", name="Edit collection")).to_be_hidden()

    with dashboard.api() as guest:
        r = guest.get("/api/collections/books/records")
        assert r.status_code == 403, r.text
        assert r.json()["message"] == "Only superusers can perform this action."
    assert schema(dashboard, "books")["listRule"] is None


def test_rename_and_remove_fields_after_confirming_the_destructive_changes(
    signed_in, dashboard: Dashboard, library
):
    page = signed_in
    dialog = open_editor(page, dashboard, "writers")
    add_field(page, "Number", "age")
    dialog.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("dialog", name="Edit collection")).to_be_hidden()
    assert "age" in [f["name"] for f in schema(dashboard, "writers")["fields"]]

    dialog = open_editor(page, dashboard, "writers")
    dialog.get_by_label("Field name").nth(2).fill("about")
    dialog.get_by_role("button", name="Remove age").click()
    dialog.get_by_role("button", name="Save changes").click()
    confirm = page.get_by_role("dialog", name="Confirm collection changes")
    expect(confirm.get_by_text('Renamed field "bio" to "about"')).to_be_visible()
    expect(confirm.get_by_text('Deleted field "age"')).to_be_visible()
    confirm.get_by_role("button", name="No").click()  # nothing saved; the editor stays open
    assert "age" in [f["name"] for f in schema(dashboard, "writers")["fields"]]
    dialog.get_by_role("button", name="Save changes").click()
    page.get_by_role("dialog", name="Confirm collection changes").get_by_role(
        "button", name="Confirm"
    ).click()
    expect(page.get_by_role("dialog", name="Edit collection")).to_be_hidden()
    names = [f["name"] for f in schema(dashboard, "writers")["fields"]]
    assert "about" in names and "bio" not in names and "age" not in names
    with dashboard.api(dashboard.superuser_token()) as su:  # the renamed column kept its data
        assert su.get("/api/collections/writers/records").json()["items"][0]["about"] == "Writes."


def test_duplicate_truncate_and_delete(signed_in, dashboard: Dashboard, library):
    page = signed_in
    dialog = open_editor(page, dashboard, "writers")
    dialog.get_by_role("button", name="Duplicate").click()
    dialog = page.get_by_role("dialog", name="New collection")
    expect(dialog.get_by_label("Name", exact=True)).to_have_value("writers_duplicate")
    dialog.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("heading", name="Collections / writers_duplicate")).to_be_visible()
    copy = schema(dashboard, "writers_duplicate")
    assert [f["name"] for f in copy["fields"]] == [f["name"] for f in schema(dashboard, "writers")["fields"]]

    dialog = open_editor(page, dashboard, "books")
    dialog.get_by_role("button", name="Truncate").click()
    page.get_by_role("dialog", name="Truncate collection").get_by_role("button", name="Truncate").click()
    expect(page.get_by_text('Successfully truncated collection "books".')).to_be_visible()
    with dashboard.api(dashboard.superuser_token()) as su:
        assert su.get("/api/collections/books/records").json()["totalItems"] == 0

    page.keyboard.press("Escape")
    dialog = open_editor(page, dashboard, "writers_duplicate")
    dialog.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog", name="Delete collection").get_by_role("button", name="Delete").click()
    expect(
        page.get_by_role("navigation", name="Collections").get_by_role("link", name="writers_duplicate")
    ).to_be_hidden()
    with dashboard.api(dashboard.superuser_token()) as su:
        assert su.get("/api/collections/writers_duplicate").status_code == 404


TYPES = [
    ("Plain text", "text"),
    ("Rich editor", "editor"),
    ("Number", "number"),
    ("Bool", "bool"),
    ("Email", "email"),
    ("URL", "url"),
    ("DateTime", "date"),
    ("Autodate", "autodate"),
    ("Select", "select"),
    ("File", "file"),
    ("Relation", "relation"),
    ("JSON", "json"),
    ("Geo Point", "geoPoint"),
    ("Password", "password"),
]


def test_every_field_type_with_its_options(signed_in, dashboard: Dashboard, library):
    page = signed_in
    page.get_by_role("button", name="New collection").click()
    dialog = page.get_by_role("dialog", name="New collection")
    dialog.get_by_label("Name", exact=True).fill("kitchen")
    for label, type_ in TYPES:
        add_field(page, label, "f_" + type_)
    cards = dialog.get_by_role("list", name="Fields").get_by_role("listitem")

    def card(type_: str):  # type: ignore[no-untyped-def]
        return cards.nth([t for _, t in TYPES].index(type_))  # a new collection lists no id field

    card("text").get_by_label("Validation pattern").fill("^[a-z]+$")
    card("text").get_by_label("Nonempty").check()
    card("number").get_by_label("No decimals").check()
    card("number").get_by_label("Min", exact=True).fill("1")
    card("email").get_by_label("Only domains").fill("example.com, example.org")
    card("autodate").get_by_label("Update").check()
    card("select").get_by_label("Choices").fill("draft, published")
    card("select").get_by_label("Multiple").check()
    card("file").get_by_label("Protected").check()
    card("file").get_by_label("Allowed mime types").fill("image/png")
    card("relation").get_by_label("Collection", exact=True).select_option(label="writers")
    card("relation").get_by_label("Cascade delete").check()
    card("json").get_by_label("Max size (bytes)").fill("2000")
    card("password").get_by_label("Min length").fill("10")
    card("geoPoint").get_by_label("Hidden").check()
    # reorder from the keyboard: Bool goes above Number
    card("bool").get_by_role("button", name="Move f_bool up").click()
    dialog.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("heading", name="Collections / kitchen")).to_be_visible()

    got = {f["name"]: f for f in schema(dashboard, "kitchen")["fields"]}
    names = list(got)
    assert names.index("f_bool") < names.index("f_number")
    assert {got["f_" + t]["type"] for _, t in TYPES} == {t for _, t in TYPES}
    assert got["f_text"]["pattern"] == "^[a-z]+$" and got["f_text"]["required"] is True
    assert got["f_number"]["onlyInt"] is True and got["f_number"]["min"] == 1
    assert got["f_email"]["onlyDomains"] == ["example.com", "example.org"]
    assert got["f_autodate"]["onCreate"] is True and got["f_autodate"]["onUpdate"] is True
    assert got["f_select"]["values"] == ["draft", "published"] and got["f_select"]["maxSelect"] == 2
    assert got["f_file"]["protected"] is True and got["f_file"]["mimeTypes"] == ["image/png"]
    assert got["f_relation"]["collectionId"] == schema(dashboard, "writers")["id"]
    assert got["f_relation"]["cascadeDelete"] is True
    assert got["f_json"]["maxSize"] == 2000 and got["f_password"]["min"] == 10
    assert got["f_geoPoint"]["hidden"] is True


def test_a_view_collection_from_its_query(signed_in, dashboard: Dashboard, library):
    page = signed_in
    page.get_by_role("button", name="New collection").click()
    dialog = page.get_by_role("dialog", name="New collection")
    dialog.get_by_label("Name", exact=True).fill("writer_names")
    dialog.get_by_label("Type").select_option(label="View")
    dialog.get_by_role("tab", name="Query").click()
    dialog.get_by_label("Select query").fill("SELECT id, name FROM writers")
    dialog.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("heading", name="Collections / writer_names")).to_be_visible()
    view = schema(dashboard, "writer_names")
    assert view["type"] == "view" and [f["name"] for f in view["fields"]] == ["id", "name"]
    # a bad query is refused with the server's message, and nothing is created
    page.get_by_role("button", name="New collection").click()
    dialog = page.get_by_role("dialog", name="New collection")
    dialog.get_by_label("Name", exact=True).fill("broken_view")
    dialog.get_by_label("Type").select_option(label="View")
    dialog.get_by_label("Select query").fill("SELECT nope FROM nowhere")
    dialog.get_by_role("button", name="Create", exact=True).click()
    expect(dialog.get_by_text("Invalid query")).to_be_visible()  # shown under the query box
    with dashboard.api(dashboard.superuser_token()) as su:
        assert su.get("/api/collections/broken_view").status_code == 404


def test_sidebar_search_pins_system_group_and_dialog_focus(signed_in, dashboard: Dashboard, library):
    page = signed_in
    sidebar = page.get_by_role("navigation", name="Collections")
    expect(sidebar.get_by_role("link", name="_superusers")).to_be_hidden()  # the System group starts closed
    sidebar.get_by_role("button", name="System").click()
    expect(sidebar.get_by_role("link", name="_superusers")).to_be_visible()
    sidebar.get_by_label("Search collections").fill("writ")
    expect(sidebar.get_by_role("link", name="writers")).to_be_visible()
    expect(sidebar.get_by_role("link", name="books")).to_be_hidden()
    sidebar.get_by_label("Search collections").fill("")
    sidebar.get_by_role("button", name="Pin books").click()
    expect(sidebar.get_by_text("Pinned")).to_be_visible()
    page.reload()  # pins are kept by the browser
    expect(sidebar.get_by_role("button", name="Unpin books")).to_have_attribute("aria-pressed", "true")

    # the dialog takes focus, Escape closes it, focus returns to the button that opened it
    new = sidebar.get_by_role("button", name="New collection")
    new.click()
    dialog = page.get_by_role("dialog", name="New collection")
    expect(dialog.get_by_label("Name", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(new).to_be_focused()

    # Ctrl+S saves the editor
    dialog = open_editor(page, dashboard, "books")
    dialog.get_by_role("tab", name="API Rules").click()
    rule(page, "Create rule").get_by_role("button", name="Unlock and set custom rule").click()
    page.get_by_label("Create rule", exact=True).fill('@request.auth.id != ""')
    page.keyboard.press("Control+s")
    expect(dialog).to_be_hidden()
    assert schema(dashboard, "books")["createRule"] == '@request.auth.id != ""'


def test_auth_options_and_rule_autocomplete_from_the_keyboard(signed_in, dashboard: Dashboard):
    page = signed_in
    page.get_by_role("button", name="New collection").click()
    dialog = page.get_by_role("dialog", name="New collection")
    dialog.get_by_label("Name", exact=True).fill("members")
    dialog.get_by_label("Type").select_option(label="Auth")
    dialog.get_by_role("tab", name="Options").click()
    otp = dialog.locator("section").filter(has_text="One-time password (OTP)")
    otp.get_by_label("Enable").check()
    otp.get_by_label("Duration (in seconds)").fill("300")
    dialog.get_by_role("tab", name="API Rules").click()
    rule(page, "View rule").get_by_role("button", name="Unlock and set custom rule").click()
    box = page.get_by_label("View rule", exact=True)
    box.type("@request.auth.i")
    expect(page.get_by_role("option", name="@request.auth.id", exact=True)).to_be_visible()
    box.press("Enter")  # takes the highlighted suggestion
    box.type(" = id")
    dialog.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("heading", name="Collections / members")).to_be_visible()
    members = schema(dashboard, "members")
    assert members["type"] == "auth" and members["viewRule"] == "@request.auth.id = id"
    assert members["otp"]["enabled"] is True and members["otp"]["duration"] == 300
    assert {"email", "password", "tokenKey", "verified"} <= {f["name"] for f in members["fields"]}


def test_a_unique_index_from_the_indexes_editor(signed_in, dashboard: Dashboard, library):
    page = signed_in
    dialog = open_editor(page, dashboard, "writers")
    dialog.get_by_role("button", name="New index").click()
    index = page.get_by_role("dialog", name="Create index")
    index.get_by_label("Unique").check()
    index.get_by_label("name", exact=True).check()
    expect(index.get_by_label("Index statement")).to_have_value(
        re.compile(r"^CREATE UNIQUE INDEX `idx_writers_\w+` ON `writers` \(`name`\)$")
    )
    index.get_by_role("button", name="Set index").click()
    dialog.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("dialog", name="Edit collection")).to_be_hidden()
    indexes = schema(dashboard, "writers")["indexes"]
    assert any("UNIQUE" in sql and "`name`" in sql for sql in indexes), indexes
    with dashboard.api(dashboard.superuser_token()) as su:  # the index is real: a second "Ann" is refused
        r = su.post("/api/collections/writers/records", json={"name": "Ann"})
        assert r.status_code == 400 and r.json()["data"]["name"]["code"] == "validation_not_unique"
