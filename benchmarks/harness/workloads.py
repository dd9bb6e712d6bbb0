"""The benchmark workloads.

Each HTTP workload is one wrk script (benchmarks/wrk/) plus a path. Before
wrk runs, the harness sends one equivalent request from Python (the probe):
if it is not 2xx the server is taken not to support the workload and the
workload is reported as "n/a" for that server.

Order matters: reads run before writes, so the read workloads see exactly
the seeded data on both servers; `create` then grows `posts` on each server
by however many requests it served.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from urllib.parse import urlencode

from .dataset import USER_PASSWORD

POSTS = "/api/collections/posts/records"
LIST_30 = {"page": 1, "perPage": 30}
# the `expand` workload's request in GraphQL: the same page, every field, the author's fields
GRAPHQL_LIST_30 = (
    "{ posts(page: 1, perPage: 30) { page perPage totalItems totalPages items { id collectionId"
    " collectionName title body views published author { id collectionId collectionName email"
    " emailVisibility verified name avatar created updated } } } }"
)


def _q(params: dict) -> str:
    # PocketBase filters use characters (&&, >, =, spaces) that must be escaped.
    return "?" + urlencode(params)


@dataclass(frozen=True)
class Workload:
    name: str  # short key used on the command line
    title: str  # human description for the tables
    script: str  # wrk script in benchmarks/wrk/
    path: str = "/"  # URL path (+query) given to wrk
    auth: bool = False  # get.lua: send a random user token
    kind: str = "wrk"  # "wrk" or "realtime"

    def probe(self, ctx: ProbeContext) -> tuple[str, str, dict, dict | None]:
        """(method, path, headers, json_body) of one request like wrk's."""
        token = ctx.rng.choice(ctx.tokens)
        if self.script == "view.lua":
            return "GET", f"{POSTS}/{ctx.rng.choice(ctx.post_ids)}", {}, None
        if self.script == "create.lua":
            body = {
                "title": "probe post",
                "body": "probe",
                "views": 1,
                "published": True,
                "author": token["id"],
            }
            return "POST", POSTS, {"Authorization": token["token"]}, body
        if self.script == "update.lua":
            return (
                "PATCH",
                f"{POSTS}/{ctx.rng.choice(ctx.post_ids)}",
                {"Authorization": token["token"]},
                {"views": 7},
            )
        if self.script == "auth.lua":
            user = ctx.rng.choice(ctx.users)
            return (
                "POST",
                "/api/collections/users/auth-with-password",
                {},
                {"identity": user["email"], "password": USER_PASSWORD},
            )
        headers = {"Authorization": token["token"]} if self.auth else {}
        return "GET", self.path, headers, None


@dataclass
class ProbeContext:
    post_ids: list[str]
    users: list[dict]
    tokens: list[dict]
    rng: random.Random = field(default_factory=lambda: random.Random(1))


WORKLOADS: list[Workload] = [
    Workload("health", "GET /api/health", "get.lua", "/api/health"),
    Workload("view", "view a post by random id", "view.lua", POSTS),
    Workload("list", "list posts, page 1, perPage 30, with totals", "get.lua", POSTS + _q(LIST_30)),
    Workload(
        "list_skiptotal",
        "list posts, perPage 30, skipTotal=1",
        "get.lua",
        POSTS + _q({**LIST_30, "skipTotal": 1}),
    ),
    Workload(
        "filter_sort",
        "list posts, filter (views>500 && published=true), sort -views",
        "get.lua",
        POSTS + _q({**LIST_30, "filter": "(views>500 && published=true)", "sort": "-views"}),
    ),
    Workload(
        "owner_rule",
        "list notes under rule owner = @request.auth.id, user token",
        "get.lua",
        "/api/collections/notes/records" + _q(LIST_30),
        auth=True,
    ),
    Workload(
        "expand",
        "list posts, perPage 30, with totals, expand=author",
        "get.lua",
        POSTS + _q({**LIST_30, "expand": "author"}),
    ),
    Workload(
        "graphql",
        "GraphQL: posts, perPage 30, with totals, each with its author (as expand)",
        "get.lua",
        "/api/graphql" + _q({"query": GRAPHQL_LIST_30}),
    ),
    Workload(
        "auth",
        "auth-with-password, users collection (bcrypt)",
        "auth.lua",
        "/api/collections/users/auth-with-password",
    ),
    Workload("create", "create a post (JSON, user token)", "create.lua", POSTS),
    Workload("update", "update a post by random id (PATCH views, user token)", "update.lua", POSTS),
    Workload(
        "realtime", "realtime: 200 SSE subscribers to posts/*, one create at a time", "", kind="realtime"
    ),
]

