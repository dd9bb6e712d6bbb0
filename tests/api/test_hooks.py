"""Hooks on the real request path: record request, model and after-commit hooks, enrich, batch."""

from __future__ import annotations

import logging
from typing import Any

import pytest

import roost
from tests.helpers import error_shape, make_collection

pytestmark = pytest.mark.anyio


@pytest.fixture
async def posts(client, su):
    await make_collection(
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
            "fields": [{"name": "title", "type": "text"}, {"name": "views", "type": "number"}],
        },
    )
    await make_collection(
        client,
        su,
        {
            "name": "notes",
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "createRule": "",
            "fields": [{"name": "title", "type": "text"}],
        },
    )


async def count(app: roost.App, name: str) -> int:
    coll = app.collection(name)
    assert coll is not None
    return int(await app.db.fetch_val(f'SELECT COUNT(*) FROM "{coll.table}"') or 0)


async def test_create_request_hook_changes_a_field_of_its_collection_only(app, client, posts):
    @app.on_record_create_request("posts")
    async def shout(e: roost.RecordRequestEvent) -> None:
        e.record["title"] = e.record["title"].upper()
        await e.next()

    r = await client.post("/api/collections/posts/records", json={"title": "hello"})
    assert r.status_code == 200 and r.json()["title"] == "HELLO"
    stored = await client.get(f"/api/collections/posts/records/{r.json()['id']}")
    assert stored.json()["title"] == "HELLO"
    r = await client.post("/api/collections/notes/records", json={"title": "hello"})
    assert r.json()["title"] == "hello"


async def test_a_hook_refuses_with_a_400_in_pocketbase_shape(app, client, posts):
    def refuse(e: roost.RecordRequestEvent) -> None:
        if e.record["title"] == "spam":
            raise roost.BadRequestError("No spam please.", {"title": {"code": "spam", "message": "Spam."}})
        e.next()

    app.on_record_create_request("posts").bind(refuse, id="no-spam")
    r = await client.post("/api/collections/posts/records", json={"title": "spam"})
    assert r.status_code == 400
    error_shape(r.json(), 400)
    assert r.json()["message"] == "No spam please."
    assert r.json()["data"] == {"title": {"code": "spam", "message": "Spam."}}
    assert await count(app, "posts") == 0
    app.on_record_create_request("posts").unbind("no-spam")
    r = await client.post("/api/collections/posts/records", json={"title": "spam"})
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("error", "status"),
    [(roost.NotFoundError, 404), (roost.ForbiddenError, 403), (roost.UnauthorizedError, 401)],
)
async def test_public_errors_answer_with_their_status(app, client, posts, error, status):
    async def deny(e: roost.RecordRequestEvent) -> None:
        raise error()

    app.on_record_view_request().bind(deny)
    created = await client.post("/api/collections/posts/records", json={"title": "x"})
    r = await client.get(f"/api/collections/posts/records/{created.json()['id']}")
    assert r.status_code == status
    error_shape(r.json(), status)


async def test_any_other_exception_is_a_500_in_pocketbase_shape(app, client, posts, caplog):
    async def broken(e: roost.RecordRequestEvent) -> None:
        raise RuntimeError("secret detail")

    app.on_record_create_request().bind(broken)
    with caplog.at_level(logging.ERROR):
        r = await client.post("/api/collections/posts/records", json={"title": "x"})
    assert r.status_code == 500
    error_shape(r.json(), 500)
    assert "secret detail" not in r.text
    assert "secret detail" in caplog.text
    assert await count(app, "posts") == 0


async def test_skipping_next_saves_nothing_and_answers_what_the_hook_says(app, client, posts):
    async def skip(e: roost.RecordRequestEvent) -> None:
        e.json(202, {"queued": e.record["title"]})

    app.on_record_create_request("posts").bind(skip)
    r = await client.post("/api/collections/posts/records", json={"title": "later"})
    assert r.status_code == 202 and r.json() == {"queued": "later"}
    assert await count(app, "posts") == 0


async def test_after_success_hooks_see_the_committed_record(app, client, posts):
    seen: list[tuple[str, Any, int]] = []

    async def after(e: roost.RecordEvent) -> None:
        # committed: another connection reads it
        row = await e.app.db.fetch_one(
            f'SELECT "title" FROM "{e.collection.table}" WHERE "id" = ?', [e.record.id]
        )
        seen.append((e.record["title"], row[0] if row else None, len(e.record.id)))
        await e.next()

    app.on_record_after_create_success("posts").bind(after)
    app.on_record_after_update_success("posts").bind(after)
    r = await client.post("/api/collections/posts/records", json={"title": "one"})
    rid = r.json()["id"]
    await client.patch(f"/api/collections/posts/records/{rid}", json={"title": "two"})
    assert seen == [("one", "one", 15), ("two", "two", 15)]


async def test_a_failing_after_commit_listener_keeps_the_2xx_and_is_logged(app, client, posts, caplog):
    async def broken(e: roost.RecordEvent) -> None:
        raise RuntimeError("listener failed")

    app.on_record_after_create_success().bind(broken)
    app.on_record_after_update_success().bind(broken)
    app.on_record_after_delete_success().bind(broken)
    with caplog.at_level(logging.ERROR):
        r = await client.post("/api/collections/posts/records", json={"title": "kept"})
        assert r.status_code == 200, r.text
        rid = r.json()["id"]
        r = await client.patch(f"/api/collections/posts/records/{rid}", json={"title": "kept2"})
        assert r.status_code == 200, r.text
        r = await client.delete(f"/api/collections/posts/records/{rid}")
        assert r.status_code == 204
    failures = [r for r in caplog.records if r.exc_info and str(r.exc_info[1]) == "listener failed"]
    assert len(failures) == 3


