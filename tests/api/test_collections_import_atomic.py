"""`PUT /api/collections/import` is one database transaction: an import that fails at its last
collection, after creating, altering and deleting others, leaves the database schema (tables,
columns, indexes, views), every row and every stored file exactly as they were, on SQLite and
PostgreSQL alike; and what other instances and hooks would see waits for the commit."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from roost.core.app import App
from tests.conftest import engine
from tests.helpers import make_collection

pytestmark = pytest.mark.anyio


async def database_state(app: App) -> dict[str, Any]:
    """The schema as the engine describes it, and every row of every table."""
    db = app.db
    if engine() == "sqlite":
        schema = await db.fetch_all(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        tables = [r[1] for r in schema if r[0] == "table"]
    else:
        columns = await db.fetch_all(
            "SELECT table_name, column_name, data_type, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = current_schema() "
            "ORDER BY table_name, ordinal_position"
        )
        indexes = await db.fetch_all(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname"
        )
        views = await db.fetch_all(
            "SELECT table_name, view_definition FROM information_schema.views "
            "WHERE table_schema = current_schema() ORDER BY table_name"
        )
        schema = [*columns, *indexes, *views]
        tables = [
            r[0]
            for r in await db.fetch_all(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                "AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        ]
    q = app.dialect.quote
    rows = {t: [tuple(r) for r in await db.fetch_all(f"SELECT * FROM {q(t)} ORDER BY 1")] for t in tables}
    rows.pop("_logs", None)  # the request log (PostgreSQL keeps it in this database) grows meanwhile
    return {"schema": [tuple(r) for r in schema], "rows": rows}


async def api_state(client: httpx.AsyncClient, su: dict[str, str]) -> Any:
    r = await client.get("/api/collections", params={"perPage": 200}, headers=su)
    return r.json()["items"]


async def export(client: httpx.AsyncClient, su: dict[str, str], name: str) -> dict[str, Any]:
    body: dict[str, Any] = (await client.get(f"/api/collections/{name}", headers=su)).json()
    return body


async def test_an_import_failing_at_its_last_collection_changes_nothing(app: App, client, su) -> None:
    await make_collection(
        client, su, {"name": "authors", "listRule": "", "fields": [{"name": "name", "type": "text"}]}
    )
    authors = await export(client, su, "authors")
    books = await make_collection(
        client,
        su,
        {
            "name": "books",
            "fields": [
                {"name": "title", "type": "text"},
                {"name": "author", "type": "relation", "collectionId": authors["id"], "maxSelect": 1},
            ],
        },
    )
    ann = (await client.post("/api/collections/authors/records", json={"name": "Ann"}, headers=su)).json()
    r = await client.post(
        "/api/collections/books/records", json={"title": "T", "author": ann["id"]}, headers=su
    )
    assert r.status_code == 200
    before_db, before_api = await database_state(app), await api_state(client, su)

    renamed = {
        **authors,
        "fields": [
            *[
                {**f, "name": "fullName"} if f["name"] == "name" else f
                for f in authors["fields"]
                if f["name"] != "created"
            ],
            {"name": "bio", "type": "editor"},
        ],
        "indexes": ["CREATE INDEX idx_authors_fullname ON authors (fullName)"],
    }
    changed_books = {**books, "listRule": 'author.fullName != ""', "viewRule": ""}
    extra = {"name": "extra", "type": "base", "fields": [{"name": "n", "type": "number"}]}
    view = {"name": "book_list", "type": "view", "viewQuery": "SELECT id, title FROM books"}
    broken = {"name": "broken_view", "type": "view", "viewQuery": "SELECT id FROM no_such_table"}
    r = await client.put(
        "/api/collections/import",
        json={"collections": [renamed, changed_books, extra, view, broken]},
        headers=su,
    )
    assert r.status_code == 400, r.text
    assert r.json()["data"]["collections"]["code"] == "validation_collections_import_failure"
    assert '"broken_view"' in r.json()["data"]["collections"]["message"]

    assert await database_state(app) == before_db
    assert await api_state(client, su) == before_api
    record = (await client.get(f"/api/collections/authors/records/{ann['id']}", headers=su)).json()
    assert record["name"] == "Ann" and "fullName" not in record
    assert (await client.get("/api/collections/extra", headers=su)).status_code == 404
    # the database is free again: writes go on, and the same import without its broken part works
    r = await client.post("/api/collections/authors/records", json={"name": "Bo"}, headers=su)
    assert r.status_code == 200
    r = await client.put(
        "/api/collections/import", json={"collections": [renamed, changed_books, extra, view]}, headers=su
    )
    assert r.status_code == 204, r.text
    record = (await client.get(f"/api/collections/authors/records/{ann['id']}", headers=su)).json()
    assert record["fullName"] == "Ann"
    items = (await client.get("/api/collections/book_list/records", headers=su)).json()["items"]
    assert [i["title"] for i in items] == ["T"]


async def test_deletes_before_a_failure_are_undone_with_their_records_and_files(app: App, client, su) -> None:
    # created in this order so that the import deletes `notes` before it fails on `tags`
    await make_collection(
        client,
        su,
        {
            "name": "notes",
            "listRule": "",
            "viewRule": "",
            "fields": [{"name": "doc", "type": "file", "maxSelect": 1}],
        },
    )
    tags = await make_collection(client, su, {"name": "tags", "fields": [{"name": "label", "type": "text"}]})
    await make_collection(
        client,
        su,
        {
            "name": "posts",
            "fields": [{"name": "tag", "type": "relation", "collectionId": tags["id"], "maxSelect": 1}],
        },
    )
    note = (
        await client.post("/api/collections/notes/records", files={"doc": ("a.txt", b"keep me")}, headers=su)
    ).json()
    await client.post("/api/collections/tags/records", json={"label": "x"}, headers=su)
    before_db, before_api = await database_state(app), await api_state(client, su)
    events: list[str] = []

    async def seen(e: Any) -> None:
        events.append(e.collection.name)
        await e.next()

    app.hooks.collection_after_delete_success.bind(seen)
    changed: list[int] = []

    async def on_change() -> None:
        changed.append(1)

    app.on_collections_change.append(on_change)

    # `posts` is kept and still points at `tags`, which deleteMissing cannot remove: the import
    # fails there, after `users` and `notes` were already dropped inside its transaction
    posts = await export(client, su, "posts")
    r = await client.put(
        "/api/collections/import", json={"collections": [posts], "deleteMissing": True}, headers=su
    )
    assert r.status_code == 400, r.text
    assert await database_state(app) == before_db
    assert await api_state(client, su) == before_api
    r = await client.get(f"/api/files/notes/{note['id']}/{note['doc']}")
    assert r.status_code == 200 and r.content == b"keep me"
    assert events == [] and changed == []  # nothing happened, so nobody was told
