"""Schema creation and data seeding over the public HTTP API, as a superuser.

Everything goes through the same endpoints on both servers:
  * collections via POST /api/collections,
  * users one by one (each create hashes a password with bcrypt, so they
    are sent a few at a time rather than in one long batch transaction),
  * posts, comments and notes through the batch API (POST /api/batch, 100
    creates per batch, a few batches in flight) after enabling it with
    PATCH /api/settings; if the server refuses batches, concurrent single
    creates are used instead.
A progress line is printed every few seconds.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import httpx

from .dataset import USER_PASSWORD, Dataset
from .servers import SUPERUSER_EMAIL, SUPERUSER_PASSWORD

BATCH_SIZE = 100
BATCH_CONCURRENCY = 3
SINGLE_CONCURRENCY = 16
USER_CONCURRENCY = 4
TOKEN_USERS = 20  # users whose tokens the wrk scripts rotate through
PROGRESS_EVERY = 3.0  # seconds between progress lines

AUTH_REQUIRED = '@request.auth.id != ""'


def collection_specs(users_id: str) -> list[dict]:
    """posts, comments and notes; comments' relation to posts is filled in later."""
    posts = {
        "name": "posts",
        "type": "base",
        "listRule": "",
        "viewRule": "",
        "createRule": AUTH_REQUIRED,
        "updateRule": AUTH_REQUIRED,
        "deleteRule": None,
        "fields": [
            {"name": "title", "type": "text"},
            {"name": "body", "type": "text"},
            {"name": "views", "type": "number"},
            {"name": "published", "type": "bool"},
            {"name": "author", "type": "relation", "collectionId": users_id, "maxSelect": 1},
        ],
    }
    comments = {
        "name": "comments",
        "type": "base",
        "listRule": "",
        "viewRule": "",
        "createRule": AUTH_REQUIRED,
        "updateRule": AUTH_REQUIRED,
        "deleteRule": None,
        "fields": [
            {"name": "post", "type": "relation", "collectionId": "<posts>", "maxSelect": 1},
            {"name": "body", "type": "text"},
            {"name": "author", "type": "relation", "collectionId": users_id, "maxSelect": 1},
        ],
    }
    notes = {
        # Owner-only: each user lists only their own notes.
        "name": "notes",
        "type": "base",
        "listRule": "owner = @request.auth.id",
        "viewRule": "owner = @request.auth.id",
        "createRule": AUTH_REQUIRED,
        "updateRule": "owner = @request.auth.id",
        "deleteRule": None,
        "fields": [
            {"name": "title", "type": "text"},
            {"name": "body", "type": "text"},
            {"name": "owner", "type": "relation", "collectionId": users_id, "maxSelect": 1},
        ],
    }
    return [posts, comments, notes]


@dataclass
class SeedResult:
    post_ids: list[str]
    users: list[dict]  # {"id", "email"}
    tokens: list[dict]  # {"id", "token"} for TOKEN_USERS users
    method: str  # "batch" or "single requests"
    request_logs: str = "default"  # "default", "off", or why unchanged
    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


class SeedError(RuntimeError):
    pass


