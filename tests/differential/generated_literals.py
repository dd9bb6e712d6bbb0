"""Generated differential cases for literal and affinity comparisons (the `kinds` collection).

Every case is one list request: operator x field kind x literal kind, as one of three callers.
The `kinds` collection (created by `seed_kinds` on both servers) holds one field of each kind whose
values sit on SQLite's storage-class edges: numeric text, text that looks like a bool, numbers that
are integers or reals, JSON of every shape, empty and unset values.

PocketBase binds text literals as text and number literals as float64, writes true/false as 1/0
and leaves the comparison to SQLite's affinity rules; these cases hold Roost to its answers.
"""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from tests.differential.cases import Case, L
from tests.differential.seed import U, rid

COLLECTION = "kinds"
SELECT_VALUES = ["a", "b", "5", "true", "1", "A"]

FIELDS: list[dict[str, Any]] = [
    {"name": "t", "type": "text"},
    {"name": "n", "type": "number"},
    {"name": "b", "type": "bool"},
    {"name": "d", "type": "date"},
    {"name": "e", "type": "email"},
    {"name": "u", "type": "url"},
    {"name": "ed", "type": "editor"},
    {"name": "s", "type": "select", "values": SELECT_VALUES, "maxSelect": 1},
    {"name": "ms", "type": "select", "values": SELECT_VALUES, "maxSelect": 6},
    {"name": "j", "type": "json"},
    {"name": "r", "type": "relation", "collectionId": "@users", "maxSelect": 1},
    {"name": "created", "type": "autodate", "onCreate": True, "onUpdate": False},
]

# (t, n, b, d, e, u, ed, s, ms, j, r)
_ROWS: list[tuple[Any, ...]] = [
    ("", 0, False, "", "", "", "", "", [], None, None),
    (
        "5",
        5,
        True,
        "2024-01-01 10:00:00.000Z",
        "a@example.com",
        "https://example.com",
        "<p>5</p>",
        "5",
        ["5"],
        5,
        "alice",
    ),
    (
        "5.0",
        5.5,
        False,
        "2030-06-15 00:00:00.000Z",
        "b@example.com",
        "http://5.example",
        "5",
        "a",
        ["a", "5"],
        "5",
        "bob",
    ),
    ("abc", -1, True, "2000-01-01 00:00:00.000Z", "5@example.com", "", "", "true", ["true"], "abc", None),
    ("true", 1, True, "", "", "https://a.b/c?d=1", "<b>true</b>", "1", ["1", "a"], True, "carol"),
    ("1", 1000, False, "2026-03-01 12:00:00.000Z", "z@example.com", "", "1", "A", ["A"], False, "dave"),
    ("0", -0.5, False, "1999-12-31 23:59:59.999Z", "", "", "0", "b", [], 0, "eve"),
    (" 5", 10, True, "2026-01-01 00:00:00.000Z", "", "", " ", "", ["b", "a"], "", None),
    ("1e3", 2, False, "", "", "", "", "a", ["5", "1"], 5.5, "alice"),
    ("-1", 0, True, "2100-01-01 00:00:00.000Z", "", "", "", "5", [], {"a": 1}, None),
    ("Abc", 3, False, "", "", "", "", "", ["a"], [1, 2], None),
    ("null", 7, True, "", "", "", "", "", [], {"a": "x"}, "bob"),
    (
        "x y",
        1.5,
        False,
        "",
        "",
        "",
        "",
        "a",
        ["a", "b", "5"],
        {"b": 1, "aa": [1, "x, y: z"], "h": "<b>&", "f": 2.0},
        None,
    ),
]
NAMES = ("t", "n", "b", "d", "e", "u", "ed", "s", "ms", "j", "r")
ROWS = [
    {
        "id": rid("kind", i + 1),
        **{k: (U[v] if k == "r" and v else v) for k, v in zip(NAMES, row, strict=True)},
    }
    for i, row in enumerate(_ROWS)
]


def seed_kinds(base_url: str, token: str) -> None:
    """Create the `kinds` collection and its records on one server (as a superuser)."""
    with httpx.Client(base_url=base_url, timeout=30, headers={"Authorization": token}) as http:
        users = http.get("/api/collections/users").json()["id"]
        fields = [{**f, "collectionId": users} if f.get("collectionId") == "@users" else f for f in FIELDS]
        r = http.post(
            "/api/collections",
            json={"name": COLLECTION, "type": "base", "listRule": "", "viewRule": "", "fields": fields},
        )
        r.raise_for_status()
        for row in ROWS:
            body = {k: v for k, v in row.items() if v is not None or k == "j"}
            http.post(f"/api/collections/{COLLECTION}/records", json=body).raise_for_status()


