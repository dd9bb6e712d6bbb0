"""The create rule, checked as PocketBase 0.40.6 checks it: against the record as submitted, before
validation and the insert, so the new row is not among the rows the rule can read, a refused
caller learns nothing of validation or unique values, and (on SQLite) the submitted values
compare without the columns' affinity. Every expectation was answered by the real binary."""

from __future__ import annotations

import pytest

import roost
from tests.conftest import engine
from tests.helpers import make_collection, make_user

pytestmark = pytest.mark.anyio

REFUSED = {"data": {}, "message": "Failed to create record.", "status": 400}
NOT_UNIQUE = {"code": "validation_not_unique", "message": "Value must be unique."}


@pytest.fixture
async def user(client):
    _, token = await make_user(client, "rule@example.com")
    return {"Authorization": token}


async def _collection(client, su, name, rule, fields, **extra):
    return await make_collection(
        client,
        su,
        {
            "name": name,
            "type": "base",
            "createRule": rule,
            "listRule": "",
            "viewRule": "",
            "fields": fields,
            **extra,
        },
    )


async def test_rule_on_the_submitted_values_and_unique_values(client, su, user):
    await _collection(
        client,
        su,
        "g1",
        "views > 5 && title = @request.body.title && @request.auth.id != ''",
        [{"name": "title", "type": "text"}, {"name": "views", "type": "number"}],
        indexes=["CREATE UNIQUE INDEX idx_g1_title ON g1 (title)"],
    )
    url = "/api/collections/g1/records"
    first = await client.post(url, json={"title": "a", "views": 6}, headers=user)
    assert first.status_code == 200
    assert (await client.post(url, json={"title": "b", "views": 1}, headers=user)).json() == REFUSED
    # a taken value is not revealed to a caller the rule refuses (neither a title nor an id)
    assert (await client.post(url, json={"title": "a", "views": 1}, headers=user)).json() == REFUSED
    taken_id = {"id": first.json()["id"], "title": "zz", "views": 1}
    assert (await client.post(url, json=taken_id, headers=user)).json() == REFUSED
    accepted = await client.post(url, json={"title": "a", "views": 9}, headers=user)
    assert accepted.status_code == 400
    assert accepted.json()["data"] == {"title": NOT_UNIQUE}
    assert (await client.post(url, json={"title": "c", "views": 9})).json() == REFUSED  # a guest
    listed = (await client.get(f"{url}?fields=title,views")).json()["items"]
    assert listed == [{"title": "a", "views": 6}]


async def test_the_new_row_is_not_among_the_rows_the_rule_reads(client, su, user):
    await _collection(
        client, su, "g2", "@collection.g2.title ?= 'magic'", [{"name": "title", "type": "text"}]
    )
    url = "/api/collections/g2/records"
    assert (await client.post(url, json={"title": "magic"}, headers=user)).json() == REFUSED
    assert (await client.post(url, json={"title": "other"}, headers=user)).json() == REFUSED
    assert (await client.get(url)).json()["totalItems"] == 0


async def test_a_refused_caller_learns_nothing_of_validation(client, su, user):
    await _collection(
        client, su, "g4", "@request.auth.id != ''", [{"name": "title", "type": "text", "min": 5}]
    )
    url = "/api/collections/g4/records"
    assert (await client.post(url, json={"title": "ab"})).json() == REFUSED
    invalid = (await client.post(url, json={"title": "ab"}, headers=user)).json()
    assert invalid["data"]["title"]["code"] == "validation_min_text_constraint"


async def test_json_values_and_the_record_before_its_id_and_timestamps(client, su, user):
    await _collection(
        client,
        su,
        "g3",
        "data.a = 1 && data != null",
        [{"name": "data", "type": "json"}, {"name": "n", "type": "number"}],
    )
    url = "/api/collections/g3/records"
    assert (await client.post(url, json={"data": {"a": 1}}, headers=user)).status_code == 200
    assert (await client.post(url, json={"data": {"a": 2}}, headers=user)).json() == REFUSED
    assert (await client.post(url, json={"data": {"a": "1"}}, headers=user)).json() == REFUSED
    # no id given: a temporary one; no timestamps yet
    await _collection(
        client,
        su,
        "g6",
        "id ~ '__temp' && created = ''",
        [{"name": "title", "type": "text"}, {"name": "created", "type": "autodate", "onCreate": True}],
    )
    url = "/api/collections/g6/records"
    made = await client.post(url, json={"title": "x"}, headers=user)
    assert made.status_code == 200 and len(made.json()["id"]) == 15 and made.json()["created"]
    assert (await client.post(url, json={"id": "abcdefghijklmno"}, headers=user)).json() == REFUSED


