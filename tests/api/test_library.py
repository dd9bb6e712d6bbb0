"""Roost as a library: App.open, finding, saving and deleting records and collections,
importing PocketBase collection exports, transactions."""

from __future__ import annotations

import glob
import os
from typing import Any

import httpx
import orjson
import pytest

import roost
from roost.errors import BadRequest, NotFound, ValidationError
from tests.conftest import drop_db_url, new_db_url

pytestmark = pytest.mark.anyio

CORPUS = "/work/shared/corpus/pocketbase-schemas"
# exports PocketBase 0.40.6 imports: base, auth and view collections (enabling OAuth2 or OTP, as
# PocketTogether__pocket-chat does on users, is not supported yet)
IMPORTABLE = [
    "Bazooper-blip__calendhd__pb_schema_import.json",
    "Hydevs-Corp__realmarchitect__pb_schema.json",
    "InSeok9068__development-support-mvp__pb_schema.json",
    "engageintellect__spatz-2__pb_schema.json",
    "kesecode__vocal-royale__pb_schema.json",
    "patmood__pocketbase-typegen__pb_schema.json",
    "qwibbert__kairos__pb_schema.json",
]


def corpus(name: str) -> Any:
    with open(os.path.join(CORPUS, name), "rb") as fh:
        return orjson.loads(fh.read())


@pytest.fixture
async def lib(tmp_path: Any):
    url = await new_db_url()
    app = await roost.App.open(dir=str(tmp_path / "roost_data"), db=url)
    try:
        yield app
    finally:
        await app.close()
        await drop_db_url(url)


async def _posts(app: roost.App) -> roost.Collection:
    return await app.save(
        roost.Collection(
            {
                "name": "posts",
                "listRule": "",
                "fields": [
                    {"name": "title", "type": "text", "required": True},
                    {"name": "views", "type": "number"},
                    {"name": "created", "type": "autodate", "onCreate": True},
                ],
            }
        )
    )


async def test_records_round_trip(lib: roost.App) -> None:
    posts = await _posts(lib)
    assert posts.id.startswith("pbc_")
    assert lib.find_collection_by_name_or_id("posts").id == posts.id
    assert lib.find_collection_by_name_or_id(posts.id).name == "posts"
    with pytest.raises(NotFound):
        lib.find_collection_by_name_or_id("nope")

    post = roost.Record(posts, {"title": "Hello", "views": 3})
    assert post.is_new
    saved = await lib.save(post)
    assert saved is post and not post.is_new and len(post.id) == 15
    assert post["created"]

    found = await lib.find_record_by_id("posts", post.id)
    assert found["title"] == "Hello" and found.get("views") == 3
    found["title"] = "Changed"
    assert found.original()["title"] == "Hello"
    await lib.save(found)
    assert (await lib.find_record_by_id(posts, post.id))["title"] == "Changed"

    with pytest.raises(ValidationError) as exc:
        await lib.save(roost.Record(posts, {"views": 1}))  # title is required
    assert "title" in exc.value.data

    await lib.delete(found)
    with pytest.raises(NotFound):
        await lib.find_record_by_id("posts", post.id)


async def test_find_by_filter_binds_params(lib: roost.App) -> None:
    posts = await _posts(lib)
    for i, title in enumerate(['a "quoted" title', "plain", "back\\slash", "x' || 1=1 || '"]):
        await lib.save(roost.Record(posts, {"title": title, "views": i}))
    found = await lib.find_records_by_filter(posts, "title = {:t}", params={"t": 'a "quoted" title'})
    assert [r["views"] for r in found] == [0]
    found = await lib.find_records_by_filter(posts, "title = {:t}", params={"t": "back\\slash"})
    assert [r["views"] for r in found] == [2]
    found = await lib.find_records_by_filter(posts, "title = {:t}", params={"t": "x' || 1=1 || '"})
    assert [r["views"] for r in found] == [3]
    found = await lib.find_records_by_filter("posts", "views >= {:min}", sort="-views", params={"min": 1})
    assert [r["views"] for r in found] == [3, 2, 1]
    found = await lib.find_records_by_filter("posts", "", sort="views", limit=2, offset=1)
    assert [r["views"] for r in found] == [1, 2]
    first = await lib.find_first_record_by_filter("posts", "views = {:v}", params={"v": 2})
    assert first["title"] == "back\\slash"


