"""Hostile input on every endpoint: whatever arrives, never a 5xx, always PocketBase's error shape,
never a driver's or Python's text in an answer, and a refused write leaves everything as it was.

Bodies are random JSON of every type into every field type (hypothesis, bounded examples),
huge and negative numbers, deep nesting, unicode with lone surrogates and NUL, broken multipart
and urlencoded bodies, bad, forged and expired tokens, and bad query parameters. The state check
compares every collection definition, every record and every stored file before and after.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roost.core.auth import new_token
from roost.security import jwt
from tests.api import field_input_cases as cases
from tests.helpers import make_user

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.filterwarnings("ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning"),
]

EXAMPLES = int(os.environ.get("ROOST_HOSTILE_EXAMPLES", "40"))
HOSTILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# what leaked internals look like in an answer
LEAK_RE = re.compile(
    r"Traceback|sqlite|apsw|asyncpg|psycopg|syntax error|Invalid SQL|Database error|HINT:|DETAIL:"
    r"|OverflowError|ValueError|TypeError|KeyError|AttributeError|out of range for|object has no"
    r"|\bNone\b|\bTrue\b|\bFalse\b|\{'|', '|<class",
)
# what a Python representation looks like in a stored value
REPR_RE = re.compile(r"^(True|False|None)$|\{'|\['|', '|^\(.*,\)$")


def assert_sane(r: httpx.Response, what: str = "") -> None:
    """No 5xx; an error has exactly PocketBase's shape and leaks nothing."""
    assert r.status_code < 500, f"{what}: {r.status_code} {r.text[:500]}"
    if r.status_code >= 400:
        body = r.json()
        assert set(body) == {"data", "message", "status"}, f"{what}: {body}"
        assert body["status"] == r.status_code and isinstance(body["data"], dict), f"{what}: {body}"
        assert not LEAK_RE.search(body["message"]), f"{what}: {body}"
        for err in body["data"].values():
            if isinstance(err, dict) and isinstance(err.get("message"), str):
                assert not LEAK_RE.search(err["message"]), f"{what}: {body}"


def assert_no_repr(record: dict[str, Any], what: str) -> None:
    for key, value in record.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, str) and key not in ("json",):
                assert not REPR_RE.search(v), f"{what}: {key}={v!r}"


class World:
    def __init__(self, client: httpx.AsyncClient, app: Any, su: dict[str, str]) -> None:
        self.client, self.app, self.su = client, app, su
        self.user_token = ""
        self.user_id = ""
        self.record_id = ""

    async def quick_state(self) -> Any:
        """The definitions, the records a broken request could touch, and the stored files."""
        colls = (await self.client.get("/api/collections", params={"perPage": 500}, headers=self.su)).json()
        out = [colls]
        for name in (cases.COLLECTION, "users"):
            r = await self.client.get(
                f"/api/collections/{name}/records", params={"perPage": 1000, "sort": "id"}, headers=self.su
            )
            out.append(r.json())
        for folder, _, names in os.walk(self.app.storage.root):
            out.append(sorted(os.path.join(folder, n) for n in names))
        return out

    async def state(self) -> Any:
        """Every definition, record and stored file, as a superuser sees them."""
        r = await self.client.get("/api/collections", params={"perPage": 500}, headers=self.su)
        colls = sorted(r.json()["items"], key=lambda c: c["id"])
        records = {}
        for c in colls:
            r = await self.client.get(
                f"/api/collections/{c['id']}/records", params={"perPage": 1000, "sort": "id"}, headers=self.su
            )
            records[c["name"]] = r.json().get("items")
        files = []
        for folder, _, names in os.walk(self.app.storage.root):
            files += [os.path.join(folder, n) for n in names]
        settings_ = (await self.client.get("/api/settings", headers=self.su)).json()
        return colls, records, sorted(files), settings_


@pytest.fixture
async def world(client: httpx.AsyncClient, app: Any, su: dict[str, str]) -> World:
    w = World(client, app, su)
    await cases.setup(client, su)
    user, token = await make_user(client, "hostile@example.com")
    w.user_id, w.user_token = user["id"], token
    r = await client.post(f"/api/collections/{cases.COLLECTION}/records", json={"text": "seed", "number": 1})
    assert r.status_code == 200, r.text
    w.record_id = r.json()["id"]
    return w


