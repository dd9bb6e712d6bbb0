"""Fuzzing `filter`, `sort`, `expand` and `fields` on the list endpoint, as a guest and as a user.

Whatever the input: never a 500, never a database error in the answer, never a row the listRule
hides from the caller, never an expanded record the caller may not view, and never a hidden value
(a hidden field, a private email, a locked collection's data). Inputs are hypothesis text, token
soups built from the filter vocabulary, and mutations of valid expressions.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import engine
from tests.helpers import make_collection, make_user

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.filterwarnings("ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning"),
]

EXAMPLES = int(os.environ.get("ROOST_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What a database error looks like when it leaks into an answer.
LEAK_RE = re.compile(
    r"sqlite|syntax error|\bSELECT\b|asyncpg|no such (column|table|function)|operator does not exist"
    r"|Invalid SQL|HINT:|psycopg|apsw|near \"|misuse of|malformed|ESCAPE expression",
    re.IGNORECASE,
)
CANARIES = ("HIDDEN-CANARY", "LOCKED-CANARY", "alice-private@example.com", "bob-private@example.com")


@dataclass
class World:
    tokens: dict[str, str]  # who -> Authorization header value ("" for a guest)
    visible: dict[str, set[str]]  # who -> ids the listRule lets them list
    user_ids: dict[str, str]


RULE = "owner = @request.auth.id || public = true"


@pytest.fixture
async def world(client: Any, su: dict[str, str]) -> World:
    alice, alice_token = await make_user(client, "alice-private@example.com", name="Alice")
    bob, _ = await make_user(client, "bob-private@example.com", name="Bob")
    notes = await make_collection(
        client,
        su,
        {
            "name": "notes",
            "type": "base",
            "listRule": RULE,
            "viewRule": RULE,
            "fields": [
                {"name": "title", "type": "text"},
                {"name": "n", "type": "number"},
                {"name": "public", "type": "bool"},
                {"name": "tags", "type": "select", "values": ["a", "b", "c"], "maxSelect": 3},
                {"name": "meta", "type": "json"},
                {"name": "when", "type": "date"},
                {"name": "owner", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
                {"name": "readers", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 5},
                {"name": "secret", "type": "text", "hidden": True},
                {"name": "where", "type": "geoPoint"},
            ],
        },
    )
    await client.patch(
        f"/api/collections/{notes['id']}",
        headers=su,
        json={
            "fields": notes["fields"]
            + [{"name": "ref", "type": "relation", "collectionId": notes["id"], "maxSelect": 1}]
        },
    )
    await make_collection(
        client,
        su,
        {
            "name": "locked",
            "type": "base",
            "listRule": None,
            "viewRule": None,
            "fields": [
                {"name": "code", "type": "text"},
                {"name": "note", "type": "relation", "collectionId": notes["id"], "maxSelect": 1},
            ],
        },
    )
    rows = [
        ("alice private", alice["id"], False, ["a"], {"a": 1}, 1),
        ("alice public", alice["id"], True, ["a", "b"], {"a": "x"}, 2),
        ("bob private", bob["id"], False, ["c"], None, 3),
        ("bob public 100%_", bob["id"], True, [], [1, 2], -4.5),
        ("bob private 2", bob["id"], False, ["a", "b", "c"], "s", 0),
        ("alice private 2 'q' \"dq\" \\", alice["id"], False, [], {"b": {"c": True}}, 10),
    ]
    ids: list[str] = []
    visible: dict[str, set[str]] = {"guest": set(), "alice": set()}
    for i, (title, owner, public, tags, meta, n) in enumerate(rows):
        body = {
            "title": title,
            "owner": owner,
            "public": public,
            "tags": tags,
            "meta": meta,
            "n": n,
            "secret": f"HIDDEN-CANARY-{i}",
            "readers": [alice["id"], bob["id"]][: i % 3],
            "when": f"2024-01-0{i + 1} 10:00:00Z",
            "ref": ids[-1] if ids else "",
        }
        r = await client.post("/api/collections/notes/records", json=body, headers=su)
        assert r.status_code == 200, r.text
        ids.append(r.json()["id"])
        r = await client.post(
            "/api/collections/locked/records",
            json={"code": f"LOCKED-CANARY-{i}", "note": ids[-1]},
            headers=su,
        )
        assert r.status_code == 200, r.text
        if public:
            visible["guest"].add(ids[-1])
        if public or owner == alice["id"]:
            visible["alice"].add(ids[-1])
    return World({"guest": "", "alice": alice_token}, visible, {"alice": alice["id"], "bob": bob["id"]})


# Known Roost bugs the fuzzer finds: key -> (reason, engines, recogniser of the failing answer). A
# failure a recogniser claims does not fail the fuzz tests; its minimal example below is a strict
# xfail instead, so a fix shows up as an XPASS (then drop the entry). Anything else fails.


KNOWN_FUZZ: dict[str, tuple[str, tuple[str, ...], Any]] = {}
KNOWN_FUZZ_EXAMPLES = []


def known_cause(params: dict[str, str], status: int, text: str) -> str | None:
    for key, (_, engines, recognise) in KNOWN_FUZZ.items():
        if engine() in engines and recognise(params, status, text):
            return key
    return None


async def fuzz_list(
    client: Any, world: World, who: str, params: dict[str, str], tolerate_known: bool = True
) -> None:
    headers = {"Authorization": world.tokens[who]} if world.tokens[who] else {}
    r = await client.get(
        "/api/collections/notes/records", params={**params, "perPage": "100"}, headers=headers
    )
    if tolerate_known and known_cause(params, r.status_code, r.text):
        return
    where = f"GET notes {params!r} as {who}"
    assert r.status_code < 500, f"{where}: {r.status_code} {r.text}"
    sent = " ".join(params.values()).lower()
    for m in LEAK_RE.finditer(r.text):
        # error messages may quote the input back; only text the caller did not send is a leak
        assert m.group(0).lower() in sent, f"{where}: the answer shows a database error: {r.text[:500]}"
    if r.status_code != 200:
        return
    for canary in CANARIES:
        if canary.startswith("alice") and who == "alice":
            continue  # her own email
        assert canary not in r.text, f"{where}: the answer reveals {canary!r}: {r.text[:500]}"
    body = r.json()
    items = body.get("items", []) if isinstance(body, dict) else []
    for item in items:
        if isinstance(item, dict) and "id" in item:
            assert item["id"] in world.visible[who], (
                f"{where}: the listRule hides {item['id']}, yet it is listed"
            )
        check_expand(item, who, world, where)


def check_expand(record: Any, who: str, world: World, where: str) -> None:
    """Expanded users must be the caller's own record; expanded notes must pass the viewRule."""
    if not isinstance(record, dict):
        return
    expand = record.get("expand")
    if not isinstance(expand, dict):
        return
    for name, value in expand.items():
        for rec in value if isinstance(value, list) else [value]:
            if not isinstance(rec, dict):
                continue
            coll = rec.get("collectionName")
            if coll == "users":
                assert who != "guest" and rec.get("id") == world.user_ids[who], (
                    f"{where}: expand.{name} shows a user the caller may not view: {rec.get('id')}"
                )
            elif coll == "notes" and "id" in rec:
                assert rec["id"] in world.visible[who], f"{where}: expand.{name} shows note {rec['id']}"
            elif coll == "locked":
                pytest.fail(f"{where}: expand.{name} shows a record of a locked collection")
            check_expand(rec, who, world, where)


