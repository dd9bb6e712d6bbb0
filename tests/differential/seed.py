"""The schema and data seeded, identically and through the HTTP API, into PocketBase and Roost.

Record ids are fixed (15 characters, [a-z0-9]) so that both servers hold the same rows. Relation
fields name their target as "@collectionName"; `Seeder` replaces that with the id each server gave
the collection (they should be equal: collection ids are derived from crc32 of type and name).

What the data covers: text with `%`, `_`, quotes, backslashes, unicode and case variants, empty
values, numbers as text, negative and fractional numbers, single and multiple selects, JSON of
every shape, dates relative to now (for the macros), geo points, single/multiple/self relations,
back-relations (plain, multiple and unique-indexed), four levels of relations (posts -> users ->
teams -> teams -> teams), users with tokens, and collections guarded by rules.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.differential.servers import SU_EMAIL, SU_PASSWORD

NOW = datetime.now(UTC)
PASSWORD = "Secret-pass-123"


def rid(prefix: str, n: int) -> str:
    """A 15-character record id: the prefix padded with digits."""
    return prefix + str(n).rjust(15 - len(prefix), "0")


def dt(delta_days: float = 0, base: datetime | None = None) -> str:
    value = (base or NOW) + timedelta(days=delta_days)
    return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def fixed(text: str) -> str:
    return dt(0, datetime.fromisoformat(text).replace(tzinfo=UTC))


T = {n: rid("team", n) for n in range(1, 8)}
U = {name: rid("user" + name[:3], 1) for name in ("alice", "bob", "carol", "dave", "eve")}
P = {n: rid("post", n) for n in range(1, 16)}
C = {n: rid("comm", n) for n in range(1, 17)}


def text(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": "text", **extra}


def rel(name: str, target: str, max_select: int = 1, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": "relation", "collectionId": "@" + target, "maxSelect": max_select, **extra}


def select(name: str, values: list[str], max_select: int = 1) -> dict[str, Any]:
    return {"name": name, "type": "select", "values": values, "maxSelect": max_select}


# --- schema -----------------------------------------------------------------------------------------
# Each step is (step, collection, spec). "create" makes a collection; "add_fields" appends fields to
# an existing one (self and circular relations need the collection to exist first); "update" patches
# other keys (rules that name collections created later). A step whose name ends in "?" may fail on
# one server: the failure is recorded in `Seeder.failed_steps` and cases that depend on it say so.
SCHEMA: list[tuple[str, str, dict[str, Any]]] = [
    (
        "create",
        "teams",
        {
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "fields": [
                text("name"),
                {"name": "score", "type": "number"},
                {"name": "active", "type": "bool"},
                select("colors", ["red", "green", "blue", "x y"], 4),
                {"name": "meta", "type": "json"},
            ],
        },
    ),
    ("add_fields", "teams", {"fields": [rel("parent", "teams")]}),
    (
        "add_fields",
        "users",
        {
            "fields": [
                select("role", ["admin", "member", "guest"]),
                rel("team", "teams"),
                {"name": "age", "type": "number"},
                text("nickname", hidden=True),
            ]
        },
    ),
    ("add_fields", "teams", {"fields": [rel("leader", "users")]}),
    ("add_fields", "teams", {"fields": [rel("members", "users", 5)]}),
    (
        "create",
        "posts",
        {
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "fields": [
                text("title"),
                {"name": "body", "type": "editor"},
                {"name": "views", "type": "number"},
                {"name": "rating", "type": "number"},
                {"name": "published", "type": "bool"},
                select("status", ["draft", "published", "archived"]),
                select("tags", ["a", "b", "c", "d", "e%", "f_"], 6),
                rel("author", "users"),
                rel("coauthors", "users", 5),
                rel("team", "teams"),
                {"name": "meta", "type": "json"},
                {"name": "publishedAt", "type": "date"},
                {"name": "location", "type": "geoPoint"},
                text("slug"),
            ],
            "indexes": ["CREATE UNIQUE INDEX `idx_posts_slug` ON `posts` (`slug`) WHERE `slug` != ''"],
        },
    ),
    ("add_fields", "posts", {"fields": [rel("related", "posts", 5)]}),
    (
        "create",
        "comments",
        {
            "type": "base",
            "listRule": "",
            "viewRule": "flagged = false",
            "fields": [
                text("text"),
                rel("post", "posts"),
                rel("user", "users"),
                {"name": "likes", "type": "number"},
                {"name": "flagged", "type": "bool"},
            ],
        },
    ),
    ("add_fields", "comments", {"fields": [rel("parent", "comments")]}),
    (
        "create",
        "labels",
        {
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "fields": [text("name"), rel("posts", "posts", 10)],
        },
    ),
    (
        "create",
        "profiles",
        {
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "fields": [text("bio"), rel("user", "users")],
            "indexes": ["CREATE UNIQUE INDEX `idx_profiles_user` ON `profiles` (`user`)"],
        },
    ),
    (
        "create",
        "secrets",
        {
            "type": "base",
            "listRule": None,
            "viewRule": None,
            "fields": [text("code"), rel("post", "posts")],
        },
    ),
    # --- rule-guarded collections ---
    (
        "create",
        "notes",
        {
            "type": "base",
            "listRule": "public = true || owner = @request.auth.id || shared.id ?= @request.auth.id",
            "viewRule": "owner = @request.auth.id || @request.auth.role = 'admin'",
            "fields": [
                text("text"),
                rel("owner", "users"),
                rel("shared", "users", 5),
                {"name": "public", "type": "bool"},
            ],
        },
    ),
    ("create", "projects", {"type": "base", "fields": [text("name"), rel("team", "teams")]}),
    (
        "create",
        "memberships",
        {
            "type": "base",
            "listRule": "user = @request.auth.id",
            "viewRule": "user = @request.auth.id",
            "fields": [rel("user", "users"), rel("project", "projects"), select("role", ["owner", "viewer"])],
        },
    ),
    (
        "update",
        "projects",
        {
            "listRule": "@request.auth.id != '' && @collection.memberships.user ?= @request.auth.id"
            " && @collection.memberships.project ?= id",
            "viewRule": "@request.auth.team = team || @request.auth.role = 'admin'",
        },
    ),
    (
        "create",
        "gated",
        {
            "type": "base",
            "listRule": "@request.headers.x_key = 'open-sesame' || @request.query.key = 'k1'"
            " || @request.auth.verified = false || @request.auth.age < 20",
            "viewRule": None,
            "fields": [text("name")],
        },
    ),
    # a rule that walks a relation of the auth record; Roost rejects it when saving the collection
    (
        "update?",
        "gated",
        {
            "viewRule": "@request.method = 'GET' && @request.context = 'default'"
            " && @request.auth.team.name = 'Web'"
        },
    ),
    (
        "create",
        "tasks",
        {
            "type": "base",
            "listRule": "owner = @request.auth.id",
            "viewRule": "owner = @request.auth.id",
            "createRule": "@request.auth.id != '' && @request.body.owner = @request.auth.id"
            " && (@request.body.status:isset = false || @request.body.status = 'open')"
            " && @request.body.tags:length <= 2",
            "updateRule": "owner = @request.auth.id && @request.body.owner:changed = false"
            " && (@request.body.priority:isset = false || @request.body.priority <= 5)"
            " && @request.body.title:lower !~ 'forbidden'",
            "deleteRule": "owner = @request.auth.id && status = 'done'",
            "fields": [
                text("title"),
                rel("owner", "users"),
                select("status", ["open", "done"]),
                {"name": "priority", "type": "number"},
                select("tags", ["x", "y", "z"], 3),
            ],
        },
    ),
    # --- the generated cases' collections (tests/differential/generated.py) ---
    (
        "create",
        "staff",
        {
            "type": "base",
            "listRule": "active = true || @request.auth.id != ''",
            "viewRule": "active = true || @request.auth.id != ''",
            "fields": [
                text("name"),
                {"name": "active", "type": "bool"},
                {"name": "level", "type": "number"},
                {"name": "contact", "type": "email"},
                select("skills", ["go", "py", "js", "sql"], 4),
                select("role", ["lead", "dev", "qa"]),
                {"name": "joined", "type": "date"},
                {"name": "meta", "type": "json"},
                rel("team", "teams"),
                rel("user", "users"),
            ],
        },
    ),
    ("add_fields", "staff", {"fields": [rel("mentor", "staff")]}),
    (
        "create",
        "docs",
        {
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "fields": [
                text("title"),
                {"name": "pages", "type": "number"},
                {"name": "draft", "type": "bool"},
                {"name": "due", "type": "date"},
                select("kind", ["memo", "spec", "note"]),
                select("labels", ["x", "y", "z", "w"], 4),
                {"name": "meta", "type": "json"},
                {"name": "contact", "type": "email"},
                rel("owner", "users"),
                rel("lead", "staff"),
                rel("reviewers", "staff", 5),
                rel("team", "teams"),
            ],
        },
    ),
    ("add_fields", "staff", {"fields": [rel("watching", "docs", 5)]}),
    (
        "create",
        "reviews",
        {
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "fields": [
                rel("doc", "docs"),
                text("body"),
                {"name": "score", "type": "number"},
                {"name": "approved", "type": "bool"},
                rel("author", "users"),
                rel("staffer", "staff"),
            ],
        },
    ),
    (
        "create",
        "boards",
        {
            "type": "base",
            "listRule": "public = true || watchers.level ?> 3",
            "viewRule": "",
            "fields": [
                text("name"),
                {"name": "public", "type": "bool"},
                rel("watchers", "staff", 5),
                rel("members", "users", 5),
            ],
        },
    ),
    # --- view collections (portable SELECTs: they run on PostgreSQL too) ---
    (
        "create",
        "post_stats",
        {
            "type": "view",
            "listRule": "",
            "viewRule": "",
            "viewQuery": "select p.id, p.title, p.views, p.author, p.status, p.tags, p.meta, "
            "count(c.id) as comments, total(c.likes) as likes, max(c.likes) as top "
            "from posts p left join comments c on c.post = p.id group by p.id",
        },
    ),
    (
        "create",
        "author_stats",
        {
            "type": "view",
            "listRule": "",
            "viewRule": "",
            "viewQuery": "select u.id, u.name, u.team, count(p.id) as posts, "
            "(coalesce(sum(p.views), 0)) as views, "
            "(case when count(p.id) > 2 then 'busy' else 'calm' end) as level, "
            "cast(count(p.id) as text) as label "
            "from users u left join posts p on p.author = u.id group by u.id",
        },
    ),
    (
        "create",
        "note_view",
        {
            "type": "view",
            "listRule": "owner = @request.auth.id || public = true",
            "viewRule": "owner = @request.auth.id",
            "viewQuery": "select n.id, n.text, n.owner, n.public from notes n",
        },
    ),
]

# --- data ---------------------------------------------------------------------------------------------
GEO = {
    "sofia": {"lon": 23.3219, "lat": 42.6977},
    "london": {"lon": -0.1276, "lat": 51.5072},
    "nyc": {"lon": -74.006, "lat": 40.7128},
    "tokyo": {"lon": 139.6917, "lat": 35.6895},
    "zero": {"lon": 0, "lat": 0},
    "plovdiv": {"lon": 24.7453, "lat": 42.1354},
}

TEAMS: list[dict[str, Any]] = [
    {
        "id": T[1],
        "name": "Core",
        "score": 10,
        "active": True,
        "colors": ["red", "blue"],
        "meta": {"level": 1},
    },
    {
        "id": T[2],
        "name": "Web",
        "score": 7.5,
        "active": True,
        "colors": ["green"],
        "parent": T[1],
        "meta": {"level": 2, "stack": ["js", "py"]},
    },
    {"id": T[3], "name": "Mobile", "score": -3, "active": False, "colors": [], "parent": T[2], "meta": None},
    {
        "id": T[4],
        "name": "Ops",
        "score": 0,
        "active": True,
        "colors": ["x y", "red"],
        "parent": T[3],
        "meta": {"level": "4"},
    },
    {"id": T[5], "name": "", "score": 0, "active": False, "colors": [], "meta": []},
    {
        "id": T[6],
        "name": "Équipe 日本",
        "score": 99,
        "active": True,
        "colors": ["blue"],
        "parent": T[1],
        "meta": "text",
    },
    {
        "id": T[7],
        "name": "core",
        "score": 1,
        "active": True,
        "colors": ["red", "green", "blue"],
        "parent": T[6],
    },
]

USERS: list[dict[str, Any]] = [
    {
        "id": U["alice"],
        "email": "alice@example.com",
        "name": "Alice",
        "role": "admin",
        "team": T[2],
        "age": 30,
        "emailVisibility": True,
        "verified": True,
        "nickname": "ally",
    },
    {
        "id": U["bob"],
        "email": "bob@example.com",
        "name": "bob",
        "role": "member",
        "team": T[3],
        "age": 25,
        "verified": True,
    },
    {
        "id": U["carol"],
        "email": "carol@example.com",
        "name": "Carol O'Neil",
        "role": "member",
        "team": T[1],
        "age": 41,
        "emailVisibility": True,
        "verified": False,
        "nickname": "cc",
    },
    {"id": U["dave"], "email": "dave@example.com", "name": "", "role": "guest", "age": 0, "verified": False},
    {
        "id": U["eve"],
        "email": "eve@example.com",
        "name": 'Eve "the" Hacker\\',
        "role": "member",
        "team": T[4],
        "age": 19,
        "verified": True,
    },
]

TEAM_LEADERS = {T[1]: U["alice"], T[2]: U["bob"], T[3]: U["carol"], T[6]: U["alice"]}

POSTS: list[dict[str, Any]] = [
    {
        "id": P[1],
        "title": "Hello World",
        "body": "<p>Hello <b>brave</b> new world</p>",
        "views": 100,
        "rating": 4.5,
        "published": True,
        "status": "published",
        "tags": ["a", "b"],
        "author": U["alice"],
        "coauthors": [U["bob"], U["carol"]],
        "team": T[2],
        "meta": {"a": 1, "b": {"c": "x"}, "list": [1, 2, 3]},
        "publishedAt": dt(-3),
        "location": GEO["sofia"],
        "slug": "hello-world",
    },
    {
        "id": P[2],
        "title": "hello world",
        "body": "<p>lower case</p>",
        "views": 5,
        "rating": -1.25,
        "published": False,
        "status": "draft",
        "tags": ["a"],
        "author": U["bob"],
        "coauthors": [U["alice"]],
        "team": T[3],
        "meta": {"a": "1"},
        "publishedAt": dt(3),
        "location": GEO["london"],
        "related": [P[1]],
        "slug": "hello-lower",
    },
    {
        "id": P[3],
        "title": "50% off",
        "body": "",
        "views": 0,
        "rating": 0,
        "published": True,
        "status": "archived",
        "tags": ["e%"],
        "author": U["carol"],
        "coauthors": [],
        "team": T[1],
        "meta": None,
        "publishedAt": fixed("2000-01-01 00:00:00"),
        "location": GEO["nyc"],
        "related": [P[1], P[2]],
    },
    {
        "id": P[4],
        "title": "snake_case title",
        "views": 42,
        "rating": 3,
        "published": True,
        "status": "published",
        "tags": ["f_", "a"],
        "author": U["alice"],
        "coauthors": [U["alice"], U["bob"], U["eve"]],
        "team": T[4],
        "meta": [],
        "publishedAt": fixed("2099-12-31 23:59:59"),
        "location": GEO["tokyo"],
        "slug": "snake",
    },
    {
        "id": P[5],
        "title": 'He said "hi"',
        "views": 7,
        "rating": 2.75,
        "published": False,
        "status": "draft",
        "tags": [],
        "author": U["dave"],
        "coauthors": [U["dave"]],
        "meta": "plain string",
        "publishedAt": "",
        "location": GEO["zero"],
        "related": [P[3]],
    },
    {
        "id": P[6],
        "title": "O'Reilly's book",
        "views": 13,
        "rating": 5,
        "published": True,
        "status": "published",
        "tags": ["b", "c", "d"],
        "author": U["eve"],
        "coauthors": [U["carol"]],
        "team": T[6],
        "meta": 5,
        "publishedAt": dt(-40),
        "location": GEO["plovdiv"],
        "slug": "oreilly",
    },
    {
        "id": P[7],
        "title": "back\\slash",
        "views": 8,
        "rating": 1,
        "published": False,
        "status": "",
        "tags": ["c"],
        "author": U["bob"],
        "coauthors": [U["bob"], U["eve"]],
        "team": T[2],
        "meta": True,
        "publishedAt": dt(400),
        "location": GEO["sofia"],
    },
    {
        "id": P[8],
        "title": "ünïcödé 日本語",
        "views": 21,
        "rating": 4.5,
        "published": True,
        "status": "published",
        "tags": ["a", "b", "c", "d"],
        "author": U["carol"],
        "coauthors": [U["alice"], U["carol"]],
        "team": T[7],
        "meta": {"a": None, "tags": ["x", "y"]},
        "publishedAt": dt(-1),
        "location": GEO["tokyo"],
        "related": [P[1], P[4], P[6]],
        "slug": "unicode",
    },
    {
        "id": P[9],
        "title": "",
        "views": -5,
        "rating": -0.5,
        "published": False,
        "status": "draft",
        "tags": ["d"],
        "coauthors": [],
        "meta": {"a": 2, "b": {"c": "y"}},
        "publishedAt": "",
        "location": GEO["zero"],
    },
    {
        "id": P[10],
        "title": "5",
        "views": 5,
        "rating": 5,
        "published": True,
        "status": "published",
        "tags": ["a", "d"],
        "author": U["alice"],
        "coauthors": [U["eve"]],
        "team": T[5],
        "meta": {"n": 5},
        "publishedAt": dt(0.5),
        "location": GEO["london"],
        "related": [P[9], P[5]],
    },
    {
        "id": P[11],
        "title": "5.0",
        "views": 10,
        "rating": 10,
        "published": True,
        "status": "archived",
        "tags": ["b"],
        "author": U["eve"],
        "coauthors": [U["alice"], U["bob"], U["carol"], U["dave"], U["eve"]],
        "team": T[4],
        "meta": {"n": "5"},
        "publishedAt": dt(-0.5),
        "location": GEO["nyc"],
        "slug": "five",
    },
    {
        "id": P[12],
        "title": "10",
        "views": 1000000,
        "rating": 0.1,
        "published": False,
        "status": "published",
        "tags": ["c", "a"],
        "author": U["carol"],
        "coauthors": [U["dave"]],
        "meta": {"list": [3, 4]},
        "publishedAt": dt(10),
        "location": GEO["plovdiv"],
    },
    {
        "id": P[13],
        "title": "HELLO again",
        "views": 3,
        "rating": 3,
        "published": True,
        "status": "draft",
        "tags": ["b", "a"],
        "author": U["alice"],
        "coauthors": [U["bob"]],
        "team": T[1],
        "meta": {"b": {"c": "x"}},
        "publishedAt": dt(-400),
        "location": GEO["sofia"],
        "related": [P[12], P[2]],
    },
    {
        "id": P[14],
        "title": "a\\%b and a_b",
        "views": 11,
        "rating": 1.5,
        "published": True,
        "status": "archived",
        "tags": ["e%", "f_"],
        "author": U["bob"],
        "coauthors": [],
        "team": T[2],
        "meta": {"a": 1},
        "publishedAt": dt(2),
        "location": GEO["london"],
    },
    {
        "id": P[15],
        "title": "Line\nbreak\ttab",
        "views": 9,
        "rating": 2,
        "published": False,
        "status": "published",
        "tags": [],
        "author": U["eve"],
        "coauthors": [U["carol"], U["alice"]],
        "team": T[3],
        "meta": {"b": None},
        "publishedAt": fixed("2024-02-29 12:30:00"),
        "location": GEO["zero"],
        "slug": "linebreak",
    },
]

COMMENTS: list[dict[str, Any]] = [
    {"id": C[1], "text": "First!", "post": P[1], "user": U["bob"], "likes": 3},
    {"id": C[2], "text": "Nice post", "post": P[1], "user": U["carol"], "likes": 10, "parent": C[1]},
    {"id": C[3], "text": "spam spam", "post": P[1], "user": U["eve"], "likes": 0, "flagged": True},
    {"id": C[4], "text": "agreed", "post": P[2], "user": U["alice"], "likes": 1, "parent": None},
    {"id": C[5], "text": "Deep", "post": P[2], "user": U["bob"], "likes": 2, "parent": C[4]},
    {"id": C[6], "text": "Deeper", "post": P[2], "user": U["carol"], "likes": 2, "parent": C[5]},
    {"id": C[7], "text": "Deepest", "post": P[2], "user": U["dave"], "likes": 0, "parent": C[6]},
    {"id": C[8], "text": "even deeper", "post": P[2], "user": U["eve"], "likes": 5, "parent": C[7]},
    {"id": C[9], "text": "bottom", "post": P[2], "user": U["alice"], "likes": 5, "parent": C[8]},
    {"id": C[10], "text": "50% agree", "post": P[3], "user": U["alice"], "likes": 7},
    {"id": C[11], "text": "", "post": P[4], "user": U["bob"], "likes": -1, "flagged": True},
    {"id": C[12], "text": "unicode ✓", "post": P[8], "user": U["carol"], "likes": 4},
    {"id": C[13], "text": "orphan", "likes": 0},
    {"id": C[14], "text": "Hello", "post": P[8], "user": U["eve"], "likes": 4},
    {"id": C[15], "text": "hello", "post": P[13], "user": U["dave"], "likes": 9},
    {"id": C[16], "text": "quote ' and \"", "post": P[6], "user": U["alice"], "likes": 1},
]

LABELS: list[dict[str, Any]] = [
    {"id": rid("label", 1), "name": "featured", "posts": [P[1], P[4], P[8]]},
    {"id": rid("label", 2), "name": "old", "posts": [P[3], P[13]]},
    {"id": rid("label", 3), "name": "empty", "posts": []},
    {"id": rid("label", 4), "name": "all-a", "posts": [P[1], P[2], P[10]]},
    {"id": rid("label", 5), "name": "Featured", "posts": [P[8]]},
]

PROFILES: list[dict[str, Any]] = [
    {"id": rid("prof", 1), "bio": "Alice's bio", "user": U["alice"]},
    {"id": rid("prof", 2), "bio": "", "user": U["bob"]},
    {"id": rid("prof", 3), "bio": "carol here", "user": U["carol"]},
]

SECRETS: list[dict[str, Any]] = [
    {"id": rid("secret", 1), "code": "s1", "post": P[1]},
    {"id": rid("secret", 2), "code": "s2", "post": P[2]},
]

NOTES: list[dict[str, Any]] = [
    {"id": rid("note", 1), "text": "alice private", "owner": U["alice"], "shared": [], "public": False},
    {"id": rid("note", 2), "text": "alice shared with bob", "owner": U["alice"], "shared": [U["bob"]]},
    {"id": rid("note", 3), "text": "public note", "owner": U["carol"], "public": True},
    {"id": rid("note", 4), "text": "bob private", "owner": U["bob"]},
    {
        "id": rid("note", 5),
        "text": "shared with many",
        "owner": U["eve"],
        "shared": [U["alice"], U["bob"], U["carol"]],
    },
    {"id": rid("note", 6), "text": "ownerless", "shared": [U["dave"]]},
]

PROJECTS: list[dict[str, Any]] = [
    {"id": rid("proj", 1), "name": "Apollo", "team": T[2]},
    {"id": rid("proj", 2), "name": "Gemini", "team": T[3]},
    {"id": rid("proj", 3), "name": "Mercury", "team": T[1]},
    {"id": rid("proj", 4), "name": "Orphan"},
]

MEMBERSHIPS: list[dict[str, Any]] = [
    {"id": rid("member", 1), "user": U["alice"], "project": rid("proj", 1), "role": "owner"},
    {"id": rid("member", 2), "user": U["bob"], "project": rid("proj", 2), "role": "owner"},
    {"id": rid("member", 3), "user": U["bob"], "project": rid("proj", 1), "role": "viewer"},
    {"id": rid("member", 4), "user": U["carol"], "project": rid("proj", 3), "role": "viewer"},
]

GATED: list[dict[str, Any]] = [{"id": rid("gated", 1), "name": "g1"}, {"id": rid("gated", 2), "name": "g2"}]

TASKS: list[dict[str, Any]] = [
    {"id": rid("task", 1), "title": "alice open", "owner": U["alice"], "status": "open", "priority": 1},
    {"id": rid("task", 2), "title": "alice done", "owner": U["alice"], "status": "done", "priority": 3},
    {
        "id": rid("task", 3),
        "title": "bob open",
        "owner": U["bob"],
        "status": "open",
        "priority": 2,
        "tags": ["x"],
    },
]

# --- the generated cases' data: staff (a rule that depends on the caller), docs (every field kind, single,
# multiple and nested relations) and reviews (a back-relation without a unique index) ---
S = {n: rid("staff", n) for n in range(1, 9)}
D = {n: rid("doc", n) for n in range(1, 13)}

TEAM_MEMBERS = {
    T[1]: [U["alice"], U["carol"]],
    T[2]: [U["alice"], U["bob"]],
    T[3]: [U["bob"]],
    T[4]: [U["eve"], U["dave"]],
    T[6]: [U["alice"]],
    T[7]: [U["carol"], U["dave"], U["eve"]],
}


def _staff(n: int, name: str, active: bool, level: float, **extra: Any) -> dict[str, Any]:
    return {"id": S[n], "name": name, "active": active, "level": level, **extra}


STAFF: list[dict[str, Any]] = [
    _staff(
        1,
        "Alice",
        True,
        3,
        contact="a@x.io",
        skills=["go", "py"],
        role="lead",
        joined=dt(-100),
        meta={"lvl": 1},
        team=T[1],
        user=U["alice"],
    ),
    _staff(2, "Bob", False, 1, contact="", skills=[], role="dev", joined="", team=T[2], user=U["bob"]),
    _staff(
        3,
        "bob",
        True,
        5,
        skills=["js"],
        role="qa",
        joined=fixed("2020-05-01 00:00:00"),
        meta={"lvl": 2},
        team=T[3],
    ),
    _staff(4, "", False, 0, skills=["py", "sql"], joined=dt(10), meta=[]),
    _staff(
        5,
        "Carol",
        True,
        2,
        contact="carol@x.io",
        skills=["go"],
        role="dev",
        joined=dt(-5),
        meta="x",
        team=T[1],
        user=U["carol"],
    ),
    _staff(
        6,
        "Dave",
        False,
        -1,
        skills=["go", "py", "js", "sql"],
        role="lead",
        joined=fixed("2099-01-01 00:00:00"),
        meta=5,
        team=T[4],
        user=U["dave"],
    ),
    _staff(7, "Alice", True, 4, skills=["sql"], role="dev", team=T[2]),
    _staff(8, "Zed", False, 10, role="qa", contact="zed@x.io"),
]
STAFF_LINKS = {
    S[2]: {"mentor": S[1], "watching": [D[1]]},
    S[3]: {"mentor": S[1], "watching": [D[4], D[5], D[6]]},
    S[4]: {"mentor": S[3]},
    S[5]: {"mentor": S[2], "watching": [D[6]]},
    S[6]: {"mentor": S[5]},
    S[7]: {"mentor": S[6], "watching": [D[8], D[1]]},
    S[8]: {"mentor": S[8]},
    S[1]: {"watching": [D[1], D[2]]},
}


def _doc(n: int, title: str, pages: float, **extra: Any) -> dict[str, Any]:
    return {"id": D[n], "title": title, "pages": pages, **extra}


DOCS: list[dict[str, Any]] = [
    _doc(
        1,
        "Spec A",
        10,
        draft=False,
        due=dt(-10),
        kind="spec",
        labels=["x", "y"],
        meta={"a": 1},
        contact="d1@x.io",
        owner=U["alice"],
        lead=S[1],
        reviewers=[S[1], S[2]],
        team=T[1],
    ),
    _doc(
        2,
        "memo b",
        0,
        draft=True,
        due="",
        kind="memo",
        labels=[],
        owner=U["bob"],
        lead=S[2],
        reviewers=[S[3]],
        team=T[2],
    ),
    _doc(3, "", -3, due=fixed("2000-01-01 00:00:00"), labels=["z"], reviewers=[]),
    _doc(
        4,
        "Note",
        5,
        draft=True,
        kind="note",
        labels=["x"],
        meta={"a": "1"},
        owner=U["carol"],
        lead=S[3],
        reviewers=[S[2], S[4], S[6]],
        team=T[3],
    ),
    _doc(
        5,
        "Spec B",
        100,
        due=dt(5),
        kind="spec",
        labels=["x", "y", "z", "w"],
        contact="b@x.io",
        owner=U["alice"],
        lead=S[4],
        reviewers=[S[4]],
        team=T[5],
    ),
    _doc(
        6,
        "alice notes",
        7,
        kind="note",
        labels=["y"],
        meta=[1, 2],
        owner=U["dave"],
        lead=S[5],
        reviewers=[S[1], S[5], S[7]],
        team=T[6],
    ),
    _doc(7, "5", 5, kind="memo", owner=U["eve"], lead=S[6], reviewers=[S[6], S[8]], team=T[7]),
    _doc(
        8,
        "Zeta",
        2.5,
        draft=True,
        kind="spec",
        labels=["w"],
        meta="s",
        owner=U["alice"],
        lead=S[7],
        reviewers=[S[3], S[5]],
        team=T[2],
    ),
    _doc(9, "spec c", 12, kind="spec", due=dt(400), lead=S[8], reviewers=[S[2]], owner=U["bob"]),
    _doc(10, "tail", 1, draft=False, reviewers=[S[7], S[1]], lead=S[1], owner=U["eve"], team=T[4]),
    _doc(11, "bob's", 0, kind="memo", labels=["x"], reviewers=[S[5]], owner=U["bob"], lead=S[2]),
    _doc(12, "O'Neil", 3, reviewers=[S[8], S[4]], lead=S[6], team=T[1], contact="o@x.io"),
]


def _review(n: int, doc: str | None, body: str, score: float, approved: bool, **extra: Any) -> dict[str, Any]:
    return {"id": rid("review", n), "doc": doc, "body": body, "score": score, "approved": approved, **extra}


REVIEWS: list[dict[str, Any]] = [
    _review(1, D[1], "good", 5, True, author=U["alice"], staffer=S[1]),
    _review(2, D[1], "bad", 1, False, author=U["bob"], staffer=S[2]),
    _review(3, D[1], "", 3, True, staffer=S[3]),
    _review(4, D[2], "ok", 7, False, author=U["carol"], staffer=S[4]),
    _review(5, D[4], "nice", 9, True, author=U["alice"], staffer=S[5]),
    _review(6, D[4], "meh", 2, False, author=U["dave"]),
    _review(7, D[5], "great", 10, True, author=U["eve"], staffer=S[6]),
    _review(8, D[6], "Good", 6, True, author=U["bob"], staffer=S[7]),
    _review(9, D[6], "fine", 4, False, author=U["alice"], staffer=S[8]),
    _review(10, D[8], "x", 0, False),
    _review(11, None, "orphan", 8, True, author=U["bob"], staffer=S[1]),
    _review(12, D[10], "late", 5, True, author=U["carol"], staffer=S[2]),
]

# boards: a listRule through a multiple relation, which client filters through the same relation share
BOARDS: list[dict[str, Any]] = [
    {"id": rid("board", 1), "name": "b1", "public": True, "watchers": [S[2]], "members": [U["alice"]]},
    {"id": rid("board", 2), "name": "b2", "watchers": [S[2], S[7]], "members": [U["bob"], U["alice"]]},
    {"id": rid("board", 3), "name": "b3", "watchers": [S[3]], "members": [U["carol"]]},
    {"id": rid("board", 4), "name": "b4", "watchers": [S[6], S[8]], "members": []},
    {"id": rid("board", 5), "name": "b5", "watchers": []},
    {"id": rid("board", 6), "name": "b6", "public": True, "watchers": [S[4], S[5]], "members": [U["bob"]]},
    {"id": rid("board", 7), "name": "b7", "watchers": [S[8], S[5]], "members": [U["carol"], U["bob"]]},
]

RECORDS: list[tuple[str, list[dict[str, Any]]]] = [
    ("teams", TEAMS),
    ("users", USERS),
    ("posts", POSTS),
    ("comments", COMMENTS),
    ("labels", LABELS),
    ("profiles", PROFILES),
    ("secrets", SECRETS),
    ("notes", NOTES),
    ("projects", PROJECTS),
    ("memberships", MEMBERSHIPS),
    ("gated", GATED),
    ("tasks", TASKS),
    ("staff", STAFF),
    ("docs", DOCS),
    ("reviews", REVIEWS),
    ("boards", BOARDS),
]
USER_NAMES = tuple(U)


class Seeder:
    """Seeds one server through its HTTP API, as a superuser; keeps the tokens for later requests."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)
        r = self.http.post(
            "/api/collections/_superusers/auth-with-password",
            json={"identity": SU_EMAIL, "password": SU_PASSWORD},
        )
        r.raise_for_status()
        self.tokens: dict[str, str] = {"su": r.json()["token"]}
        self.collection_ids: dict[str, str] = {}
        self.failed_steps: list[str] = []

    def close(self) -> None:
        self.http.close()

    def su(self, method: str, url: str, **kw: Any) -> dict[str, Any]:
        r = self.http.request(method, url, headers={"Authorization": self.tokens["su"]}, **kw)
        if r.status_code >= 300:
            raise RuntimeError(f"{method} {url} -> {r.status_code}: {r.text}")
        return r.json() if r.content else {}

    def resolve(self, spec: dict[str, Any]) -> dict[str, Any]:
        fields = []
        for f in spec.get("fields", []):
            f = dict(f)
            target = f.get("collectionId", "")
            if isinstance(target, str) and target.startswith("@"):
                f["collectionId"] = self.collection_ids[target[1:]]
            fields.append(f)
        return {**spec, "fields": fields}

    def seed(self) -> None:
        self.collection_ids["users"] = self.su("GET", "/api/collections/users")["id"]
        for step, name, spec in SCHEMA:
            if step == "create":
                created = self.su("POST", "/api/collections", json={"name": name, **self.resolve(spec)})
                self.collection_ids[name] = created["id"]
            elif step.startswith("update"):
                try:
                    self.su("PATCH", f"/api/collections/{name}", json=spec)
                except RuntimeError as exc:
                    if not step.endswith("?"):
                        raise
                    self.failed_steps.append(f"{name}: {exc}")
            else:
                current = self.su("GET", f"/api/collections/{name}")
                fields = current["fields"] + self.resolve(spec)["fields"]
                self.su("PATCH", f"/api/collections/{name}", json={"fields": fields})
        for collection, rows in RECORDS:
            for row in rows:
                body = {k: v for k, v in row.items() if v is not None or k == "meta"}
                if collection == "users":
                    body.update(password=PASSWORD, passwordConfirm=PASSWORD)
                self.su("POST", f"/api/collections/{collection}/records", json=body)
        for team, leader in TEAM_LEADERS.items():
            self.su("PATCH", f"/api/collections/teams/records/{team}", json={"leader": leader})
        for team, members in TEAM_MEMBERS.items():
            self.su("PATCH", f"/api/collections/teams/records/{team}", json={"members": members})
        for staff, links in STAFF_LINKS.items():
            self.su("PATCH", f"/api/collections/staff/records/{staff}", json=links)
        for name in USER_NAMES:
            r = self.http.post(
                "/api/collections/users/auth-with-password",
                json={"identity": f"{name}@example.com", "password": PASSWORD},
            )
            r.raise_for_status()
            self.tokens[name] = r.json()["token"]