BY_NAME = {w.name: w for w in WORKLOADS}


def select(names: str | None) -> list[Workload]:
    """Workloads named in a comma-separated list, in canonical order."""
    if not names:
        return list(WORKLOADS)
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in BY_NAME]
    if unknown:
        raise SystemExit(f"unknown workload(s): {', '.join(unknown)}; choose from {', '.join(BY_NAME)}")
    return [w for w in WORKLOADS if w.name in wanted]


# --------------------------------------------------------------------------
# Response check: does the challenger answer like PocketBase?
# --------------------------------------------------------------------------

# Fields whose values legitimately differ between servers.
_VOLATILE = {"collectionId", "token", "created", "updated"}


def compare(wl: Workload, reference: object, other: object) -> list[str]:
    """Differences between PocketBase's probe response and another server's.

    A fast answer is only worth comparing if it is the same answer, so for
    each workload the probe responses are compared on what is deterministic:
    page counters, item count, field names, the sort order of `views`, the
    viewed record's values, the presence of expand data. Returns short
    descriptions (empty when they agree); they become flags in the report.
    """
    diffs: list[str] = []
    if type(reference) is not type(other):
        return [f"response is {type(other).__name__}, PocketBase's is {type(reference).__name__}"]
    if not isinstance(reference, dict):
        return diffs

    def keys(d: dict) -> set:
        return set(d) if isinstance(d, dict) else set()

    if "items" in reference:
        for k in ("page", "perPage", "totalItems", "totalPages"):
            if reference.get(k) != other.get(k):
                diffs.append(f"{k} {other.get(k)!r} vs {reference.get(k)!r}")
        ref_items, items = reference.get("items") or [], other.get("items") or []
        if len(ref_items) != len(items):
            diffs.append(f"{len(items)} items vs {len(ref_items)}")
        if ref_items and items and keys(ref_items[0]) != keys(items[0]):
            diffs.append(f"item fields {sorted(keys(items[0]) ^ keys(ref_items[0]))} differ")
        if wl.name == "filter_sort" and [i.get("views") for i in ref_items] != [
            i.get("views") for i in items
        ]:
            diffs.append("sorted views differ")
        if wl.name == "expand":
            has = lambda lst: sum(1 for i in lst if (i.get("expand") or {}).get("author"))  # noqa: E731
            if has(ref_items) != has(items):
                diffs.append(f"{has(items)} items with expand.author vs {has(ref_items)}")
    elif wl.name == "view":
        for k in sorted((keys(reference) | keys(other)) - _VOLATILE):
            if reference.get(k) != other.get(k):
                diffs.append(f"field {k}: {other.get(k)!r} vs {reference.get(k)!r}")
    else:
        missing = keys(reference) - keys(other)
        extra = keys(other) - keys(reference)
        if missing or extra:
            diffs.append(f"fields missing {sorted(missing)}, extra {sorted(extra)}")
        for nested in ("record",):
            if isinstance(reference.get(nested), dict) and keys(reference[nested]) != keys(other.get(nested)):
                diffs.append(
                    f"{nested} fields differ: {sorted(keys(reference[nested]) ^ keys(other.get(nested)))}"
                )
    return diffs[:4]
