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


def _q(params: dict) -> str:
    # PocketBase filters use characters (&&, >, =, spaces) that must be escaped.
    return "?" + urlencode(params)


@dataclass(frozen=True)
class Workload:
    name: str                         # short key used on the command line
    title: str                        # human description for the tables
    script: str                       # wrk script in benchmarks/wrk/
    path: str = "/"                   # URL path (+query) given to wrk
    auth: bool = False                # get.lua: send a random user token
    kind: str = "wrk"                 # "wrk" or "realtime"

    def probe(self, ctx: "ProbeContext") -> tuple[str, str, dict, dict | None]:
        """(method, path, headers, json_body) of one request like wrk's."""
        token = ctx.rng.choice(ctx.tokens)
        if self.script == "view.lua":
            return "GET", f"{POSTS}/{ctx.rng.choice(ctx.post_ids)}", {}, None
        if self.script == "create.lua":
            body = {"title": "probe post", "body": "probe", "views": 1, "published": True, "author": token["id"]}
            return "POST", POSTS, {"Authorization": token["token"]}, body
        if self.script == "update.lua":
            return "PATCH", f"{POSTS}/{ctx.rng.choice(ctx.post_ids)}", {"Authorization": token["token"]}, {"views": 7}
        if self.script == "auth.lua":
            user = ctx.rng.choice(ctx.users)
            return "POST", "/api/collections/users/auth-with-password", {}, \
                {"identity": user["email"], "password": USER_PASSWORD}
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
    Workload("list_skiptotal", "list posts, perPage 30, skipTotal=1", "get.lua",
             POSTS + _q({**LIST_30, "skipTotal": 1})),
    Workload("filter_sort", "list posts, filter (views>500 && published=true), sort -views", "get.lua",
             POSTS + _q({**LIST_30, "filter": "(views>500 && published=true)", "sort": "-views"})),
    Workload("owner_rule", "list notes under rule owner = @request.auth.id, user token", "get.lua",
             "/api/collections/notes/records" + _q(LIST_30), auth=True),
    Workload("expand", "list posts, perPage 30, with totals, expand=author", "get.lua",
             POSTS + _q({**LIST_30, "expand": "author"})),
    Workload("auth", "auth-with-password, users collection (bcrypt)", "auth.lua",
             "/api/collections/users/auth-with-password"),
    Workload("create", "create a post (JSON, user token)", "create.lua", POSTS),
    Workload("update", "update a post by random id (PATCH views, user token)", "update.lua", POSTS),
    Workload("realtime", "realtime: 200 SSE subscribers to posts/*, one create at a time", "", kind="realtime"),
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