async def test_submitted_values_compare_without_column_affinity(client, su, user):
    """A bound value has no column affinity in SQLite: '123' is not 123 there. Deliberate
    difference on PostgreSQL ("create-rule-affinity@postgres"): Roost compares a record's own
    fields as stored columns (with affinity), so `n = '7'` holds for n = 7."""
    await _collection(
        client,
        su,
        "g5",
        "title = 123 || n = '7'",
        [{"name": "title", "type": "text"}, {"name": "n", "type": "number"}],
    )
    url = "/api/collections/g5/records"
    assert (await client.post(url, json={"title": "123"}, headers=user)).json() == REFUSED
    by_number = await client.post(url, json={"n": 7}, headers=user)
    if engine() == "postgres":
        assert by_number.status_code == 200
    else:
        assert by_number.json() == REFUSED


async def test_batch_creates_check_the_rule_the_same_way(client, su, user):
    await client.patch("/api/settings", headers=su, json={"batch": {"enabled": True}})
    await _collection(client, su, "g7", "title != 'no'", [{"name": "title", "type": "text", "min": 2}])
    requests = [
        {"method": "POST", "url": "/api/collections/g7/records", "body": {"title": "ok"}},
        {"method": "POST", "url": "/api/collections/g7/records", "body": {"title": "no"}},
    ]
    r = await client.post("/api/batch", json={"requests": requests}, headers=user)
    assert r.status_code == 400
    assert r.json()["data"]["requests"]["1"]["response"] == REFUSED
    assert (await client.get("/api/collections/g7/records")).json()["totalItems"] == 0


async def test_relations_are_checked_after_the_rule(client, su, user):
    """On PostgreSQL a lone write checks the relations itself; the answers stay PocketBase's."""
    me = (await client.get("/api/collections/users/records", headers=user)).json()["items"][0]["id"]
    users = "_pb_users_auth_"
    await _collection(
        client,
        su,
        "g8",
        "title != 'no'",
        [
            {"name": "title", "type": "text"},
            {"name": "owner", "type": "relation", "collectionId": users, "maxSelect": 1},
            {"name": "tags", "type": "relation", "collectionId": users, "maxSelect": 5},
        ],
        updateRule="",
    )
    url = "/api/collections/g8/records"
    missing = {
        "code": "validation_missing_rel_records",
        "message": "Failed to find all relation records with the provided ids.",
    }
    refused = await client.post(url, json={"title": "no", "owner": "missingmissing1"}, headers=user)
    assert refused.json() == REFUSED
    r = await client.post(url, json={"title": "ok", "owner": "missingmissing1"}, headers=user)
    assert r.status_code == 400 and r.json()["data"] == {"owner": missing}
    r = await client.post(url, json={"title": "ok", "tags": [me, "missingmissing1"]}, headers=user)
    assert r.status_code == 400 and r.json()["data"] == {"tags": missing}
    made = await client.post(url, json={"title": "ok", "owner": me, "tags": [me, me]}, headers=user)
    assert made.status_code == 200 and made.json()["tags"] == [me]
    record = f"{url}/{made.json()['id']}"
    r = await client.patch(record, json={"owner": "missingmissing2"}, headers=user)
    assert r.status_code == 400 and r.json()["data"] == {"owner": missing}
    assert r.json()["message"] == "Failed to update record."
    r = await client.patch(record, json={"owner": "", "tags": [me]}, headers=user)
    assert r.status_code == 200 and (r.json()["owner"], r.json()["tags"]) == ("", [me])
    assert (await client.get(url)).json()["totalItems"] == 1


async def test_hooks_never_see_a_create_the_rule_refuses(app, client, su, user):
    """PocketBase checks the rule before its request, create and validation hooks run."""
    await _collection(
        client, su, "g4", "@request.auth.id != ''", [{"name": "title", "type": "text", "min": 5}]
    )
    seen: list[str] = []

    @app.on_record_create_request("g4")
    async def on_request(e: roost.RecordRequestEvent) -> None:
        seen.append("request " + e.record["title"])
        await e.next()

    @app.on_record_create("g4")
    async def on_create(e: roost.RecordEvent) -> None:
        seen.append("create " + e.record["title"])
        await e.next()

    @app.on_record_validate("g4")
    async def on_validate(e: roost.RecordEvent) -> None:
        seen.append("validate " + e.record["title"])
        await e.next()

    url = "/api/collections/g4/records"
    assert (await client.post(url, json={"title": "guest-short"})).json() == REFUSED
    assert (await client.post(url, json={"title": "guestlong"})).json() == REFUSED
    assert seen == []
    assert (await client.post(url, json={"title": "userlong"}, headers=user)).status_code == 200
    assert seen == ["request userlong", "create userlong", "validate userlong"]
    app.hooks.record_create_request.unbind_all()
    seen.clear()  # the create and validation hooks alone also come after the rule
    assert (await client.post(url, json={"title": "guestlong"})).json() == REFUSED
    assert seen == []
