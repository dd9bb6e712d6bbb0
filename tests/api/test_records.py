"""Records CRUD: shapes, zero values, lists, filters, sort, fields, expand, modifiers, cascade."""

from __future__ import annotations

import pytest

from tests.helpers import DATETIME_RE, ID_RE, error_shape, make_collection, make_user

pytestmark = pytest.mark.anyio

ALL_FIELDS = [
    {"name": "title", "type": "text", "max": 20},
    {"name": "views", "type": "number"},
    {"name": "published", "type": "bool"},
    {"name": "contact", "type": "email"},
    {"name": "site", "type": "url"},
    {"name": "body", "type": "editor"},
    {"name": "due", "type": "date"},
    {"name": "created", "type": "autodate", "onCreate": True},
    {"name": "updated", "type": "autodate", "onCreate": True, "onUpdate": True},
    {"name": "status", "type": "select", "values": ["draft", "live"], "maxSelect": 1},
    {"name": "tags", "type": "select", "values": ["a", "b", "c"], "maxSelect": 3},
    {"name": "meta", "type": "json"},
    {"name": "owner", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
    {"name": "readers", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 5},
    {"name": "doc", "type": "file", "maxSelect": 1},
]


@pytest.fixture
async def posts(client, su):
    return await make_collection(
        client,
        su,
        {
            "name": "posts",
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "createRule": "",
            "updateRule": "",
            "deleteRule": "",
            "fields": ALL_FIELDS,
        },
    )


async def test_create_returns_zero_values(client, posts):
    r = await client.post("/api/collections/posts/records", json={})
    assert r.status_code == 200
    rec = r.json()
    assert ID_RE.match(rec["id"])
    assert DATETIME_RE.match(rec["created"]) and rec["created"] == rec["updated"]
    assert {k: rec[k] for k in rec if k not in ("id", "created", "updated")} == {
        "collectionId": posts["id"],
        "collectionName": "posts",
        "title": "",
        "views": 0,
        "published": False,
        "contact": "",
        "site": "",
        "body": "",
        "due": "",
        "status": "",
        "tags": [],
        "meta": None,
        "owner": "",
        "readers": [],
        "doc": "",
    }


async def test_roundtrip_and_view(client, posts):
    user, _ = await make_user(client, "owner@example.com")
    body = {
        "title": "Hello",
        "views": 12.5,
        "published": True,
        "contact": "a@b.co",
        "site": "https://x.io",
        "body": "<p>x</p>",
        "due": "2024-05-01 10:00:00Z",
        "status": "live",
        "tags": ["a", "c"],
        "meta": {"k": [1, 2]},
        "owner": user["id"],
        "readers": [user["id"]],
    }
    r = await client.post("/api/collections/posts/records", json=body)
    assert r.status_code == 200, r.text
    rec = r.json()
    assert rec["due"] == "2024-05-01 10:00:00.000Z"
    got = await client.get(f"/api/collections/posts/records/{rec['id']}")
    assert got.status_code == 200
    for k, v in body.items():
        expected = "2024-05-01 10:00:00.000Z" if k == "due" else v
        assert got.json()[k] == expected, k


async def test_validation_collects_all_errors_and_writes_nothing(client, posts, su):
    r = await client.post(
        "/api/collections/posts/records",
        json={
            "title": "x" * 21,
            "contact": "bad",
            "site": "nope",
            "status": "zz",
            "owner": "missing00000000",
        },
    )
    assert r.status_code == 400
    data = r.json()["data"]
    assert data["title"]["code"] == "validation_max_text_constraint"
    assert data["contact"]["code"] == "validation_is_email"
    assert data["site"]["code"] == "validation_invalid_url"
    assert data["status"] == {
        "code": "validation_invalid_value",
        "message": "Invalid value zz.",
        "params": {"value": "zz"},
    }
    assert r.json()["message"] == "Failed to create record."
    r = await client.post("/api/collections/posts/records", json={"owner": "missing00000000"})
    assert r.json()["data"]["owner"]["code"] == "validation_missing_rel_records"
    listing = await client.get("/api/collections/posts/records")
    assert listing.json()["totalItems"] == 0


async def test_form_and_json_payload(client, posts):
    files = {
        "title": (None, "form"),
        "views": (None, "7"),
        "published": (None, "true"),
        "@jsonPayload": (None, '{"meta": {"a": 1}, "tags": ["b"]}'),
    }
    r = await client.post("/api/collections/posts/records", files=files)
    assert r.status_code == 200, r.text
    rec = r.json()
    assert (rec["title"], rec["views"], rec["published"], rec["meta"], rec["tags"]) == (
        "form",
        7,
        True,
        {"a": 1},
        ["b"],
    )


async def test_modifiers(client, posts):
    rec = (await client.post("/api/collections/posts/records", json={"views": 10, "tags": ["a"]})).json()
    url = f"/api/collections/posts/records/{rec['id']}"
    r = await client.patch(url, json={"views+": 5, "tags+": ["b", "c"]})
    assert (r.json()["views"], r.json()["tags"]) == (15, ["a", "b", "c"])
    r = await client.patch(url, json={"views-": 20, "tags-": "b"})
    assert (r.json()["views"], r.json()["tags"]) == (-5, ["a", "c"])
    r = await client.patch(url, json={"+tags": "b"})
    assert r.json()["tags"] == ["b", "a", "c"]
    assert DATETIME_RE.match(r.json()["updated"])


async def test_list_paging_sort_filter_skiptotal(client, posts):
    for i in range(7):
        await client.post(
            "/api/collections/posts/records", json={"title": f"t{i}", "views": i, "published": i % 2 == 0}
        )
    r = await client.get("/api/collections/posts/records", params={"perPage": 3, "page": 2, "sort": "-views"})
    body = r.json()
    assert (body["page"], body["perPage"], body["totalItems"], body["totalPages"]) == (2, 3, 7, 3)
    assert [x["views"] for x in body["items"]] == [3, 2, 1]
    r = await client.get(
        "/api/collections/posts/records",
        params={"filter": "(views > 2 && published = true) || title = 't1'", "sort": "views"},
    )
    assert [x["title"] for x in r.json()["items"]] == ["t1", "t4", "t6"]
    r = await client.get("/api/collections/posts/records", params={"skipTotal": 1, "perPage": 2})
    assert (r.json()["totalItems"], r.json()["totalPages"], len(r.json()["items"])) == (-1, -1, 2)
    r = await client.get("/api/collections/posts/records", params={"perPage": 5000, "page": 0})
    assert (r.json()["perPage"], r.json()["page"]) == (1000, 1)
    r = await client.get("/api/collections/posts/records", params={"filter": "title ~ 'T'"})
    assert r.json()["totalItems"] == 7  # LIKE is case-insensitive, as in PocketBase
    r = await client.get("/api/collections/posts/records", params={"filter": "views = '3'"})
    assert [x["title"] for x in r.json()["items"]] == ["t3"]


async def test_list_totals_past_the_last_page_and_under_a_rule(client, su, posts):
    """The total comes with the page's rows; a page past the last has no rows and still reports it,
    and a rule's parameters count the caller's rows only."""
    alice, alice_token = await make_user(client, "alice@example.com")
    bob, _ = await make_user(client, "bob@example.com")
    for i in range(5):
        await client.post(
            "/api/collections/posts/records", json={"title": f"a{i}", "views": i, "owner": alice["id"]}
        )
    for i in range(3):
        await client.post(
            "/api/collections/posts/records", json={"title": f"b{i}", "views": i, "owner": bob["id"]}
        )
    totals = lambda b: (b["page"], b["totalItems"], b["totalPages"], len(b["items"]))  # noqa: E731
    url = "/api/collections/posts/records"
    assert totals((await client.get(url, params={"perPage": 3, "page": 9})).json()) == (9, 8, 3, 0)
    filtered = {"perPage": 2, "filter": "views >= 1", "sort": "-views"}
    assert totals((await client.get(url, params={**filtered, "page": 3})).json()) == (3, 6, 3, 2)
    assert totals((await client.get(url, params={**filtered, "page": 4})).json()) == (4, 6, 3, 0)
    nothing = {"filter": "views > 100"}
    assert totals((await client.get(url, params={**nothing, "page": 1})).json()) == (1, 0, 0, 0)
    assert totals((await client.get(url, params={**nothing, "page": 2})).json()) == (2, 0, 0, 0)

    r = await client.patch(
        f"/api/collections/{posts['id']}", json={"listRule": "owner = @request.auth.id"}, headers=su
    )
    assert r.status_code == 200, r.text
    mine = {"Authorization": alice_token}
    body = (
        await client.get(url, params={"perPage": 2, "page": 3, "filter": "views > 0"}, headers=mine)
    ).json()
    assert totals(body) == (3, 4, 2, 0)
    body = (await client.get(url, params={"perPage": 2, "page": 2, "sort": "views"}, headers=mine)).json()
    assert totals(body) == (2, 5, 3, 2) and [x["title"] for x in body["items"]] == ["a2", "a3"]
    assert totals((await client.get(url, params={"perPage": 2})).json()) == (1, 0, 0, 0)  # a guest


async def test_fields_and_expand(client, posts):
    user, _ = await make_user(client, "x@example.com", name="Xavier")
    rec = (
        await client.post(
            "/api/collections/posts/records",
            json={"title": "with owner", "body": "<p>Hello <b>big</b> world</p>", "owner": user["id"]},
        )
    ).json()
    r = await client.get(
        f"/api/collections/posts/records/{rec['id']}", params={"fields": "id,title,body:excerpt(8,true)"}
    )
    assert r.json() == {"id": rec["id"], "title": "with owner", "body": "Hello bi..."}
    r = await client.get(
        "/api/collections/posts/records", params={"expand": "owner", "fields": "title,expand.owner.name"}
    )
    # users' viewRule hides other users from guests: the relation is dropped silently
    assert r.json()["items"] == [{"title": "with owner", "expand": {}}]


async def test_expand_visible_relation(client, su):
    await make_collection(
        client,
        su,
        {
            "name": "authors",
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "fields": [{"name": "name", "type": "text"}],
        },
    )
    await make_collection(
        client,
        su,
        {
            "name": "books",
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "fields": [
                {"name": "title", "type": "text"},
                {"name": "author", "type": "relation", "collectionId": "authors", "maxSelect": 1},
                {"name": "coauthors", "type": "relation", "collectionId": "authors", "maxSelect": 9},
            ],
        },
    )
    a1 = (await client.post("/api/collections/authors/records", json={"name": "Ann"}, headers=su)).json()
    a2 = (await client.post("/api/collections/authors/records", json={"name": "Bob"}, headers=su)).json()
    b = (
        await client.post(
            "/api/collections/books/records",
            json={"title": "B", "author": a1["id"], "coauthors": [a2["id"], a1["id"]]},
            headers=su,
        )
    ).json()
    r = await client.get(f"/api/collections/books/records/{b['id']}", params={"expand": "author,coauthors"})
    exp = r.json()["expand"]
    assert exp["author"]["name"] == "Ann"
    assert [x["name"] for x in exp["coauthors"]] == ["Bob", "Ann"]
    r = await client.get("/api/collections/books/records", params={"filter": "author.name = 'Ann'"})
    assert r.json()["totalItems"] == 1
    r = await client.get("/api/collections/books/records", params={"filter": "coauthors.name ?= 'Bob'"})
    assert r.json()["totalItems"] == 1
    r = await client.get("/api/collections/books/records", params={"filter": "coauthors.name = 'Bob'"})
    assert r.json()["totalItems"] == 0  # match-all by default


async def test_delete_cascade_and_required_refs(client, su):
    await make_collection(
        client,
        su,
        {
            "name": "parents",
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "deleteRule": "",
            "fields": [{"name": "name", "type": "text"}],
        },
    )
    await make_collection(
        client,
        su,
        {
            "name": "kids",
            "type": "base",
            "listRule": "",
            "fields": [
                {
                    "name": "p",
                    "type": "relation",
                    "collectionId": "parents",
                    "maxSelect": 1,
                    "cascadeDelete": True,
                }
            ],
        },
    )
    await make_collection(
        client,
        su,
        {
            "name": "pins",
            "type": "base",
            "listRule": "",
            "fields": [
                {"name": "p", "type": "relation", "collectionId": "parents", "maxSelect": 1, "required": True}
            ],
        },
    )
    p1 = (await client.post("/api/collections/parents/records", json={"name": "a"}, headers=su)).json()
    p2 = (await client.post("/api/collections/parents/records", json={"name": "b"}, headers=su)).json()
    await client.post("/api/collections/kids/records", json={"p": p1["id"]}, headers=su)
    await client.post("/api/collections/pins/records", json={"p": p2["id"]}, headers=su)
    r = await client.delete(f"/api/collections/parents/records/{p1['id']}")
    assert r.status_code == 204 and r.content == b""
    assert (await client.get("/api/collections/kids/records")).json()["totalItems"] == 0
    r = await client.delete(f"/api/collections/parents/records/{p2['id']}")
    assert r.status_code == 400
    error_shape(r.json(), 400)
    assert (await client.get(f"/api/collections/parents/records/{p2['id']}")).status_code == 200


async def test_unique_index(client, su):
    await make_collection(
        client,
        su,
        {
            "name": "slugs",
            "type": "base",
            "createRule": "",
            "fields": [{"name": "slug", "type": "text"}],
            "indexes": ["CREATE UNIQUE INDEX `idx_slug` ON `slugs` (`slug`)"],
        },
    )
    assert (await client.post("/api/collections/slugs/records", json={"slug": "a"})).status_code == 200
    r = await client.post("/api/collections/slugs/records", json={"slug": "a"})
    assert r.status_code == 400
    assert r.json()["data"] == {"slug": {"code": "validation_not_unique", "message": "Value must be unique."}}


async def test_custom_id(client, posts):
    r = await client.post("/api/collections/posts/records", json={"id": "short"})
    assert r.json()["data"]["id"]["code"] == "validation_min_text_constraint"
    r = await client.post("/api/collections/posts/records", json={"id": "abcdefghij12345"})
    assert r.json()["id"] == "abcdefghij12345"
    r = await client.post("/api/collections/posts/records", json={"id": "abcdefghij12345"})
    assert r.json()["data"]["id"]["code"] == "validation_not_unique"


async def test_strftime_filter(client, su):
    await make_collection(
        client,
        su,
        {
            "name": "events",
            "type": "base",
            "listRule": "",
            "createRule": "",
            "fields": [{"name": "at", "type": "date"}],
        },
    )
    for at in ("2024-01-15 10:00:00.000Z", "2024-03-02 23:30:00.000Z", "2025-01-01 00:00:00.000Z"):
        await client.post("/api/collections/events/records", json={"at": at})

    async def ats(flt):
        r = await client.get("/api/collections/events/records", params={"filter": flt, "sort": "at"})
        assert r.status_code == 200, r.text
        return [x["at"][:10] for x in r.json()["items"]]

    assert await ats("strftime('%Y', at) = '2024'") == ["2024-01-15", "2024-03-02"]
    assert await ats("strftime('%Y-%m', at) = '2024-03'") == ["2024-03-02"]
    assert await ats("strftime('%d', at, '+1 day') = '16'") == ["2024-01-15"]
    assert await ats("strftime('%H:%M', at) = '23:30'") == ["2024-03-02"]
    assert await ats("strftime('%Y', at, 'start of year') = strftime('%Y', '2025-06-01')") == ["2025-01-01"]