async def test_model_hooks_wrap_validate_and_execute(app, client, posts):
    order: list[str] = []

    async def on_create(e: roost.RecordEvent) -> None:
        order.append("create")
        await e.next()
        order.append("create done")

    async def on_validate(e: roost.RecordEvent) -> None:
        order.append("validate")
        e.record["views"] = 7
        await e.next()

    async def on_execute(e: roost.RecordEvent) -> None:
        assert e.tx is not None
        order.append("execute")
        await e.next()

    async def on_error(e: roost.RecordErrorEvent) -> None:
        order.append(f"error {type(e.error).__name__}")
        await e.next()

    app.on_record_create("posts").bind(on_create)
    app.on_record_validate("posts").bind(on_validate)
    app.on_record_create_execute("posts").bind(on_execute)
    app.on_record_after_create_error("posts").bind(on_error)
    r = await client.post("/api/collections/posts/records", json={"title": "x"})
    assert r.json()["views"] == 7
    assert order == ["create", "validate", "execute", "create done"]

    async def fail_in_tx(e: roost.RecordEvent) -> None:
        await e.next()
        raise roost.BadRequestError("Rolled back.")

    order.clear()
    app.on_record_create_execute("posts").bind(fail_in_tx)
    r = await client.post("/api/collections/posts/records", json={"title": "y"})
    assert r.status_code == 400 and r.json()["message"] == "Rolled back."
    assert await count(app, "posts") == 1  # the insert ran, then rolled back with the error
    assert order[-1] == "error BadRequest"


async def test_delete_hooks_run_for_cascaded_records(app, client, su, posts):
    posts_id = app.collection("posts").id  # type: ignore[union-attr]
    await make_collection(
        client,
        su,
        {
            "name": "comments",
            "type": "base",
            "fields": [
                {
                    "name": "post",
                    "type": "relation",
                    "collectionId": posts_id,
                    "cascadeDelete": True,
                    "maxSelect": 1,
                }
            ],
        },
    )
    post = (await client.post("/api/collections/posts/records", json={"title": "p"})).json()
    await client.post("/api/collections/comments/records", headers=su, json={"post": post["id"]})
    deleted: list[str] = []

    async def gone(e: roost.RecordEvent) -> None:
        deleted.append(e.collection.name)
        await e.next()

    app.on_record_after_delete_success().bind(gone)
    r = await client.delete(f"/api/collections/posts/records/{post['id']}")
    assert r.status_code == 204
    assert sorted(deleted) == ["comments", "posts"]


async def test_enrich_and_list_hooks_change_what_is_sent(app, client, posts):
    await client.post("/api/collections/posts/records", json={"title": "a"})

    async def enrich(e: roost.RecordEnrichEvent) -> None:
        e.record["shout"] = e.record["title"].upper()
        del e.record["views"]
        await e.next()

    async def list_hook(e: roost.RecordsListRequestEvent) -> None:
        e.result["extra"] = len(e.records)
        await e.next()

    app.on_record_enrich("posts").bind(enrich)
    app.on_record_list_request("posts").bind(list_hook)
    r = await client.get("/api/collections/posts/records")
    item = r.json()["items"][0]
    assert item["shout"] == "A" and "views" not in item
    assert r.json()["extra"] == 1
    r = await client.get(f"/api/collections/posts/records/{item['id']}")
    assert r.json()["shout"] == "A"


async def test_batch_sub_requests_run_through_the_request_hooks(app, client, su, posts):
    await client.patch("/api/settings", headers=su, json={"batch": {"enabled": True}})
    seen: list[int] = []

    @app.on_record_create_request("posts")
    async def shout(e: roost.RecordRequestEvent) -> None:
        e.record["title"] = e.record["title"].upper()
        await e.next()

    @app.on_batch_request()
    async def batch(e: roost.BatchRequestEvent) -> None:
        seen.append(len(e.requests))
        await e.next()

    body = {"requests": [{"method": "POST", "url": "/api/collections/posts/records", "body": {"title": "b"}}]}
    r = await client.post("/api/batch", json=body)
    assert r.status_code == 200, r.text
    assert r.json()[0]["body"]["title"] == "B"
    assert seen == [1]


async def test_collection_hooks_see_create_update_delete(app, client, su):
    seen: list[str] = []

    async def model(e: roost.CollectionEvent) -> None:
        seen.append(f"{e.collection.name}:{e.original.name if e.original else ''}")
        await e.next()

    async def request(e: roost.CollectionRequestEvent) -> None:
        await e.next()
        assert e.collection is not None
        seen.append(f"request {e.request.method} {e.collection.name}")

    for hook in (app.on_collection_create, app.on_collection_update, app.on_collection_delete):
        hook().bind(model)
    for req in (
        app.on_collection_create_request,
        app.on_collection_update_request,
        app.on_collection_delete_request,
    ):
        req().bind(request)
    spec = {"name": "things", "type": "base", "fields": [{"name": "a", "type": "text"}]}
    await make_collection(client, su, spec)
    r = await client.patch("/api/collections/things", headers=su, json={"name": "stuff"})
    assert r.status_code == 200
    r = await client.delete("/api/collections/stuff", headers=su)
    assert r.status_code == 204
    assert seen == [
        "things:",
        "request POST things",
        "stuff:things",
        "request PATCH stuff",
        "stuff:",
        "request DELETE stuff",
    ]
