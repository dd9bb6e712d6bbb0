"""Filter semantics pinned against PocketBase 0.40.6's answers on the same data.

Relations are shared LEFT JOINs (the same related row must satisfy every condition on that
path), comparisons on multi-valued operands hold for all values unless prefixed with `?`."""

from __future__ import annotations

import pytest

from tests.helpers import make_collection

pytestmark = pytest.mark.anyio


@pytest.fixture
async def items(client, su):
    await make_collection(
        client,
        su,
        {
            "name": "tg",
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "fields": [{"name": "name", "type": "text"}, {"name": "color", "type": "text"}],
        },
    )
    await make_collection(
        client,
        su,
        {
            "name": "it",
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "fields": [
                {"name": "title", "type": "text"},
                {"name": "n", "type": "number"},
                {"name": "sel", "type": "select", "values": ["x", "y", "z"], "maxSelect": 3},
                {"name": "tags", "type": "relation", "collectionId": "tg", "maxSelect": 5},
            ],
        },
    )
    for body in (
        {"id": "tagaaaaaaaaaaaa", "name": "a", "color": "blue"},
        {"id": "tagbbbbbbbbbbbb", "name": "b", "color": "red"},
    ):
        assert (await client.post("/api/collections/tg/records", json=body, headers=su)).status_code == 200
    for body in (
        {
            "id": "item11111111111",
            "title": "one",
            "n": 1,
            "sel": ["x"],
            "tags": ["tagaaaaaaaaaaaa", "tagbbbbbbbbbbbb"],
        },
        {"id": "item22222222222", "title": "two", "n": 2, "sel": ["x", "y"], "tags": ["tagaaaaaaaaaaaa"]},
        {"id": "item33333333333", "title": "three", "n": 3, "sel": [], "tags": []},
    ):
        assert (await client.post("/api/collections/it/records", json=body, headers=su)).status_code == 200


# (filter, titles PocketBase 0.40.6 returned, sorted by title)
CASES = [
    ('tags.name ?= "a" && tags.color ?= "red"', []),
    ('tags.name ?= "b" && tags.color ?= "red"', ["one"]),
    ('tags.name = "a"', ["two"]),
    ('tags.name != "a"', ["three"]),
    ('tags.name ?!= "a"', ["one", "three"]),
    ('tags.name = ""', ["three"]),
    ('tags.name ?= "a" || tags.color ?= "red"', ["one", "two"]),
    ('@collection.tg.name ?= "a" && @collection.tg.color ?= "red"', []),
    ('@collection.tg.name = "a"', []),
    ("@collection.tg.name ?= title", []),
    ('@collection.tg:x.name ?= "a" && @collection.tg:y.color ?= "red"', ["one", "three", "two"]),
    ("tags:length > 1", ["one"]),
    ('tags.name:lower ?= "A"', []),
    ("n=1 || n=2 && n=3", ["one"]),
    ("n=3 && n=1 || n=2", ["two"]),
    ('sel = "x"', []),
    ('sel ?= "x"', []),
    ('sel = ""', []),
    ('sel != "x"', ["one", "three", "two"]),
    ("sel:length = 0", ["three"]),
    ('sel:each = "x"', ["one"]),
    ('sel ~ "x"', ["one", "two"]),
    ('sel:each ~ "x"', ["one"]),
    ('sel:each ?= "y"', ["two"]),
    ('n = "1"', ["one"]),
    ('n > "1"', ["three", "two"]),
    ('n = ""', []),
    ("n = null", []),
    ('n ~ "1"', ["one"]),
    ("n = true", ["one"]),
]


@pytest.mark.parametrize("flt, expected", CASES)
async def test_matches_pocketbase(client, su, items, flt, expected):
    r = await client.get(
        "/api/collections/it/records", params={"filter": flt, "sort": "title", "fields": "title"}, headers=su
    )
    assert r.status_code == 200, r.text
    assert [x["title"] for x in r.json()["items"]] == expected


async def test_back_relation_errors(client, su, items):
    r = await client.get("/api/collections/it/records", params={"filter": 'tags_via_x.id = ""'}, headers=su)
    assert r.status_code == 400


async def test_joined_collections_rules_apply_to_client_filters(client, su):
    """A guest cannot read through a relation what the related collection's listRule hides."""
    from tests.helpers import make_user

    await make_collection(
        client, su, {"name": "locked", "type": "base", "fields": [{"name": "secret", "type": "text"}]}
    )
    await make_collection(
        client,
        su,
        {
            "name": "pub",
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "fields": [
                {"name": "ref", "type": "relation", "collectionId": "locked", "maxSelect": 1},
                {"name": "usr", "type": "relation", "collectionId": "users", "maxSelect": 1},
            ],
        },
    )
    user, token = await make_user(client, "u1@example.com", name="U1")
    await client.post(
        "/api/collections/locked/records", json={"id": "lockedrecord001", "secret": "s3cret"}, headers=su
    )
    await client.post(
        "/api/collections/pub/records", json={"ref": "lockedrecord001", "usr": user["id"]}, headers=su
    )

    async def titles(params, headers=None):
        r = await client.get("/api/collections/pub/records", params=params, headers=headers or {})
        return r.status_code, r.json().get("totalItems")

    # PocketBase 0.40.6: 400 for a locked collection, the listRule AND-ed for others
    assert (await titles({"filter": 'ref.secret = "s3cret"'}))[0] == 400
    assert (await titles({"filter": 'ref.secret != "zz"'}))[0] == 400
    assert (await titles({"sort": "ref.secret"}))[0] == 400
    assert await titles({"filter": 'usr.name = "U1"'}) == (200, 0)
    assert await titles({"filter": 'usr.name != "zz"'}) == (200, 0)
    assert await titles({"filter": 'usr.name = "U1"'}, {"Authorization": token}) == (200, 1)
    assert await titles({"filter": 'ref.secret = "s3cret"'}, su) == (200, 1)