class _Progress:
    """Counts created rows and prints a line every PROGRESS_EVERY seconds."""

    def __init__(self, prefix: str, what: str, total: int):
        self.prefix, self.what, self.total = prefix, what, total
        self.done = 0
        self.start = self.last = time.monotonic()

    def advance(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY:
            self.last = now
            self._print(now)

    def finish(self) -> float:
        now = time.monotonic()
        self._print(now)
        return now - self.start

    def _print(self, now: float) -> None:
        rate = self.done / max(now - self.start, 1e-9)
        print(f"[{self.prefix}] seeding {self.what}: {self.done}/{self.total} ({rate:,.0f}/s)", flush=True)


def _check(resp: httpx.Response, what: str) -> dict:
    if resp.status_code >= 300:
        raise SeedError(f"{what}: HTTP {resp.status_code}: {resp.text[:500]}")
    return resp.json() if resp.content else {}


async def _auth_superuser(client: httpx.AsyncClient) -> str:
    resp = await client.post(
        "/api/collections/_superusers/auth-with-password",
        json={"identity": SUPERUSER_EMAIL, "password": SUPERUSER_PASSWORD},
    )
    return _check(resp, "superuser auth-with-password")["token"]


async def _reset(client: httpx.AsyncClient, prefix: str) -> None:
    """Drop what a previous run left (only matters for a persistent --db)."""
    for name in ("comments", "notes", "posts"):
        if (await client.get(f"/api/collections/{name}")).status_code == 200:
            print(f"[{prefix}] dropping existing collection {name}", flush=True)
            _check(await client.delete(f"/api/collections/{name}"), f"delete collection {name}")
    resp = await client.get("/api/collections/users/records", params={"perPage": 1})
    if resp.status_code == 200 and resp.json().get("totalItems", 0) > 0:
        print(f"[{prefix}] truncating existing users", flush=True)
        _check(await client.delete("/api/collections/users/truncate"), "truncate users")


async def _create_schema(client: httpx.AsyncClient) -> None:
    users = _check(await client.get("/api/collections/users"), "get users collection")
    posts, comments, notes = collection_specs(users["id"])
    created_posts = _check(await client.post("/api/collections", json=posts), "create collection posts")
    comments["fields"][0]["collectionId"] = created_posts["id"]
    _check(await client.post("/api/collections", json=comments), "create collection comments")
    _check(await client.post("/api/collections", json=notes), "create collection notes")


async def _enable_batch(client: httpx.AsyncClient) -> bool:
    resp = await client.patch(
        "/api/settings",
        json={
            "batch": {"enabled": True, "maxRequests": 1000, "timeout": 60, "maxBodySize": 0},
        },
    )
    return resp.status_code < 300


async def _create_singles(
    client: httpx.AsyncClient, collection: str, rows: list[dict], concurrency: int, progress: _Progress
) -> list[str]:
    """Create rows one request each, `concurrency` in flight; returns ids in order."""
    ids: list[str | None] = [None] * len(rows)
    queue = iter(range(len(rows)))

    async def worker() -> None:
        for i in queue:  # the shared iterator hands each index to one worker
            resp = await client.post(f"/api/collections/{collection}/records", json=rows[i])
            ids[i] = _check(resp, f"create {collection} record")["id"]
            progress.advance(1)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return ids  # type: ignore[return-value]


async def _create_batched(
    client: httpx.AsyncClient, collection: str, rows: list[dict], progress: _Progress
) -> tuple[list[list[dict]], list[list[str] | None], list[str]]:
    """Create rows through POST /api/batch, BATCH_SIZE per request.

    Returns (chunks, ids per chunk or None where the batch was refused, errors).
    A refused batch is left for the caller to create row by row; batches are
    transactions, so a refused one created nothing.
    """
    chunks = [rows[i : i + BATCH_SIZE] for i in range(0, len(rows), BATCH_SIZE)]
    ids: list[list[str] | None] = [None] * len(chunks)
    errors: list[str] = []
    queue = iter(range(len(chunks)))
    url = f"/api/collections/{collection}/records"

    async def worker() -> None:
        for n in queue:
            body = {"requests": [{"method": "POST", "url": url, "body": row} for row in chunks[n]]}
            resp = await client.post("/api/batch", json=body)
            if resp.status_code >= 300:
                errors.append(f"HTTP {resp.status_code}: {resp.text[:200]}")
                continue
            results = resp.json()
            bad = [item for item in results if not 200 <= item.get("status", 0) < 300]
            if bad:
                raise SeedError(
                    f"batch create {collection}: item status {bad[0].get('status')}: "
                    f"{str(bad[0].get('body'))[:300]}"
                )
            ids[n] = [item["body"]["id"] for item in results]
            progress.advance(len(chunks[n]))

    await asyncio.gather(*(worker() for _ in range(BATCH_CONCURRENCY)))
    return chunks, ids, errors


async def _set_request_logs(client: httpx.AsyncClient, prefix: str, enabled: bool) -> str:
    """Request logging on (the default, 5 days kept) or off (maxDays 0)."""
    resp = await client.patch("/api/settings", json={"logs": {"maxDays": 5 if enabled else 0}})
    if resp.status_code >= 300:
        print(f"[{prefix}] could not set request logs ({resp.status_code}): {resp.text[:200]}", flush=True)
        return "unchanged (settings refused)"
    return "on" if enabled else "off"


async def _seed(base_url: str, data: Dataset, prefix: str, request_logs: bool) -> SeedResult:
    timeout = httpx.Timeout(120.0)
    limits = httpx.Limits(
        max_connections=SINGLE_CONCURRENCY + 4, max_keepalive_connections=SINGLE_CONCURRENCY + 4
    )
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits) as client:
        client.headers["Authorization"] = await _auth_superuser(client)
        await _reset(client, prefix)
        await _create_schema(client)
        seconds: dict[str, float] = {}

        progress = _Progress(prefix, "users", len(data.users))
        user_ids = await _create_singles(client, "users", data.users, USER_CONCURRENCY, progress)
        seconds["users"] = progress.finish()

        # If enabling fails, or the first batch is refused, use single creates.
        use_batch = await _enable_batch(client)
        if not use_batch:
            print(f"[{prefix}] enabling the batch API failed; seeding with single requests", flush=True)
        method = "batch" if use_batch else "single requests"
        post_ids: list[str] = []
        for name, rows in (("posts", data.posts), ("comments", data.comments), ("notes", data.notes)):
            progress = _Progress(prefix, name, len(rows))
            if use_batch:
                chunks, got, errors = await _create_batched(client, name, rows, progress)
                refused = [i for i, chunk_ids in enumerate(got) if chunk_ids is None]
                if refused:
                    # E.g. batch disabled, or enabled on only some worker processes.
                    print(
                        f"[{prefix}] {len(refused)}/{len(chunks)} batches of {name} refused ({errors[0]}); "
                        "creating those rows with single requests",
                        flush=True,
                    )
                    if len(refused) == len(chunks):
                        use_batch, method = False, "single requests"
                    else:
                        method = "batch, partly single requests"
                    for i in refused:
                        got[i] = await _create_singles(client, name, chunks[i], SINGLE_CONCURRENCY, progress)
                created = [record_id for chunk_ids in got for record_id in chunk_ids]
            else:
                created = await _create_singles(client, name, rows, SINGLE_CONCURRENCY, progress)
            seconds[name] = progress.finish()
            if name == "posts":
                post_ids = created

        # Sanity check: every row is there.
        counts = {}
        for name in ("users", "posts", "comments", "notes"):
            resp = await client.get(f"/api/collections/{name}/records", params={"perPage": 1})
            counts[name] = _check(resp, f"count {name}")["totalItems"]
        expected = {
            "users": len(data.users),
            "posts": len(data.posts),
            "comments": len(data.comments),
            "notes": len(data.notes),
        }
        if counts != expected:
            raise SeedError(f"row counts after seeding {counts} != expected {expected}")

        logs = "default" if request_logs else await _set_request_logs(client, prefix, False)

        # User tokens for the authenticated workloads (as the users, not the superuser).
        del client.headers["Authorization"]
        tokens = []
        for user in data.users[:TOKEN_USERS]:
            resp = await client.post(
                "/api/collections/users/auth-with-password",
                json={"identity": user["email"], "password": USER_PASSWORD},
            )
            body = _check(resp, f"auth-with-password {user['email']}")
            tokens.append({"id": body["record"]["id"], "token": body["token"]})

    users = [{"id": uid, "email": u["email"]} for uid, u in zip(user_ids, data.users, strict=True)]
    return SeedResult(
        post_ids=post_ids,
        users=users,
        tokens=tokens,
        method=method,
        seconds=seconds,
        counts=counts,
        request_logs=logs,
    )


def seed(base_url: str, data: Dataset, prefix: str, request_logs: bool = True) -> SeedResult:
    """Create the schema and all rows on the server at `base_url`.

    With request_logs=False, request logging is switched off afterwards
    through the settings API (logs.maxDays = 0) on every server alike.
    """
    return asyncio.run(_seed(base_url, data, prefix, request_logs))