# --- values -----------------------------------------------------------------------------------------
BIG = st.sampled_from([2**53 + 1, 2**63, -(2**63) - 1, 10**20, -(10**20), 10**300, 1e308, -1e308, 5e-324])
TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=12) | st.sampled_from(
    ["", "\x00", "\ud800", "\udfff", "a\x00b", "😀", "true", "[1,2]", '{"a":1}', "null"]
)
SCALARS = (
    st.none() | st.booleans() | st.integers() | BIG | st.floats(allow_nan=False, allow_infinity=False) | TEXT
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
FIELD_NAMES = [f["name"] for f in cases.FIELDS] + ["id", "unknown", "collectionId", "expand"]
KEYS = st.sampled_from(FIELD_NAMES).flatmap(
    lambda n: st.sampled_from([n, n + "+", "+" + n, n + "-", n + ":autogenerate"])
)
BODIES = st.dictionaries(KEYS, JSON_VALUES, max_size=6)


def encode(body: Any) -> bytes:
    """JSON text that keeps lone surrogates as escapes (json.dumps does, orjson would refuse)."""
    return json.dumps(body, ensure_ascii=True).encode()


def form_items(body: dict[str, Any]) -> list[tuple[str, str]]:
    items = []
    for k, v in body.items():
        for item in v if isinstance(v, list) else [v]:
            items.append((k, item if isinstance(item, str) else json.dumps(item)))
    return items


def urlencoded(body: dict[str, Any]) -> bytes:
    from urllib.parse import quote

    return "&".join(
        f"{quote(k.encode('utf-8', 'surrogatepass'))}={quote(v.encode('utf-8', 'surrogatepass'))}"
        for k, v in form_items(body)
    ).encode()


def multipart(body: dict[str, Any]) -> tuple[bytes, str]:
    boundary = "hostileBoundary42"
    out = b""
    for k, v in form_items(body):
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="'.encode()
        out += (
            k.encode("utf-8", "surrogatepass") + b'"\r\n\r\n' + v.encode("utf-8", "surrogatepass") + b"\r\n"
        )
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


async def send_record_write(
    world: World, method: str, url: str, body: dict[str, Any], kind: str
) -> httpx.Response:
    if kind == "json":
        return await world.client.request(
            method, url, content=encode(body), headers={"content-type": "application/json"}
        )
    if kind == "urlencoded":
        return await world.client.request(
            method,
            url,
            content=urlencoded(body),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    content, ctype = multipart(body)
    return await world.client.request(method, url, content=content, headers={"content-type": ctype})


# --- records: random JSON of every type into every field type --------------------------------------
@HOSTILE
@given(body=BODIES, kind=st.sampled_from(["json", "urlencoded", "multipart"]), update=st.booleans())
async def test_random_values_into_every_field(
    world: World, body: dict[str, Any], kind: str, update: bool
) -> None:
    before = await world.state()
    url = f"/api/collections/{cases.COLLECTION}/records"
    method = "PATCH" if update else "POST"
    if update:
        url += f"/{world.record_id}"
    r = await send_record_write(world, method, url, body, kind)
    assert_sane(r, f"{method} {kind} {body!r}")
    if r.status_code == 200:
        assert_no_repr(r.json(), f"{method} {kind} {body!r}")
    else:
        assert await world.state() == before, f"partial write: {method} {kind} {body!r}"


# --- collection definitions ------------------------------------------------------------------------
FIELD_TYPES = st.sampled_from(
    [
        "text",
        "number",
        "bool",
        "email",
        "url",
        "editor",
        "date",
        "autodate",
        "select",
        "json",
        "relation",
        "file",
        "password",
        "geoPoint",
        "nope",
        "",
        None,
        5,
    ]
)
OPTION_KEYS = st.sampled_from(
    [
        "max",
        "min",
        "pattern",
        "values",
        "maxSelect",
        "maxSize",
        "required",
        "hidden",
        "collectionId",
        "onlyInt",
        "onCreate",
        "mimeTypes",
        "thumbs",
        "cascadeDelete",
        "primaryKey",
        "id",
        "system",
        "autogeneratePattern",
    ]
)
FIELD_SPECS = st.fixed_dictionaries(
    {"name": TEXT | st.sampled_from(["f1", "f2", "id", "expand"]), "type": FIELD_TYPES},
    optional={"opts": st.dictionaries(OPTION_KEYS, JSON_VALUES, max_size=3)},
).map(lambda d: {**{k: v for k, v in d.items() if k != "opts"}, **d.get("opts", {})})
DEFINITIONS = st.fixed_dictionaries(
    {"name": st.sampled_from(["hc", "hc2", "inp", "_pb_users_auth_"]) | TEXT},
    optional={
        "type": st.sampled_from(["base", "auth", "view", "x"]) | JSON_VALUES,
        "fields": st.lists(FIELD_SPECS, max_size=3) | JSON_VALUES,
        "listRule": st.sampled_from(["", "id = 1", "@request.auth.id != ''", "((", None]) | JSON_VALUES,
        "indexes": st.lists(st.sampled_from(["CREATE INDEX x ON hc (f1)", "garbage", ""]), max_size=2)
        | JSON_VALUES,
    },
)


@HOSTILE
@given(definition=DEFINITIONS, update=st.booleans())
async def test_random_collection_definitions(world: World, definition: dict[str, Any], update: bool) -> None:
    before = await world.state()
    if update:
        r = await world.client.patch(
            f"/api/collections/{cases.COLLECTION}",
            content=encode(definition),
            headers={**world.su, "content-type": "application/json"},
        )
    else:
        r = await world.client.post(
            "/api/collections",
            content=encode(definition),
            headers={**world.su, "content-type": "application/json"},
        )
    assert_sane(r, f"{definition!r}")
    if r.status_code != 200:
        assert await world.state() == before, f"partial write: {definition!r}"
    else:
        cid = r.json()["id"]
        if not update:
            assert_sane(await world.client.delete(f"/api/collections/{cid}", headers=world.su))


# --- every endpoint with broken bodies, tokens and query parameters ----------------------------------
def endpoints(w: World) -> list[tuple[str, str]]:
    c, rid = cases.COLLECTION, w.record_id
    return [
        ("GET", "/api/collections"),
        ("POST", "/api/collections"),
        ("GET", f"/api/collections/{c}"),
        ("PATCH", f"/api/collections/{c}"),
        ("GET", "/api/collections/meta/scaffolds"),
        ("GET", f"/api/collections/{c}/records"),
        ("POST", f"/api/collections/{c}/records"),
        ("GET", f"/api/collections/{c}/records/{rid}"),
        ("PATCH", f"/api/collections/{c}/records/{rid}"),
        ("GET", "/api/collections/users/auth-methods"),
        ("POST", "/api/collections/users/auth-with-password"),
        ("POST", "/api/collections/users/auth-refresh"),
        ("POST", "/api/batch"),
        ("POST", "/api/realtime"),
        ("GET", "/api/settings"),
        ("PATCH", "/api/settings"),
        ("POST", "/api/files/token"),
        ("GET", f"/api/files/{c}/{rid}/nope.txt"),
        ("GET", "/api/health"),
    ]


DEEP = b"[" * 100_000 + b"]" * 100_000
BROKEN_BODIES: list[tuple[str, bytes]] = [
    ("application/json", b"{"),
    ("application/json", b"[1,2]"),
    ("application/json", b'"x"'),
    ("application/json", b"null"),
    ("application/json", b'{"a":' + DEEP + b"}"),
    ("application/json", b'{"a":1e400}'),
    ("application/json", b'{"a":' + b"9" * 5000 + b"}"),
    ("application/json", b'{"a":"\\ud800"}'),
    ("application/json", b'{"a":"\x00"}'),
    ("application/json", b"\xff\xfe\x00{"),
    (
        "application/json",
        b'{"requests":[{"method":"POST","url":"/api/collections/inp/records","body":' + DEEP + b"}]}",
    ),
    (
        "application/json",
        b'{"requests":"x","clientId":5,"subscriptions":{"a":1},"identity":[],"password":{}}',
    ),
    (
        "application/json",
        b'{"requests":[{"method":"DELETE","url":"/api/collections/inp/records/x/../../"}],"clientId":"\\u0000"}',
    ),
    ("multipart/form-data", b"--x\r\n"),
    ("multipart/form-data; boundary=x", b'--x\r\nContent-Disposition: form-data; name="text"\r\n\r\nabc'),
    ("multipart/form-data; boundary=x", b"--x\r\n" + b"X-Big: " + b"a" * 200_000 + b"\r\n\r\nv\r\n--x--\r\n"),
    (
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="@jsonPayload"\r\n\r\n[1]\r\n--x--\r\n',
    ),
    (
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="file1"; filename="../../a"\r\n\r\n\x00\r\n--x--\r\n',
    ),
    ("multipart/form-data; boundary=" + "b" * 300, b"garbage"),
    ("application/x-www-form-urlencoded", b"text=%ff%fe&number=%00&=&&==&json=%7B"),
    ("application/x-www-form-urlencoded", b"%zz=%"),
    ("text/plain", b"\x00\x01\x02"),
    ("", b""),
]


async def tokens(w: World) -> dict[str, str]:
    users = w.app.registry.find("users")
    q = w.app.dialect.quote
    key = await w.app.db.fetch_val(
        f"SELECT {q('tokenKey')} FROM {q(users.table)} WHERE {q('id')} = ?", [w.user_id]
    )
    record = {"id": w.user_id, "tokenKey": key}
    valid = w.user_token
    head, _, _ = valid.split(".")
    return {
        "guest": "",
        "garbage": "not-a-token",
        "bearer-garbage": "Bearer \x7f\x00",
        "expired": new_token(users, record, duration=-60),
        "forged-signature": jwt.sign({**(jwt.decode_unverified(valid) or {}), "id": "other"}, "wrong-secret"),
        "alg-none": head + "." + valid.split(".")[1] + ".",
        "huge": "a." * 50_000,
        "superuser-claims": jwt.sign(
            {"id": "x", "type": "auth", "collectionId": "pbc_3142635823", "exp": 2**62}, ""
        ),
        "user": valid,
    }


async def test_broken_bodies_and_tokens_on_every_endpoint(world: World) -> None:
    toks = await tokens(world)
    for method, path in endpoints(world):
        for who in ("guest", "forged-signature") if path != "/api/settings" else ("guest", "superuser"):
            token = world.su["Authorization"] if who == "superuser" else toks[who]
            headers = {"authorization": token} if token else {}
            for ctype, body in BROKEN_BODIES if method != "GET" else [("", b"")]:
                before = await world.quick_state() if method != "GET" else None
                h = {**headers, **({"content-type": ctype} if ctype else {})}
                r = await world.client.request(method, path, content=body, headers=h)
                what = f"{method} {path} as {who} with {ctype[:40]} {body[:60]!r}"
                assert_sane(r, what)
                if before is not None and r.status_code >= 400:
                    assert await world.quick_state() == before, f"partial write: {what}"


async def test_tokens_never_break_an_endpoint(world: World) -> None:
    toks = await tokens(world)
    for who, token in toks.items():
        for method, path in endpoints(world):
            if method != "GET":
                continue
            r = await world.client.request(method, path, headers={"authorization": token} if token else {})
            assert_sane(r, f"{method} {path} as {who}")
        r = await world.client.post(
            "/api/collections/users/auth-refresh", headers={"authorization": token} if token else {}
        )
        assert_sane(r, f"auth-refresh as {who}")
        if who != "user":
            assert r.status_code == 401, who


QUERY_VALUES = st.sampled_from(
    [
        "99999999999999999999",
        "-1",
        "0",
        "1e3",
        "abc",
        " 1",
        "1_0",
        "",
        "\x00",
        "%",
        "id",
        "-id,+text",
        "((",
        "*",
        "id,text:excerpt(99999999999999999999)",
        "rel1.nope.nope",
        "true",
        "ä😀",
        "9" * 400,
    ]
)
QUERIES = st.dictionaries(
    st.sampled_from(
        ["page", "perPage", "sort", "filter", "expand", "fields", "skipTotal", "thumb", "download"]
    ),
    QUERY_VALUES,
    max_size=4,
)


@HOSTILE
@given(query=QUERIES, superuser=st.booleans())
async def test_bad_query_parameters(world: World, query: dict[str, str], superuser: bool) -> None:
    headers = world.su if superuser else {}
    for path in (
        f"/api/collections/{cases.COLLECTION}/records",
        f"/api/collections/{cases.COLLECTION}/records/{world.record_id}",
        "/api/collections",
        f"/api/files/{cases.COLLECTION}/{world.record_id}/x.png",
    ):
        r = await world.client.get(path, params=query, headers=headers)
        assert_sane(r, f"{path} {query!r}")


async def test_huge_page_answers_400_as_pocketbase(world: World) -> None:
    for path in (f"/api/collections/{cases.COLLECTION}/records", "/api/collections"):
        for q in ("page=99999999999999999999", "perPage=99999999999999999999", "page=%201", "page=1_0"):
            r = await world.client.get(f"{path}?{q}", headers=world.su)
            assert r.status_code == 400, (path, q, r.text)
            assert r.json() == {
                "data": {},
                "message": "Something went wrong while processing your request.",
                "status": 400,
            }
        r = await world.client.get(f"{path}?page=9223372036854775807", headers=world.su)
        assert r.status_code == 200 and r.json()["items"] == []