# --- the cross product ------------------------------------------------------------------------------
OPERANDS = [
    "t", "n", "b", "d", "created", "e", "u", "ed", "s", "ms", "j", "r", "r.id", "id",
    "t:lower", "ms:length", "ms:each", "j.a", "n:lower", "b:lower", "r.name", "r.age", "s:each", "s:length",
]  # fmt: skip
LITERALS = [
    "'5'", '"5.0"', "'abc'", "''", "'true'", "'1'", "'0'",
    "5", "5.0", "0", "-1", "1.5", "1000",
    "true", "false", "null",
    "@now", "@year", "'2026-01-01'",
]  # fmt: skip
OPERATORS = ["=", "!=", ">", "<=", "~", "!~"]
WHO = ("su", "guest", "alice")
# Paths through `r` run as the superuser only: for other callers the users collection's listRule
# applies to the joined rows, a join semantics these cases are not about.
_JOIN_RULES = "r."


def _cases() -> list[Case]:
    out: list[Case] = []
    n = 0
    for field, lit, op in itertools.product(OPERANDS, LITERALS, OPERATORS):
        if field == "created" and op in ("~", "!~"):
            continue  # the creation times differ between the two servers in their digits
        who = WHO[n % len(WHO)] if not field.startswith(_JOIN_RULES) else "su"
        n += 1
        flt = f"{field} {op} {lit}"
        out.append(L(f"lit-{field}-{op}-{lit}", COLLECTION, flt, who=who, fields="id"))
    # the literal on the left, and field against field
    for field, lit in itertools.product(OPERANDS, ("'5'", "5", "true", "''", "@year")):
        for op in (">=", "<"):
            who = WHO[n % len(WHO)] if not field.startswith(_JOIN_RULES) else "su"
            n += 1
            out.append(
                L(f"lit-left-{lit}-{op}-{field}", COLLECTION, f"{lit} {op} {field}", who=who, fields="id")
            )
    for a, b in itertools.combinations(
        ["t", "n", "b", "d", "s", "ms", "j", "t:lower", "ms:length", "r.id"], 2
    ):
        for op in ("=", "!=", ">"):
            who = WHO[n % len(WHO)] if _JOIN_RULES not in a + b else "su"
            n += 1
            out.append(L(f"cols-{a}-{op}-{b}", COLLECTION, f"{a} {op} {b}", who=who, fields="id"))
    # literal against literal
    for a, b in itertools.product(("'5'", "5", "true", "''", "null", "@year", "'abc'"), repeat=2):
        for op in ("=", ">"):
            out.append(L(f"lits-{a}-{op}-{b}", COLLECTION, f"{a} {op} {b}", fields="id"))
    # request values: PocketBase binds them as they are and builds = / != by whether they are empty
    for field, value, op in itertools.product(("t", "n", "b", "s", "ms", "j", "r", "ed"), ("", "5", "5.0", "abc", "1", "true"), ("=", "!=", ">", "~")):  # fmt: skip
        out.append(
            Case(
                f"request-{field}-{op}-{value!r}",
                COLLECTION,
                {
                    "filter": f"{field} {op} @request.query.v",
                    "v": value,
                    "sort": "id",
                    "fields": "id",
                    "perPage": 100,
                },
            )
        )
    for flt in ("t = @request.auth.id", "r = @request.auth.id", "r != @request.auth.id", "@request.auth.id = ''",
                "n > @request.auth.age", "t = @request.auth.email", "@request.query.nosuch = t",
                "@request.query.nosuch != ''", "@request.auth.verified = b"):  # fmt: skip
        out.append(L(f"request-{flt}", COLLECTION, flt, fields="id"))
    return out + _edge_cases()