# --- inputs -----------------------------------------------------------------------------------------------------
FIELD_NAMES = [
    "id",
    "title",
    "n",
    "public",
    "tags",
    "meta",
    "meta.a",
    "meta.b.c",
    "when",
    "owner",
    "readers",
    "secret",
    "where",
    "where.lon",
    "ref",
    "created",
    "updated",
    "collectionId",
    "collectionName",
    "owner.email",
    "owner.name",
    "owner.password",
    "owner.tokenKey",
    "owner.verified",
    "readers.email",
    "readers.name",
    "ref.title",
    "ref.ref.ref.owner.email",
    "ref.secret",
    "locked_via_note.code",
    "notes_via_ref.title",
    "notes_via_ref.secret",
    "users",
    "nosuch",
    "expand",
    "*",
]
MODIFIERS = [":lower", ":each", ":length", ":isset", ":changed", ":upper", ":", ":excerpt(3,true)"]
SPECIAL = [
    "@request.auth.id",
    "@request.auth.email",
    "@request.auth.tokenKey",
    "@request.query.x",
    "@request.headers.authorization",
    "@request.body.title",
    "@request.method",
    "@request.context",
    "@collection.notes.secret",
    "@collection.locked.code",
    "@collection.users:u.email",
    "@collection.",
    "@request.",
    "@now",
    "@todayStart",
    "@year",
    "@random",
    "@rowid",
    "@",
    "#",
    "_",
    "@@",
]
LITERALS = [
    "''",
    '""',
    "'a'",
    '"x y"',
    "'%'",
    "'_'",
    "'\\''",
    '"\\""',
    "'\\\\'",
    "'\\%'",
    "'HIDDEN%'",
    "'LOCKED-CANARY-0'",
    "'alice-private@example.com'",
    "0",
    "-1",
    "1.5",
    "1e3",
    "1.",
    "-",
    "--1",
    "null",
    "true",
    "false",
    "NULL",
    "TRUE",
    "'2024-01-01'",
    "'🦆'",
    "'\\u0000'",
    "9" * 30,
]
SYNTAX = [
    "=",
    "!=",
    ">",
    ">=",
    "<",
    "<=",
    "~",
    "!~",
    "?=",
    "?!=",
    "?>",
    "?>=",
    "?<",
    "?<=",
    "?~",
    "?!~",
    "==",
    "&&",
    "||",
    "&",
    "|",
    "!",
    "?",
    "(",
    ")",
    "((",
    "))",
    "()",
    ",",
    " ",
    "  ",
    "\n",
    "\t",
    "\r",
    "//",
    "/",
    ";",
    "--",
    "/*",
    "*/",
    "'",
    '"',
    "\\",
    "`",
    "[",
    "]",
    "{:x}",
    "$1",
    "?1",
    ".",
    ":",
    "%",
    "\x00",
]
FUNCTIONS = [
    "strftime('%Y', when)",
    "strftime(",
    "strftime('%Y', when, 'unixepoch', 'a', 'b', 'c', 'd', 'e', 'f', 'g')",
    "geoDistance(where.lon, where.lat, 1, 2)",
    "geoDistance(",
    "nosuch(",
    "strftime(strftime(strftime(strftime('%Y'))))",
    "lower(title)",
    "json_extract(meta, '$.a')",
    "sqlite_version()",
]
VALID = [
    "title ~ 'alice'",
    "n > 1 && public = true",
    "tags:each ?= 'a'",
    "tags:length > 1",
    "owner.name = 'Alice'",
    "readers.name ?= 'Bob'",
    "meta.a = 1",
    "meta.b.c = true",
    "(n < 0 || n >= 10) && title != ''",
    "ref.title ~ 'public'",
    "notes_via_ref.n > 0",
    "locked_via_note.code ~ 'CANARY'",
    "secret ~ 'HIDDEN'",
    "owner.email ~ 'private'",
    "strftime('%d', when) = '02'",
    "geoDistance(where.lon, where.lat, 0, 0) < 10",
    "title:lower ~ 'bob' // comment",
    "@request.auth.id != '' && owner = @request.auth.id",
    "@collection.notes.secret ?~ 'HIDDEN' && id != ''",
    "created > @yesterday",
    "id = 'x' || id != 'y'",
    "n > 'abc'",
    "public = 'yes'",
    "meta.a > 'b'",
    "tags:length = 'x'",
    "when > 5",
    "where.lon = 'x'",
    "owner.verified = 'no'",
    "'a' = 1",
    "n ~ 'x'",
    "public ~ 1",
    "readers.name ?> 5",
    "meta ~ 5",
    "n < 99999999999999999999",
    "title = 1e400",
    "n > -0.000000000000000000001",
]

