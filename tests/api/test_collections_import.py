"""PUT /api/collections/import: PocketBase's whole-schema import, all or nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from roost.core.app import App
from roost.core.events import CollectionsImportRequestEvent

pytestmark = pytest.mark.anyio

AUTHORS = {
    "id": "pbc_authors0001",
    "name": "authors",
    "type": "base",
    "listRule": "",
    "viewRule": "",
    "fields": [{"id": "text_name01", "name": "name", "type": "text", "required": True}],
}
BOOKS = {
    "id": "pbc_books00001",
    "name": "books",
    "type": "base",
    "listRule": 'author.name != ""',
    "fields": [
        {"id": "text_title01", "name": "title", "type": "text"},
        {
            "id": "rel_author01",
            "name": "author",
            "type": "relation",
            "collectionId": "pbc_authors0001",
            "maxSelect": 1,
        },
    ],
}


async def names(client: httpx.AsyncClient, su: dict[str, str]) -> list[str]:
    r = await client.get("/api/collections", params={"perPage": 100, "fields": "name"}, headers=su)
    return [c["name"] for c in r.json()["items"]]


async def do_import(client: httpx.AsyncClient, su: dict[str, str], body: Any) -> httpx.Response:
    return await client.put("/api/collections/import", json=body, headers=su)


async def test_collections_that_point_at_each_other_import_in_any_order(client, su):
    r = await do_import(client, su, {"collections": [BOOKS, AUTHORS]})
    assert r.status_code == 204, r.text
    books = (await client.get("/api/collections/books", headers=su)).json()
    assert books["id"] == "pbc_books00001"
    assert books["listRule"] == 'author.name != ""'
    assert [f["id"] for f in books["fields"][1:]] == ["text_title01", "rel_author01"]


async def test_a_renamed_field_keeps_its_data_because_its_id_is_kept(client, su):
    assert (await do_import(client, su, {"collections": [AUTHORS]})).status_code == 204
    r = await client.post("/api/collections/authors/records", json={"name": "Ann"}, headers=su)
    renamed = {**AUTHORS, "fields": [{**AUTHORS["fields"][0], "name": "fullName"}]}
    assert (await do_import(client, su, {"collections": [renamed]})).status_code == 204
    record = (await client.get(f"/api/collections/authors/records/{r.json()['id']}", headers=su)).json()
    assert record["fullName"] == "Ann" and "name" not in record


async def test_delete_missing_removes_other_collections_but_never_system_ones(client, su):
    assert (await do_import(client, su, {"collections": [AUTHORS, BOOKS]})).status_code == 204
    r = await do_import(client, su, {"collections": [AUTHORS], "deleteMissing": True})
    assert r.status_code == 204, r.text
    left = await names(client, su)
    assert "authors" in left and "books" not in left
    assert "users" not in left  # a non-system collection missing from the import
    assert "_superusers" in left


async def test_a_failure_imports_nothing_and_names_the_collection(client, su):
    before = await names(client, su)
    bad = {"name": "broken", "type": "base", "listRule": "nope = 1"}
    r = await do_import(client, su, {"collections": [AUTHORS, bad]})
    assert r.status_code == 400
    body = r.json()
    assert body["message"] == "Failed to import collections."
    failure = body["data"]["collections"]
    assert failure["code"] == "validation_collections_import_failure"
    assert failure["message"].startswith('Data validations failed for collection "broken" (')
    details = json.loads(failure["message"].split(":\n", 1)[1].removesuffix("."))
    assert list(details) == ["listRule"] and details["listRule"].startswith("Invalid rule.")
    assert await names(client, su) == before


async def test_a_system_collection_keeps_its_type(client, su):
    r = await do_import(client, su, {"collections": [{"name": "_superusers", "type": "base"}]})
    assert r.status_code == 400
    message = r.json()["data"]["collections"]["message"]
    assert message.startswith('Data validations failed for collection "_superusers" (pbc_3142635823):')
    assert '"type": "Collection type cannot be changed."' in message


async def test_blank_and_malformed_bodies(client, su):
    for body in ({}, {"collections": []}):
        r = await do_import(client, su, body)
        assert r.status_code == 400
        assert r.json()["data"] == {
            "collections": {"code": "validation_required", "message": "Cannot be blank."}
        }
    r = await do_import(client, su, {"collections": "x"})
    assert r.status_code == 400
    assert r.json() == {
        "data": {},
        "message": "An error occurred while loading the submitted data.",
        "status": 400,
    }


async def test_only_superusers_import(client):
    r = await client.put("/api/collections/import", json={"collections": [AUTHORS]})
    assert r.status_code == 401


async def test_the_import_request_hook_sees_and_can_change_the_import(app: App, client, su):
    seen: list[tuple[int, bool]] = []

    @app.on_collections_import_request()
    async def only_authors(e: CollectionsImportRequestEvent) -> None:
        seen.append((len(e.collections), e.delete_missing))
        e.collections = [c for c in e.collections if c["name"] == "authors"]
        await e.next()

    assert (await do_import(client, su, {"collections": [AUTHORS, {"name": "other"}]})).status_code == 204
    assert seen == [(2, False)]
    left = await names(client, su)
    assert "authors" in left and "other" not in left