def _edge_cases() -> list[Case]:
    """List parameters and parser/function edges, on the `kinds` and `posts` collections."""
    out: list[Case] = []
    for value in ("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False", "",
                  "yes", "2", "tRuE", "no", " 1", "on"):  # fmt: skip
        out.append(L(f"skip-total-{value!r}", COLLECTION, "n > 0", perPage=2, skipTotal=value, fields="id"))
    for spec in ("ed:excerpt(3)", "ed:excerpt(3,true)", "ed:excerpt( 3 , true )", "ed:excerpt(3,yes)",
                 "ed:excerpt(3,t)", "ed:excerpt(3,1)", "ed:excerpt(03)", "ed:excerpt(a)", "ed:excerpt()",
                 "ed:excerpt(3,true,1)", "ed:excerpt(0)", "ed:excerpt(-1)", "ed:excerpt(3.5)", "ed:excerpt",
                 "ed:nosuch(3)", "ed:", "n:excerpt(2)", "j:excerpt(2)", "ms:excerpt(1)", "b:excerpt(1,true)",
                 "j.a", "j.a.b", "j.0", "ms.0", "*,ed:excerpt(2)", "t:excerpt(1)"):  # fmt: skip
        out.append(L(f"fields-{spec}", COLLECTION, None, fields=f"id,{spec}"))
    for flt in (
        "j = '{\"a\":1}'", "j = '[1,2]'", "j ~ '\"a\":1'", "ms = '[\"a\",\"5\"]'", "ms ~ '\"a\",\"5\"'",
        "j:lower ~ '\"a\":'", "j > '['", "j = '{\"a\":\"x\"}'", "j ~ 'x, y: z'", "j ~ '\"aa\":'", "j.aa ~ ', y'",
        "j = '{\"aa\":[1,\"x, y: z\"],\"b\":1}'", "j = '{\"b\":1,\"aa\":[1,\"x, y: z\"]}'", "j.aa = '[1,\"x, y: z\"]'",
        "ms:each > 1", "ms:each = 5", "j.aa.1 = 'x, y: z'", "j.aa.0 = '1'", "j.aa.0 = 1", "j ~ 'u003c'", "j ~ '<b>'", "j.h = '<b>&'", "j ~ '\"f\":2,'", "j.f = 2",
    ):  # fmt: skip
        out.append(L(f"json-text-{flt}", COLLECTION, flt, fields="id"))
    for flt in (
        "title = (views > 10)", "title (views > 10)", "views > 1 (views < 10)", "views > 100 || views < 0 (views = 5)",
        "views > 10\r\n", "views > 10\r", "\rviews > 10", "meta.ключ = 1", "é = 1", "title = 'é'",
        "(title) = 'x'", "views > (1)", "  ", "\t\n", "// c\n", "title = (views > 10) && views < 50",
        "title:length = 1", "title:isset = true", "title:each = 'x'", "title:changed = 1", "views:length > 1",
        "status:each = 'draft'", "status:length = 1", "status:each ~ 'a'", "author:length = 1", "author:each = ''",
        "team.id = ''", "team.id != ''", "team.id:lower = ''", "author.id > 'userbob'", "meta:lower = 'plain string'",
        "meta.b.c:lower = 'x'", "meta.b.c:lower = null", "meta:length = 1", "meta:each = 1",
        "strftime(title) = ''", "strftime('%Y', strftime('%Y', created)) = ''", "strftime('%Y', 5) = ''",
        "strftime('%Y', created, 5) = ''", "strftime('%Y', created, title) = ''", "strftime() = ''",
        "strftime('%Y', 0, 'unixepoch') = '1970'", "strftime('%Y', '2020-01-01') = '2020'",
        "strftime(\"%Y\") = @year", "strftime('%Y') = strftime('%Y', @now)", "strftime('%Y', publishedAt) = 2000",
        "geoDistance('1', location.lat, 2, 3) < 1", "geoDistance(strftime('%Y'), 1, 2, 3) < 1",
        "geoDistance(true, false, 1, 2) > 0", "geoDistance(related.location.lon, related.location.lat, 0, 0) > 100",
        "strftime('%Y', related.publishedAt) = '2000'", "strftime('%Y', related.publishedAt) ?= '2000'",
        "strftime('%Y', coauthors.created) != ''", "strftime('%Y', tags:each) = ''", "geoDistance(location.lon, location.lat, 0, 0) > 100",
        "@year = '2026'", "@year = 2026", "@year > '2000'", "@month < 13", "@now > '2000'", "@now = ''",
        "@todayStart < @now", "'5' = 5", "5 = 5.0", "'a' < 'b'", "true = 1", "true = '1'", "null = ''",
        "tags:length = '2'", "tags:length = 2.0", "tags = 2", "tags > 'a'", "tags:each > 5",
        "rating = 4.5", "rating = '4.5'", "rating > '4.5'", "views = 1e3", "views = '1e3'", "title = 1e3",
    ):  # fmt: skip
        flt = flt.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t")
        for who in ("su", "guest"):
            out.append(L(f"edge-{flt!r}-{who}", "posts", flt, who=who, fields="id"))
    return out


CASES: list[Case] = _cases()


# Causes of the known divergences of these cases ("key" or "key@postgres").
LITERAL_BUGS: dict[str, str] = {}


def bug_for(case: Case, engine: str) -> str:
    """The bug key of a case Roost is known to answer differently on `engine`, or ""."""
    return ""
