#!/usr/bin/env python3
"""One workload's cost inside the process, without an HTTP server: the app's own share of a request.

    python benchmarks/inprocess.py create 2000            # CPU µs per request (time.process_time)
    python benchmarks/inprocess.py create 2000 out.prof   # the same under cProfile, stats to out.prof
    python benchmarks/inprocess.py create 2000 --db postgresql://postgres@127.0.0.1:5432/roost_bench
    python benchmarks/inprocess.py create 2000 --concurrency 50   # 50 requests in flight at once
    benchmarks/instructions.sh create 600                 # instructions per request (callgrind)

Request logging is as `roost serve` has it by default (every request stored in the log store, and
a console line, written to /dev/null here); `--no-log-store` and `--no-console-log` switch either
off, to measure what each costs.

With `--concurrency N`, N requests are in flight at once, as under a server's load: each request's
body arrives a turn of the event loop after its start (as from a socket), so requests interleave
and concurrent writes share transactions (group commit on SQLite). By default requests go one at
a time.

With `--db URL` the app runs on PostgreSQL, in a schema of its own made for the run and dropped
after it. The wall time per request is printed too: on PostgreSQL it includes the round trips to
the server, which process CPU does not see.

Workloads: health, view, list, owner_rule (notes listed under `owner = @request.auth.id`), create (JSON, user token, createRule), update (PATCH, user token),
expand (list 30 posts with expand=author, user token) and graphql (the same page and authors
as a GraphQL query over GET, user token: compare it with expand).
Wall-clock and even CPU figures move with the machine's load; the instruction counts of
benchmarks/instructions.sh do not, which makes them the tool for comparing two trees."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from typing import Any
from urllib.parse import urlencode

import orjson

from roost.api import build_asgi
from roost.core.app import App
from roost.core.record_write import save
from roost.core.records import SUPERUSERS_ID, Caller
from roost.web.access_log import AccessLog, LogWriter

PASSWORD = "Passw0rd123!"
GRAPHQL_LIST_30 = (
    "{ posts(page: 1, perPage: 30) { page perPage totalItems totalPages items { id collectionId"
    " collectionName title body views published created updated author { id collectionId"
    " collectionName email emailVisibility verified name avatar created updated } } } }"
)


async def call(
    asgi: Any,
    method: str,
    path: str,
    body: Any = None,
    headers: tuple[Any, ...] = (),
    body_later: bool = False,
) -> tuple[int, bytes]:
    """One request; `body_later`: its body comes a loop turn after the request starts."""
    sent: list[dict[str, Any]] = []
    messages = [
        {"type": "http.request", "body": orjson.dumps(body) if body is not None else b"", "more_body": False}
    ]

    async def receive() -> dict[str, Any]:
        if body_later:
            await asyncio.sleep(0)
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    path, _, query = path.partition("?")
    hdrs = [(b"host", b"bench"), *headers]
    if body is not None:
        hdrs.append((b"content-type", b"application/json"))
    scope = {
        "type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": query.encode(),
        "headers": hdrs, "client": ("127.0.0.1", 1), "server": ("bench", 80), "scheme": "http",
        "http_version": "1.1", "root_path": "",
    }  # fmt: skip
    await asgi(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


async def scratch_schema(url: str) -> tuple[str, str]:
    """(the URL with a fresh schema as its search_path, the schema's name)."""
    import asyncpg

    schema = f"bench_{os.getpid()}_{int(time.time())}"
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await conn.close()
    return f"{url}{'&' if '?' in url else '?'}search_path={schema}", schema


async def drop_schema(url: str, schema: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        await conn.close()


async def main(
    workload: str,
    n: int,
    profile_to: str | None,
    db: str | None,
    log_store: bool,
    console: bool,
    concurrency: int = 1,
) -> None:
    schema = ""
    db_url = None
    if db:
        db_url, schema = await scratch_schema(db)
    try:
        await run(workload, n, profile_to, db_url, log_store, console, concurrency)
    finally:
        if db and schema:
            await drop_schema(db, schema)


async def run(
    workload: str,
    n: int,
    profile_to: str | None,
    db_url: str | None,
    log_store: bool,
    console: bool,
    concurrency: int = 1,
) -> None:
    app = await App.open(os.path.join(tempfile.mkdtemp(), "data"), db_url)
    writer = LogWriter(open(os.devnull, "w"))  # noqa: ASYNC230, SIM115 (set-up; closed at the end)
    asgi = build_asgi(app, AccessLog(writer) if console else None)
    if app.log_store is not None:
        app.log_store.enabled = log_store
    coll = app.registry.by_id[SUPERUSERS_ID]
    creds = {"password": PASSWORD, "passwordConfirm": PASSWORD}
    await save(
        app,
        coll,
        Caller(auth={"id": "setup"}, auth_coll=coll),
        None,
        {"email": "a@b.co", **creds},
        {},
        False,
        rule=None,
    )
    _, body = await call(
        asgi,
        "POST",
        "/api/collections/_superusers/auth-with-password",
        {"identity": "a@b.co", "password": PASSWORD},
    )
    su = ((b"authorization", json.loads(body)["token"].encode()),)
    _, body = await call(asgi, "POST", "/api/collections/users/records", {"email": "u@b.co", **creds})
    user_id = json.loads(body)["id"]
    _, body = await call(
        asgi,
        "POST",
        "/api/collections/users/auth-with-password",
        {"identity": "u@b.co", "password": PASSWORD},
    )
    user = ((b"authorization", json.loads(body)["token"].encode()),)
    users_id = json.loads((await call(asgi, "GET", "/api/collections/users", None, su))[1])["id"]
    signed_in = '@request.auth.id != ""'
    fields = [
        {"name": "title", "type": "text"}, {"name": "body", "type": "text"}, {"name": "views", "type": "number"},
        {"name": "published", "type": "bool"}, {"name": "author", "type": "relation", "collectionId": users_id, "maxSelect": 1},
        {"name": "created", "type": "autodate", "onCreate": True},
        {"name": "updated", "type": "autodate", "onCreate": True, "onUpdate": True},
    ]  # fmt: skip
    spec = {
        "name": "posts",
        "type": "base",
        "listRule": "",
        "viewRule": "",
        "createRule": signed_in,
        "updateRule": signed_in,
        "fields": fields,
    }
    status, body = await call(asgi, "POST", "/api/collections", spec, su)
    assert status == 200, body
    posts = "/api/collections/posts/records"
    ids = []
    for i in range(50):
        post = {"title": f"t{i}", "body": "x" * 200, "views": i, "published": True, "author": user_id}
        ids.append(json.loads((await call(asgi, "POST", posts, post, user))[1])["id"])
    owner = "owner = @request.auth.id"
    notes_spec = {
        "name": "notes",
        "type": "base",
        "listRule": owner,
        "viewRule": owner,
        "createRule": signed_in,
        "fields": [
            {"name": "title", "type": "text"},
            {"name": "owner", "type": "relation", "collectionId": users_id, "maxSelect": 1},
        ],
    }
    status, body = await call(asgi, "POST", "/api/collections", notes_spec, su)
    assert status == 200, body
    notes = "/api/collections/notes/records"
    for i in range(50):
        await call(asgi, "POST", notes, {"title": f"n{i}", "owner": user_id}, user)

    # encoded once: the client's own work is no part of the request's cost
    graphql_path = "/api/graphql?" + urlencode({"query": GRAPHQL_LIST_30})

    def request(i: int) -> Any:
        if workload == "health":
            return call(asgi, "GET", "/api/health")
        if workload == "view":
            return call(asgi, "GET", f"{posts}/{ids[i % 50]}")
        if workload == "list":
            return call(asgi, "GET", f"{posts}?perPage=20&sort=-views")
        if workload == "owner_rule":
            return call(asgi, "GET", f"{notes}?perPage=30", None, user)
        if workload == "create":
            post = {"title": "probe post", "body": "probe", "views": 1, "published": True, "author": user_id}
            return call(asgi, "POST", posts, post, user, concurrency > 1)
        if workload == "expand":
            return call(asgi, "GET", f"{posts}?page=1&perPage=30&expand=author", None, user)
        if workload == "graphql":
            return call(asgi, "GET", graphql_path, None, user)
        if workload == "update":
            return call(asgi, "PATCH", f"{posts}/{ids[i % 50]}", {"views": 7}, user, concurrency > 1)
        raise SystemExit(f"unknown workload {workload!r}")

    for i in range(200):  # warm the caches
        status, _ = await request(i)
        await asyncio.sleep(0)
    assert status == 200, status
    profiler = None
    if profile_to:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.process_time()
    wall_started = time.perf_counter()

    async def client(first: int) -> None:
        for i in range(first, n, concurrency):
            status, body = await request(i)
            assert status == 200, (status, body)
            await asyncio.sleep(0)  # a server's loop turns between requests: background work runs

    await asyncio.gather(*(client(c) for c in range(concurrency)))
    used = time.process_time() - started
    wall = time.perf_counter() - wall_started
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile_to)
    writes = getattr(app.dialect, "writes", None)  # SQLite's group commit
    if writes is not None and writes.commits:
        print(f"writes: {writes.writes} in {writes.commits} COMMITs")
    print(
        f"{workload}: {used / max(n, 1) * 1e6:.1f} µs CPU per request, {wall / max(n, 1) * 1e6:.1f} µs wall "
        f"(in-process, {n} requests{f', {concurrency} at once' if concurrency > 1 else ''}"
        f"{', PostgreSQL' if db_url else ''})"
    )
    await app.close()
    writer.close()
    writer.stream.close()


if __name__ == "__main__":
    argv = sys.argv[1:]
    db = None
    if "--db" in argv:
        at = argv.index("--db")
        db = argv[at + 1]
        del argv[at : at + 2]
    concurrency = 1
    if "--concurrency" in argv:
        at = argv.index("--concurrency")
        concurrency = int(argv[at + 1])
        del argv[at : at + 2]
    flags = {"--no-log-store", "--no-console-log"}
    log_store, console = "--no-log-store" not in argv, "--no-console-log" not in argv
    argv = [a for a in argv if a not in flags]
    if len(argv) < 2:
        raise SystemExit(__doc__)
    asyncio.run(
        main(argv[0], int(argv[1]), argv[2] if len(argv) > 2 else None, db, log_store, console, concurrency)
    )
