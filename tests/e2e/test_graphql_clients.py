"""Third-party GraphQL clients against a real `roost serve` (SQLite or PostgreSQL): the npm
`graphql-http` server audit, the Python `gql` client running the records CRUD matrix as a guest,
a user and a superuser, a `graphql-ws` client receiving what it may see and nothing else, and a
schema change made on one instance answered by another without a restart."""

from __future__ import annotations

import asyncio
import json
import queue
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.requests import RequestsHTTPTransport

from tests.conftest import drop_db_url, new_db_url
from tests.e2e.server import RoostServer
from tests.e2e.test_realtime_serve import REDIS, needs_redis, running

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tests" / "graphql"
SU = ("su@example.com", "Passw0rd123!")
OWNED = "public = true || owner = @request.auth.id"


@dataclass
class Site:
    url: str
    su: str  # tokens
    alice: dict[str, Any]
    alice_token: str
    bob: dict[str, Any]
    bob_token: str


def _setup(url: str) -> Site:
    with httpx.Client(base_url=url, timeout=30) as http:
        r = http.post(
            "/api/collections/_superusers/auth-with-password", json={"identity": SU[0], "password": SU[1]}
        )
        su = r.json()["token"]
        h = {"Authorization": su}
        authors = http.post(
            "/api/collections",
            headers=h,
            json={
                "name": "authors",
                "type": "base",
                "listRule": "",
                "viewRule": "",
                "fields": [{"name": "name", "type": "text"}],
            },
        ).json()
        r = http.post(
            "/api/collections",
            headers=h,
            json={
                "name": "posts",
                "type": "base",
                "listRule": OWNED,
                "viewRule": OWNED,
                "createRule": "@request.auth.id != '' && owner = @request.auth.id",
                "updateRule": "owner = @request.auth.id",
                "deleteRule": "owner = @request.auth.id",
                "fields": [
                    {"name": "title", "type": "text", "required": True},
                    {"name": "public", "type": "bool"},
                    {"name": "owner", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
                    {"name": "author", "type": "relation", "collectionId": authors["id"], "maxSelect": 1},
                ],
            },
        )
        assert r.status_code == 200, r.text
        r = http.post(
            "/api/collections",
            headers=h,
            json={"name": "secrets", "type": "base", "fields": [{"name": "v", "type": "text"}]},
        )
        assert r.status_code == 200, r.text
        users = []
        for email in ("alice@example.com", "bob@example.com"):
            body = {"email": email, "password": "password123", "passwordConfirm": "password123"}
            assert http.post("/api/collections/users/records", json=body).status_code == 200
            r = http.post(
                "/api/collections/users/auth-with-password",
                json={"identity": email, "password": "password123"},
            )
            users.append((r.json()["record"], r.json()["token"]))
        http.post(
            "/api/collections/authors/records", headers=h, json={"id": "ann000000000000", "name": "Ann"}
        )
    return Site(url, su, users[0][0], users[0][1], users[1][0], users[1][1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    assert (TOOLS / "node_modules").exists(), "run scripts/install: tests/graphql/node_modules is missing"
    url = asyncio.run(new_db_url())
    server = RoostServer(str(tmp_path_factory.mktemp("gql") / "data"), url)
    try:
        assert server.cli("superuser", "upsert", *SU).returncode == 0
        with server:
            yield _setup(server.url)
    finally:
        asyncio.run(drop_db_url(url))


def _client(site: Site, token: str = "") -> Client:
    headers = {"Authorization": token} if token else {}
    return Client(transport=RequestsHTTPTransport(url=site.url + "/api/graphql", headers=headers, timeout=30))


def _run(client: Client, query: str, **variables: Any) -> dict[str, Any]:
    with client as session:
        result: dict[str, Any] = session.execute(GraphQLRequest(query, variable_values=variables or None))
        return result


def _error(client: Client, query: str, **variables: Any) -> dict[str, Any]:
    with pytest.raises(TransportQueryError) as info:
        _run(client, query, **variables)
    errors = info.value.errors
    assert errors
    first: dict[str, Any] = errors[0]
    return first


def test_graphql_http_audit_passes_its_must_checks(site: Site) -> None:
    run = subprocess.run(
        ["node", "audit.mjs", site.url + "/api/graphql"],
        cwd=TOOLS,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(results) > 40
    failed = [r for r in results if r["name"].startswith("MUST") and r["status"] != "ok"]
    assert failed == []
    # this server also passes every SHOULD and MAY the audit checks
    assert [r for r in results if r["status"] != "ok"] == []


CREATE = """mutation($d: PostsCreateInput!) {
  create_posts(data: $d) { id title public owner { id email } author { name } }
}"""
LIST = """query($f: String) {
  posts(filter: $f, sort: "title", perPage: 50) { totalItems items { title author { name } } }
}"""


def test_gql_client_runs_the_crud_matrix_within_the_rules(site: Site) -> None:
    guest, alice, bob, su = (
        _client(site),
        _client(site, site.alice_token),
        _client(site, site.bob_token),
        _client(site, site.su),
    )
    a = site.alice["id"]
    # create: a user for herself; a guest and someone else's record are refused with PocketBase's status
    mine = _run(alice, CREATE, d={"title": "a-private", "owner": a, "author": "ann000000000000"})[
        "create_posts"
    ]
    assert mine["owner"] == {"id": a, "email": "alice@example.com"} and mine["author"] == {"name": "Ann"}
    shared = _run(alice, CREATE, d={"title": "a-public", "public": True, "owner": a})["create_posts"]
    assert shared["author"] is None
    err = _error(guest, CREATE, d={"title": "g", "owner": a})
    assert err["extensions"]["status"] == 400 and err["path"] == ["create_posts"]
    err = _error(bob, CREATE, d={"title": "b", "owner": a})
    assert err["extensions"]["status"] == 400
    _run(bob, CREATE, d={"title": "b-private", "owner": site.bob["id"]})

    # list and filter: each sees what the list rule lets them; relations resolve like expand
    titles = lambda c, f=None: [i["title"] for i in _run(c, LIST, f=f)["posts"]["items"]]  # noqa: E731
    assert titles(guest) == ["a-public"]
    assert titles(alice) == ["a-private", "a-public"]
    assert titles(bob) == ["a-public", "b-private"]
    assert titles(su) == ["a-private", "a-public", "b-private"]
    assert titles(alice, "title ~ 'private'") == ["a-private"]
    items = _run(alice, LIST, f="author.name = 'Ann'")["posts"]["items"]
    assert items == [{"title": "a-private", "author": {"name": "Ann"}}]
    # back-relation from the user to her posts, each behind the posts' view rule
    me = _run(alice, "query($id: ID!) { users_by_id(id: $id) { posts_via_owner { title } } }", id=a)
    assert sorted(p["title"] for p in me["users_by_id"]["posts_via_owner"]) == ["a-private", "a-public"]

    # view: someone else's private record is a 404, as REST answers
    assert (
        _error(bob, "query($id: ID!) { posts_by_id(id: $id) { id } }", id=mine["id"])["extensions"]["status"]
        == 404
    )
    assert _run(guest, "query($id: ID!) { posts_by_id(id: $id) { title } }", id=shared["id"]) == {
        "posts_by_id": {"title": "a-public"}
    }

    # update and delete follow the update and delete rules
    upd = "mutation($id: ID!, $d: PostsUpdateInput!) { update_posts(id: $id, data: $d) { title } }"
    assert _error(bob, upd, id=mine["id"], d={"title": "hacked"})["extensions"]["status"] == 404
    assert _run(alice, upd, id=mine["id"], d={"title": "a-renamed"}) == {
        "update_posts": {"title": "a-renamed"}
    }
    delete = "mutation($id: ID!) { delete_posts(id: $id) }"
    assert _error(guest, delete, id=shared["id"])["extensions"]["status"] == 404
    assert _run(alice, delete, id=shared["id"]) == {"delete_posts": True}
    assert titles(su) == ["a-renamed", "b-private"]

    # a superusers-only collection is not in the guest's schema at all
    err = _error(guest, "{ secrets { totalItems } }")
    assert "Cannot query field 'secrets'" in err["message"]
    assert _run(su, "{ secrets { totalItems } }") == {"secrets": {"totalItems": 0}}


class Subscriber:
    """The graphql-ws client (tests/graphql/subscribe.mjs) in a subprocess; `events()` reads the
    payloads it received."""

    def __init__(self, site: Site, query: str, token: str = "") -> None:
        ws = site.url.replace("http://", "ws://") + "/api/graphql"
        self.proc = subprocess.Popen(
            ["node", "subscribe.mjs", ws, query, token], cwd=TOOLS, stdout=subprocess.PIPE, text=True
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.lines.get(timeout=20) == "READY"

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def events(self, n: int, quiet: float = 1.0) -> list[dict[str, Any]]:
        """The next `n` payloads, then checks nothing more arrives within `quiet` s."""
        out = [json.loads(self.lines.get(timeout=15)) for _ in range(n)]
        with pytest.raises(queue.Empty):
            extra = self.lines.get(timeout=quiet)
            raise AssertionError(f"unexpected event: {extra}")
        return out

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


SUB = "subscription { posts_changed%s { action record { title owner { id } } } }"


def test_graphql_ws_client_receives_what_it_may_see_and_nothing_else(site: Site) -> None:
    h = {"Authorization": site.su}
    a, b = site.alice["id"], site.bob["id"]
    alice = Subscriber(site, SUB % "", site.alice_token)
    guest = Subscriber(site, SUB % "")
    filtered = Subscriber(site, SUB % "(filter: \"title ~ 'keep'\")", site.alice_token)
    try:
        with httpx.Client(base_url=site.url, headers=h, timeout=30) as http:
            created = {}
            for title, owner, public in (
                ("s-alice keep", a, False),
                ("s-bob", b, False),
                ("s-bob-public", b, True),
            ):
                r = http.post(
                    "/api/collections/posts/records", json={"title": title, "owner": owner, "public": public}
                )
                created[title] = r.json()["id"]
            http.patch(
                f"/api/collections/posts/records/{created['s-alice keep']}", json={"title": "s-alice keep 2"}
            )
            http.delete(f"/api/collections/posts/records/{created['s-alice keep']}")
        seen = [
            (e["data"]["posts_changed"]["action"], e["data"]["posts_changed"]["record"]["title"])
            for e in alice.events(4)
        ]
        assert seen == [
            ("create", "s-alice keep"),
            ("create", "s-bob-public"),
            ("update", "s-alice keep 2"),
            ("delete", "s-alice keep 2"),
        ]
        assert [e["data"]["posts_changed"]["record"]["title"] for e in guest.events(1)] == ["s-bob-public"]
        got = [e["data"]["posts_changed"]["action"] for e in filtered.events(3)]
        assert got == ["create", "update", "delete"]
    finally:
        for s in (alice, guest, filtered):
            s.close()


@needs_redis
def test_a_schema_change_reaches_every_instance_without_a_restart(tmp_path: Path) -> None:
    url = asyncio.run(new_db_url())
    data = str(tmp_path / "data")
    a = RoostServer(data, url, ("--redis", REDIS))
    b = RoostServer(data, url, ("--redis", REDIS))
    try:
        assert a.cli("superuser", "upsert", *SU).returncode == 0
        with running(a, b):
            site_b = Site(b.url, "", {}, "", {}, "")
            q = "{ notes { items { body } } }"
            assert "Cannot query field 'notes'" in _error(_client(site_b), q)["message"]
            with httpx.Client(base_url=a.url, timeout=30) as http:
                r = http.post(
                    "/api/collections/_superusers/auth-with-password",
                    json={"identity": SU[0], "password": SU[1]},
                )
                h = {"Authorization": r.json()["token"]}
                spec = {
                    "name": "notes",
                    "type": "base",
                    "listRule": "",
                    "fields": [{"name": "body", "type": "text"}],
                }
                assert http.post("/api/collections", headers=h, json=spec).status_code == 200
                assert (
                    http.post("/api/collections/notes/records", headers=h, json={"body": "hi"}).status_code
                    == 200
                )
            deadline = 50
            while True:
                try:
                    got = _run(_client(site_b), q)
                    break
                except TransportQueryError:
                    deadline -= 1
                    assert deadline > 0, "instance B never saw the new collection"
                    threading.Event().wait(0.1)
            assert got == {"notes": {"items": [{"body": "hi"}]}}
    finally:
        asyncio.run(drop_db_url(url))