async def test_collection_update_and_delete(lib: roost.App) -> None:
    posts = await _posts(lib)
    data = posts.to_json()
    data["fields"].append({"name": "body", "type": "editor"})
    data["name"] = "articles"
    renamed = await lib.save(roost.Collection(data))
    assert renamed.id == posts.id and renamed.name == "articles"
    assert renamed.field("body") is not None
    await lib.save(roost.Record(renamed, {"title": "kept", "body": "<p>x</p>"}))
    await lib.delete(renamed)
    with pytest.raises(NotFound):
        lib.find_collection_by_name_or_id("articles")


async def test_run_in_transaction(lib: roost.App) -> None:
    posts = await _posts(lib)

    async def two_writes(tx: Any) -> str:
        a = await tx.save(roost.Record(posts, {"title": "one"}))
        # reads inside the transaction see its writes
        assert (await tx.find_record_by_id(posts, a.id))["title"] == "one"
        await tx.save(roost.Record(posts, {"title": "two"}))
        return str(a.id)

    await lib.run_in_transaction(two_writes)
    assert len(await lib.find_records_by_filter(posts)) == 2

    async def fails(tx: Any) -> None:
        await tx.save(roost.Record(posts, {"title": "three"}))
        await tx.save(roost.Record(posts, {}))  # invalid: rolls back "three" too

    with pytest.raises(ValidationError):
        await lib.run_in_transaction(fails)
    assert sorted(r["title"] for r in await lib.find_records_by_filter(posts)) == ["one", "two"]


@pytest.mark.parametrize("name", IMPORTABLE)
async def test_import_pocketbase_exports(lib: roost.App, name: str) -> None:
    data = corpus(name)
    await lib.import_collections(data)
    for item in data:
        coll = lib.find_collection_by_name_or_id(item["id"])
        assert coll.name == item["name"]
        assert [f.name for f in coll.fields] == [f["name"] for f in item["fields"]]
        for rule in ("listRule", "viewRule", "createRule", "updateRule", "deleteRule"):
            assert coll.rules[rule] == item[rule], (item["name"], rule)
    # importing the same export again changes nothing
    before = {c.id: c.to_json() for c in lib.registry.all()}
    await lib.import_collections(orjson.dumps(data).decode())
    after = {c.id: c.to_json() for c in lib.registry.all()}
    for cid, coll in after.items():
        coll.pop("updated")
        before[cid].pop("updated")
    assert after == before


async def test_import_delete_missing_and_failure_leaves_schema(lib: roost.App) -> None:
    await _posts(lib)
    data = corpus("kesecode__vocal-royale__pb_schema.json")
    names_before = sorted(c.name for c in lib.registry.all())
    # an unknown field type fails the whole import, as PocketBase's "invalid formatting" 400
    broken = [*data, {"name": "broken", "type": "base", "fields": [{"name": "x", "type": "nope"}]}]
    with pytest.raises(BadRequest):
        await lib.import_collections(broken)
    assert sorted(c.name for c in lib.registry.all()) == names_before

    await lib.import_collections(data, delete_missing=True)
    assert sorted(c.name for c in lib.registry.all()) == sorted(i["name"] for i in data)


async def test_library_app_serves_the_same_data(lib: roost.App) -> None:
    posts = await _posts(lib)
    await lib.save(roost.Record(posts, {"title": "visible"}))
    transport = httpx.ASGITransport(app=roost_asgi(lib))
    async with httpx.AsyncClient(transport=transport, base_url="http://roost.test") as client:
        r = await client.get("/api/collections/posts/records")
        assert r.status_code == 200
        assert [i["title"] for i in r.json()["items"]] == ["visible"]


def roost_asgi(app: roost.App) -> Any:
    from roost.api import build_asgi

    return build_asgi(app)


def test_corpus_present() -> None:
    assert all(os.path.exists(os.path.join(CORPUS, n)) for n in IMPORTABLE), glob.glob(CORPUS + "/*")