TOKENS = FIELD_NAMES + MODIFIERS + SPECIAL + LITERALS + SYNTAX + FUNCTIONS


def token_soup(max_tokens: int = 14) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(TOKENS), min_size=1, max_size=max_tokens).map("".join)


def spaced_soup(max_tokens: int = 10) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(TOKENS), min_size=1, max_size=max_tokens).map(" ".join)


OPERATORS = ["=", "!=", ">", ">=", "<", "<=", "~", "!~", "?=", "?!=", "?>", "?>=", "?<", "?<=", "?~", "?!~"]
OPERANDS = FIELD_NAMES + [
    f + m for f in ("title", "tags", "readers", "owner", "n", "meta") for m in MODIFIERS[:4]
]


@st.composite
def grammar(draw: st.DrawFn) -> str:
    """A well-formed expression over the notes schema: operand op operand, joined and grouped."""

    def condition() -> str:
        left = draw(st.sampled_from(OPERANDS + SPECIAL[:10] + FUNCTIONS[:1] + LITERALS[:4]))
        right = draw(st.sampled_from(LITERALS + OPERANDS[:20] + SPECIAL[:10]))
        return f"{left} {draw(st.sampled_from(OPERATORS))} {right}"

    text = condition()
    for _ in range(draw(st.integers(0, 3))):
        text = f"{text} {draw(st.sampled_from(['&&', '||']))} {condition()}"
        if draw(st.booleans()):
            text = f"({text})"
    return text


