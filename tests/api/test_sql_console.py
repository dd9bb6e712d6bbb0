"""POST /api/sql, PocketBase 0.39+'s SQL console, on both engines."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import engine

pytestmark = pytest.mark.anyio


async def sql(client: httpx.AsyncClient, su: dict[str, str], query: object) -> httpx.Response:
    return await client.post("/api/sql", json={"query": query}, headers=su)


async def test_a_query_answers_columns_and_rows_as_text(client, su):
    r = await sql(
        client, su, "select 1 as a, null as b, 2.5 as c, cast(1234567 as double precision) as d, 'x' as e"
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"execTime", "affectedRows", "columns", "rows"}
    assert [c["name"] for c in body["columns"]] == ["a", "b", "c", "d", "e"]
    assert all(c["nullable"] is True for c in body["columns"])
    assert body["rows"] == [["1", None, "2.5", "1.234567e+06", "x"]]
    assert body["affectedRows"] == 0
    if engine() == "sqlite":  # PocketBase names declared types only; an expression has none
        assert {c["type"] for c in body["columns"]} == {""}


async def test_columns_of_a_table_carry_their_declared_type(client, su):
    r = await sql(client, su, "select id, email from _superusers")
    assert r.status_code == 200
    assert [(c["name"], c["type"]) for c in r.json()["columns"]] == [("id", "TEXT"), ("email", "TEXT")]
    assert r.json()["rows"][0][1] == "admin@example.com"


async def test_writes_run_in_one_transaction_and_count_rows(client, su):
    assert (await sql(client, su, "create table console_t (a integer)")).json()["affectedRows"] == 0
    r = await sql(client, su, "insert into console_t values (1), (2)")
    assert r.status_code == 200 and r.json()["affectedRows"] == 2
    assert (await sql(client, su, "update console_t set a = 3")).json()["affectedRows"] == 2
    # a failing script leaves nothing behind, and the message is the engine's own
    r = await sql(client, su, "insert into console_t values (5); insert into console_nope values (1)")
    assert r.status_code == 400
    assert r.json()["message"].startswith("Failed to execute query. Raw error:\n")
    assert "console_nope" in r.json()["message"]
    assert (await sql(client, su, "select count(*) as n from console_t")).json()["rows"] == [["2"]]


async def test_a_comment_before_a_write_still_counts_its_rows(client, su):
    """Deliberate difference: PocketBase 0.40.6 runs `/* c */ insert ...` as a query and
    answers affectedRows 0 although it wrote; Roost skips comments before telling writes."""
    await sql(client, su, "create table console_c (a integer)")
    r = await sql(client, su, "/* c */ insert into console_c values (1)")
    assert r.json()["affectedRows"] == 1


async def test_at_most_1000_rows(client, su):
    query = "with recursive c(x) as (select 1 union all select x + 1 from c where x < 1500) select x from c"
    rows = (await sql(client, su, query)).json()["rows"]
    assert len(rows) == 1000 and rows[-1] == ["1000"]


async def test_repeated_column_names_are_numbered(client, su):
    r = await sql(client, su, "select * from (select 1 as a, 2 as a) t")
    assert [c["name"] for c in r.json()["columns"]] == ["a", "a:1"]


async def test_unknown_table_is_a_400(client, su):
    r = await sql(client, su, "select * from nope")
    assert r.status_code == 400
    assert r.json()["data"] == {}
    assert "nope" in r.json()["message"]


@pytest.mark.dialects("sqlite")
async def test_a_stray_begin_does_not_lock_the_database(client, su):
    assert (await sql(client, su, "begin")).status_code == 200
    r = await client.post(
        "/api/collections",
        json={"name": "after_begin", "type": "base", "fields": [{"name": "t", "type": "text"}]},
        headers=su,
    )
    assert r.status_code == 200, r.text


async def test_bad_input(client, su):
    for query in (None, ""):
        r = await sql(client, su, query)
        assert r.status_code == 400
        assert r.json()["data"] == {"query": {"code": "validation_required", "message": "Cannot be blank."}}
    r = await sql(client, su, "select " + "1+" * 2600 + "1")
    assert r.json()["data"]["query"] == {
        "code": "validation_length_too_long",
        "message": "The length must be no more than 5000.",
        "params": {"max": 5000, "min": 0},
    }
    r = await sql(client, su, 123)
    assert r.json() == {
        "data": {},
        "message": "An error occurred while loading the submitted data.",
        "status": 400,
    }


async def test_superusers_only(client, su):
    r = await client.post("/api/sql", json={"query": "select 1"})
    assert r.status_code == 401
    await client.post(
        "/api/collections/users/records",
        json={"email": "u@example.com", "password": "Passw0rd123!", "passwordConfirm": "Passw0rd123!"},
    )
    auth = await client.post(
        "/api/collections/users/auth-with-password",
        json={"identity": "u@example.com", "password": "Passw0rd123!"},
    )
    r = await client.post(
        "/api/sql", json={"query": "select 1"}, headers={"Authorization": auth.json()["token"]}
    )
    assert r.status_code == 403
