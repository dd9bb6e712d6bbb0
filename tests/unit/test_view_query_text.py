"""View queries read without a database: PocketBase's reading of the column list, and the
translation of SQLite's dialect for PostgreSQL."""

from __future__ import annotations

import pytest

from roost.core.view_parse import ViewQueryError, normalize_select, parse_identifiers, tokenize
from roost.db.dialects.postgres_views import sqlite_column_names, translate
from roost.db.errors import InvalidViewQuery


def test_tokenizer_respects_quotes_and_parentheses() -> None:
    assert tokenize("a, b, (c, d), 'e, f'", ",") == ["a", "b", "(c, d)", "'e, f'"]
    with pytest.raises(ViewQueryError, match=r'unbalanced parenthesis or quoted expression: "select \(1"'):
        tokenize("select (1", ";")
    # the column reading reports it, as PocketBase does
    with pytest.raises(ViewQueryError, match=r'unbalanced parenthesis or quoted expression: "\(1"'):
        parse_identifiers(normalize_select("select id from posts) ; delete from posts; select (1"))


@pytest.mark.parametrize(
    ("query", "columns", "tables"),
    [
        (
            "select p.id, p.title t, count(*) as n from posts p",
            [("p.id", "id"), ("p.title", "t"), ("count(*)", "n")],
            [("posts", "p")],
        ),
        (
            "SELECT `a`.`b` AS 'c' FROM [x] a LEFT JOIN y ON y.id = a.id",
            [("a.b", "c")],
            [("x", "a"), ("y", "y")],
        ),
        ("select distinct id from t -- note\nwhere 1", [("id", "id")], [("t", "t")]),
        ("select id /* c, d */ from t group by id", [("id", "id")], [("t", "t")]),
    ],
)
def test_identifiers(query: str, columns: list[tuple[str, str]], tables: list[tuple[str, str]]) -> None:
    parsed = parse_identifiers(query)
    assert [(c.original, c.alias) for c in parsed.columns] == columns
    assert [(t.original, t.alias) for t in parsed.tables] == tables


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("select id, a + b as c from t", "invalid identifier parts [a + b as c]"),
        ("select id, a b c from t", 'invalid identifier part - expected "as", got b'),
    ],
)
def test_identifiers_refused_as_pocketbase(query: str, message: str) -> None:
    with pytest.raises(ViewQueryError) as info:
        parse_identifiers(query)
    assert str(info.value) == message


def test_one_statement() -> None:
    assert normalize_select("  select 1;;  ") == "select 1"
    assert normalize_select("select ';'") == "select ';'"
    with pytest.raises(ViewQueryError, match="multiple statements are not supported"):
        normalize_select("select 1; select 2")


def test_sqlite_names_repeated_columns() -> None:
    assert sqlite_column_names(["id", "a", "a", "A", "b"]) == ["id", "a", "a:1", "A:2", "b"]


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("select id, createdat from posts", 'SELECT "id" AS "id" , "createdAt" AS "createdAt" FROM "posts"'),
        (
            "select id, ifnull(a, '') x, iif(b, 1, 2) y from t where c like 'A%' and d is not e",
            """SELECT "id" AS "id" , COALESCE("a", '') AS "x" , (CASE WHEN "b" THEN 1 ELSE 2 END) AS "y" """
            """FROM "t" WHERE "c" ILIKE 'A%' AND "d" IS DISTINCT FROM "e\"""",
        ),
        ("select id, count(*) from t", 'SELECT "id" AS "id" , COUNT(*) AS "count(*)" FROM "t"'),
        ("select id from (select id from t)", 'SELECT "id" AS "id" FROM (SELECT "id" FROM "t") AS "_sub1"'),
        (
            "select id, cast(v as int) i, total(v) s from t group by id",
            'SELECT "id" AS "id" , CAST(TRUNC(roost_num("v")) AS BIGINT) AS "i" , '
            'CAST(COALESCE(SUM("v"), 0) AS DOUBLE PRECISION) AS "s" FROM "t" GROUP BY "id"',
        ),
    ],
)
def test_translation(sqlite: str, postgres: str) -> None:
    names = {"createdat": "createdAt"}
    aliases = [c.alias for c in parse_identifiers(sqlite).columns]
    assert translate(sqlite, names, aliases) == postgres


@pytest.mark.parametrize(
    ("query", "construct"),
    [
        ("select typeof(x) from t", "the function typeof()"),
        ("select id from t where a glob 'x'", "the GLOB construct"),
        ("select id from t where a = ?", "the parameter ?"),
        ("select x'00' from t", "a blob literal"),
        ("select rowid from t", "the ROWID construct"),
    ],
)
def test_translation_names_what_postgres_cannot_run(query: str, construct: str) -> None:
    with pytest.raises(InvalidViewQuery) as info:
        translate(query, {}, [])
    assert str(info.value) == f"{construct} is not available in view queries on PostgreSQL"


def test_translation_refuses_more_statements() -> None:
    with pytest.raises(InvalidViewQuery, match="multiple statements"):
        translate("select 1; delete from t", {}, [])