@st.composite
def mutated(draw: st.DrawFn, corpus: list[str]) -> str:
    """A valid expression with a few random edits: insert, delete, replace, duplicate, truncate, splice."""
    text = draw(st.one_of(st.sampled_from(corpus), grammar()) if corpus is VALID else st.sampled_from(corpus))
    for _ in range(draw(st.integers(0, 3))):
        op = draw(
            st.sampled_from(["insert", "delete", "replace", "duplicate", "truncate", "splice", "swapcase"])
        )
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 8)))
        piece = draw(st.one_of(st.sampled_from(TOKENS), st.text(max_size=3)))
        if op == "insert":
            text = text[:i] + piece + text[i:]
        elif op == "delete":
            text = text[:i] + text[j:]
        elif op == "replace":
            text = text[:i] + piece + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "truncate":
            text = text[:i]
        elif op == "splice":
            text = text[:i] + draw(st.sampled_from(corpus)) + text[j:]
        else:
            text = text[:i] + text[i:j].swapcase() + text[j:]
    return text


def inputs(corpus: list[str]) -> st.SearchStrategy[str]:
    structured = [grammar(), grammar()] if corpus is VALID else []
    return st.one_of(
        *structured,
        mutated(corpus),
        mutated(corpus),
        token_soup(),
        spaced_soup(),
        st.text(max_size=40),
        st.text(alphabet="()'\"\\&|=!~?<>@#.:%_, \n\tabcnt0123-", max_size=30),
    )


WHO = st.sampled_from(["guest", "alice"])

SORTS = [
    "-n,id",
    "title,-created",
    "owner.name,id",
    "-ref.title",
    "@rowid",
    "-@random",
    "tags:length",
    "meta.a",
    "where.lat,-id",
    "+title",
    "title:lower",
    "readers.name",
    "notes_via_ref.n",
    "secret",
]
EXPANDS = [
    "owner",
    "readers",
    "ref",
    "ref.ref.ref.ref.ref.ref.ref",
    "owner,readers,ref",
    "notes_via_ref",
    "locked_via_note",
    "notes_via_ref.owner",
    "ref.owner",
    "nosuch",
    "title",
    "ref.locked_via_note",
]
FIELDS = [
    "id,title",
    "*",
    "*,expand.owner.email",
    "id,secret",
    "title:excerpt(5,true)",
    "expand.ref.secret",
    "id,expand.locked_via_note.code",
    "items",
    "*,expand.*",
    "expand.ref.expand.ref.title",
    "owner,readers",
]


@FUZZ
@given(flt=inputs(VALID), who=WHO)
async def test_fuzz_filter(client: Any, world: World, flt: str, who: str) -> None:
    await fuzz_list(client, world, who, {"filter": flt})


@FUZZ
@given(sort=inputs(SORTS), who=WHO)
async def test_fuzz_sort(client: Any, world: World, sort: str, who: str) -> None:
    await fuzz_list(client, world, who, {"sort": sort})


@FUZZ
@given(expand=inputs(EXPANDS), who=WHO, flt=st.sampled_from(["", "id != ''", "public = false"]))
async def test_fuzz_expand(client: Any, world: World, expand: str, who: str, flt: str) -> None:
    await fuzz_list(client, world, who, {"expand": expand, **({"filter": flt} if flt else {})})


@FUZZ
@given(
    fields=inputs(FIELDS),
    expand=st.sampled_from(["", "owner,ref,readers", "ref.ref,notes_via_ref,locked_via_note"]),
    who=WHO,
)
async def test_fuzz_fields(client: Any, world: World, fields: str, expand: str, who: str) -> None:
    await fuzz_list(client, world, who, {"fields": fields, **({"expand": expand} if expand else {})})


@FUZZ
@given(flt=inputs(VALID), sort=inputs(SORTS), expand=inputs(EXPANDS), fields=inputs(FIELDS), who=WHO)
async def test_fuzz_all_together(
    client: Any, world: World, flt: str, sort: str, expand: str, fields: str, who: str
) -> None:
    await fuzz_list(client, world, who, {"filter": flt, "sort": sort, "expand": expand, "fields": fields})


@pytest.mark.parametrize(
    "key, who, params",
    [
        pytest.param(
            key, who, params, id=key, marks=pytest.mark.xfail(strict=True, reason=KNOWN_FUZZ[key][0])
        )
        for key, who, params in KNOWN_FUZZ_EXAMPLES
        if engine() in KNOWN_FUZZ[key][1]
    ],
)
async def test_known_fuzz_findings(
    client: Any, world: World, key: str, who: str, params: dict[str, str]
) -> None:
    await fuzz_list(client, world, who, params, tolerate_known=False)
