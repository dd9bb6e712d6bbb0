"""Realtime through `roost serve`: SSE over real HTTP, and several processes joined by Redis."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.conftest import drop_db_url, new_db_url
from tests.e2e.server import RoostServer, free_port, roost_cmd
from tests.e2e.ws import WebSocket

pytestmark = pytest.mark.e2e

REDIS = "redis://127.0.0.1:6379/0"
SU = ("su@example.com", "Passw0rd123!")
RULE = "owner = @request.auth.id"


def redis_up(port: int = 6379) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_up(), reason="needs a Redis server on 127.0.0.1:6379")


@pytest.fixture
def db_url():
    url = asyncio.run(new_db_url())
    yield url
    asyncio.run(drop_db_url(url))


@contextlib.contextmanager
def running(*servers: RoostServer) -> Iterator[None]:
    """Start the servers side by side (each takes a second or two), stop them all after; one
    that does not stop on SIGTERM fails the test (it is killed meanwhile)."""
    passed = False
    try:
        with ThreadPoolExecutor(len(servers)) as pool:
            list(pool.map(RoostServer.start, servers))
        yield
        passed = True
    finally:
        hung = []
        for server in servers:
            try:
                server.stop()
            except subprocess.TimeoutExpired:
                hung.append(server.log())
        if passed:  # (a test that failed already keeps its own error)
            assert not hung, f"roost serve did not stop within 20 s of SIGTERM: {hung}"


class Stream:
    """An SSE connection read by a background task; `next()` returns {id, event, data}."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.client_id = ""

    async def __aenter__(self) -> Stream:
        self.http = httpx.AsyncClient(timeout=None)
        self.task = asyncio.create_task(self._read())
        first = await self.next()
        assert first["event"] == "PB_CONNECT"
        self.client_id = first["id"]
        return self

    async def _read(self) -> None:
        async with self.http.stream("GET", self.base + "/api/realtime") as r:
            assert r.headers["content-type"] == "text/event-stream"
            event: dict[str, Any] = {}
            async for line in r.aiter_lines():
                if not line:
                    if event:
                        event["data"] = json.loads(event["data"])
                        self.queue.put_nowait(event)
                    event = {}
                    continue
                key, _, value = line.partition(":")
                event[key] = value

    async def next(self, timeout: float = 5.0) -> dict[str, Any]:
        return await asyncio.wait_for(self.queue.get(), timeout)

    async def quiet(self, settle: float = 0.3) -> None:
        await asyncio.sleep(settle)
        assert self.queue.empty()

    async def __aexit__(self, *exc: Any) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        await self.http.aclose()


async def login(http: httpx.AsyncClient, base: str, coll: str, email: str, password: str) -> str:
    r = await http.post(
        f"{base}/api/collections/{coll}/auth-with-password", json={"identity": email, "password": password}
    )
    assert r.status_code == 200, r.text
    return r.json()["token"]


async def subscribe(
    http: httpx.AsyncClient, base: str, client_id: str, subs: list[str], token: str = ""
) -> int:
    r = await http.post(
        f"{base}/api/realtime",
        json={"clientId": client_id, "subscriptions": subs},
        headers={"Authorization": token} if token else {},
    )
    return r.status_code


async def setup_notes(http: httpx.AsyncClient, base: str) -> tuple[dict[str, str], list[tuple[dict, str]]]:
    """A superuser, a `notes` collection readable by each note's owner, and two users."""
    su = {"Authorization": await login(http, base, "_superusers", *SU)}
    r = await http.post(
        f"{base}/api/collections",
        headers=su,
        json={
            "name": "notes",
            "type": "base",
            "listRule": RULE,
            "viewRule": RULE,
            "fields": [
                {"name": "text", "type": "text"},
                {"name": "owner", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
            ],
        },
    )
    assert r.status_code == 200, r.text
    users = []
    for email in ("alice@example.com", "bob@example.com"):
        r = await http.post(
            f"{base}/api/collections/users/records",
            json={"email": email, "password": "password123", "passwordConfirm": "password123"},
        )
        users.append((r.json(), await login(http, base, "users", email, "password123")))
    return su, users


def test_sse_through_the_real_server(tmp_path, db_url):
    server = RoostServer(str(tmp_path / "data"), db_url)
    assert server.cli("superuser", "upsert", *SU).returncode == 0

    async def scenario() -> None:
        async with httpx.AsyncClient(timeout=10) as http:
            su, [(alice, ta), (bob, _)] = await setup_notes(http, server.url)
            async with Stream(server.url) as s:
                assert await subscribe(http, server.url, s.client_id, ["notes/*"], ta) == 204
                hidden = await http.post(
                    f"{server.url}/api/collections/notes/records",
                    headers=su,
                    json={"text": "bob's", "owner": bob["id"]},
                )
                mine = (
                    await http.post(
                        f"{server.url}/api/collections/notes/records",
                        headers=su,
                        json={"text": "mine", "owner": alice["id"]},
                    )
                ).json()
                e = await s.next()
                assert e == {
                    "id": s.client_id,
                    "event": "notes/*",
                    "data": {"action": "create", "record": mine},
                }
                assert hidden.status_code == 200
                await s.quiet()
                client_id = s.client_id
            # the server notices the closed connection and forgets the client
            deadline = time.time() + 5
            while await subscribe(http, server.url, client_id, []) != 404:
                assert time.time() < deadline, "client still registered after disconnect"
                await asyncio.sleep(0.05)

    with server:
        asyncio.run(scenario())


def test_websocket_through_the_real_server(tmp_path, db_url):
    server = RoostServer(str(tmp_path / "data"), db_url)
    assert server.cli("superuser", "upsert", *SU).returncode == 0
    with server:
        su, [(alice, ta), (bob, _)] = asyncio.run(_setup(server.url))
        ws = WebSocket(server.port, "/api/realtime/ws")
        try:
            assert ws.status == 101
            hello = ws.recv()
            assert hello["event"] == "PB_CONNECT" and len(hello["clientId"]) == 40
            ws.send({"type": "subscribe", "subscriptions": ["notes/*"], "authorization": ta})
            assert ws.recv() == {"type": "subscribed", "subscriptions": ["notes/*"]}
            httpx.post(f"{server.url}/api/collections/notes/records", headers=su, json={"owner": bob["id"]})
            mine = httpx.post(
                f"{server.url}/api/collections/notes/records",
                headers=su,
                json={"text": "ws", "owner": alice["id"]},
            ).json()
            assert ws.recv() == {"event": "notes/*", "data": {"action": "create", "record": mine}}
        finally:
            ws.close()
        other = WebSocket(server.port, "/api/not-realtime")
        other.close()
        assert other.status == 403


async def _setup(base: str) -> tuple[dict[str, str], list[tuple[dict, str]]]:
    async with httpx.AsyncClient(timeout=10) as http:
        return await setup_notes(http, base)


@needs_redis
def test_two_processes_share_events_through_redis(tmp_path, db_url):
    data = str(tmp_path / "data")  # SQLite: both processes open the same file; PostgreSQL: one schema
    a = RoostServer(data, db_url, ("--redis", REDIS))
    b = RoostServer(data, db_url, ("--redis", REDIS))
    assert a.cli("superuser", "upsert", *SU).returncode == 0

    async def scenario() -> None:
        async with httpx.AsyncClient(timeout=10) as http:
            su, [(alice, ta), (bob, tb)] = await setup_notes(http, a.url)  # the schema change is made on A
            async with Stream(b.url) as sa, Stream(b.url) as sb:
                # alice's stream is on B but she subscribes through A; bob through B
                assert await subscribe(http, a.url, sa.client_id, ["notes/*"], ta) == 204
                assert await subscribe(http, b.url, sb.client_id, ["notes/*"], tb) == 204
                mine = (
                    await http.post(
                        f"{a.url}/api/collections/notes/records",
                        headers=su,
                        json={"text": "a", "owner": alice["id"]},
                    )
                ).json()
                theirs = (
                    await http.post(
                        f"{b.url}/api/collections/notes/records",
                        headers=su,
                        json={"text": "b", "owner": bob["id"]},
                    )
                ).json()
                assert (await sa.next())["data"] == {"action": "create", "record": mine}
                assert (await sb.next())["data"] == {"action": "create", "record": theirs}
                r = await http.delete(f"{a.url}/api/collections/notes/records/{theirs['id']}", headers=su)
                assert r.status_code == 204
                assert (await sb.next())["data"] == {"action": "delete", "record": theirs}
                await sa.quiet()
                await sb.quiet()

    with running(a, b):
        asyncio.run(scenario())


def test_several_workers_need_redis(tmp_path):
    out = subprocess.run(
        roost_cmd(
            "serve", "--http", f"127.0.0.1:{free_port()}", "--dir", str(tmp_path / "d"), "--workers", "2"
        ),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode != 0
    assert "--workers above 1 needs --redis" in out.stderr


@needs_redis
def test_several_workers_with_redis(tmp_path, db_url):
    server = RoostServer(str(tmp_path / "data"), db_url, ("--workers", "3", "--redis", REDIS))
    assert server.cli("superuser", "upsert", *SU).returncode == 0

    async def scenario() -> None:
        async with httpx.AsyncClient(timeout=10) as http:
            su, [(alice, ta), _] = await setup_notes(http, server.url)
            streams = [Stream(server.url) for _ in range(6)]
            for s in streams:
                await s.__aenter__()
            try:
                # each POST may land on any worker: it must still reach the stream's worker
                for s in streams:
                    for _ in range(3):
                        assert await subscribe(http, server.url, s.client_id, ["notes/*"], ta) == 204
                rec = (
                    await http.post(
                        f"{server.url}/api/collections/notes/records",
                        headers=su,
                        json={"text": "x", "owner": alice["id"]},
                    )
                ).json()
                for s in streams:
                    assert (await s.next())["data"]["record"]["id"] == rec["id"]
            finally:
                for s in streams:
                    await s.__aexit__(None, None, None)

    with server:
        asyncio.run(scenario())


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_instances_resubscribe_after_redis_restarts(tmp_path, db_url):
    port = free_port()
    cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]

    def start_redis() -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while not redis_up(port):
            assert time.time() < deadline and proc.poll() is None, "redis-server did not start"
            time.sleep(0.05)
        return proc

    redis = start_redis()
    url = f"redis://127.0.0.1:{port}/0"
    data = str(tmp_path / "data")
    a, b = RoostServer(data, db_url, ("--redis", url)), RoostServer(data, db_url, ("--redis", url))
    assert a.cli("superuser", "upsert", *SU).returncode == 0

    async def scenario() -> None:
        nonlocal redis
        async with httpx.AsyncClient(timeout=10) as http:
            su, [(alice, ta), _] = await setup_notes(http, a.url)
            async with Stream(b.url) as s:
                assert await subscribe(http, b.url, s.client_id, ["notes/*"], ta) == 204
                redis.terminate()
                redis.wait(10)
                redis = start_redis()
                # events written while an instance is reconnecting may be lost (at most once);
                # once it has resubscribed they flow again
                deadline = time.time() + 15
                while True:
                    rec = (
                        await http.post(
                            f"{a.url}/api/collections/notes/records", headers=su, json={"owner": alice["id"]}
                        )
                    ).json()
                    try:
                        e = await s.next(timeout=0.5)
                    except TimeoutError:
                        assert time.time() < deadline, "no event after Redis came back"
                        continue
                    if e["data"]["record"]["id"] == rec["id"]:
                        break

    try:
        with running(a, b):
            asyncio.run(scenario())
    finally:
        redis.terminate()
        redis.wait(10)


@needs_redis
def test_two_instances_under_write_load_lose_nothing(tmp_path, db_url):
    """Two instances on one database and Redis, written to side by side: a subscriber on A gets
    every create made on B; then B is killed with kill -9 mid-load, and every write either
    instance acknowledged is stored while A goes on answering."""
    data = str(tmp_path / "data")
    a = RoostServer(data, db_url, ("--redis", REDIS, "--quiet"))
    b = RoostServer(data, db_url, ("--redis", REDIS, "--quiet"))
    assert a.cli("superuser", "upsert", *SU).returncode == 0
    ledger = "/api/collections/ledger/records"
    twenty_acked = asyncio.Event()

    async def write(http: httpx.AsyncClient, base: str, su: dict[str, str], n: int, acked: list[str]) -> int:
        """`n` creates one after another; the ids the server acknowledged go to `acked`;
        returns how many failed (refused connections once the instance is gone)."""
        failed = 0
        for i in range(n):
            try:
                r = await http.post(base + ledger, headers=su, json={"amount": i})
            except httpx.TransportError:
                failed += 1
                await asyncio.sleep(0.01)
                continue
            assert r.status_code == 200, r.text
            acked.append(r.json()["id"])
            if len(acked) >= 20:
                twenty_acked.set()
        return failed

    async def scenario() -> None:
        async with httpx.AsyncClient(timeout=20) as http:
            su = {"Authorization": await login(http, a.url, "_superusers", *SU)}
            spec = {"name": "ledger", "type": "base", "listRule": "", "viewRule": "", "fields": [{"name": "amount", "type": "number"}]}  # fmt: skip
            assert (await http.post(a.url + "/api/collections", headers=su, json=spec)).status_code == 200
            on_a: list[str] = []
            on_b: list[str] = []
            async with Stream(a.url) as stream:
                assert (
                    await subscribe(http, a.url, stream.client_id, ["ledger/*"], su["Authorization"]) == 204
                )
                # phase 1: both instances take writes concurrently; A's subscriber sees all of them
                await asyncio.gather(
                    *(write(http, a.url, su, 15, on_a) for _ in range(2)),
                    *(write(http, b.url, su, 15, on_b) for _ in range(2)),
                )
                seen = set()
                while len(seen) < len(on_a) + len(on_b):
                    event = await stream.next()
                    assert event["data"]["action"] == "create"
                    seen.add(event["data"]["record"]["id"])
                assert seen == set(on_a) | set(on_b)
                await stream.quiet()

            # phase 2: B is killed while writes to both are in flight
            acked: list[str] = []
            writers = [
                asyncio.create_task(write(http, url, su, 40, acked)) for url in (a.url, a.url, b.url, b.url)
            ]
            twenty_acked.clear()
            await twenty_acked.wait()
            await asyncio.get_running_loop().run_in_executor(None, b.kill9)
            failed = await asyncio.gather(*writers)
            assert failed[0] == failed[1] == 0  # A answered every request, during and after the kill
            assert failed[2] + failed[3] > 0  # B's writers did see it go away mid-load
            r = await http.get(a.url + ledger, params={"perPage": 500, "fields": "id"})
            stored = {item["id"] for item in r.json()["items"]}
            assert set(acked) <= stored
            assert set(on_a) | set(on_b) <= stored

    with running(a, b):
        asyncio.run(scenario())


@pytest.mark.parametrize("workers", [1, 2])
def test_a_stop_ends_the_realtime_connections_instead_of_waiting_for_them(tmp_path, db_url, workers):
    """As PocketBase: SIGTERM ends open SSE streams and WebSockets and the server exits at once,
    instead of waiting for subscribers that never hang up (with one worker in the server's own
    process, and with granian's supervisor and workers)."""
    if workers > 1 and not redis_up():
        pytest.skip("needs a Redis server on 127.0.0.1:6379")
    extra = ("--workers", str(workers), "--redis", REDIS) if workers > 1 else ()
    server = RoostServer(str(tmp_path / "data"), db_url, extra).start()
    with contextlib.ExitStack() as opened:
        opened.callback(server.stop)
        http = opened.enter_context(httpx.Client(timeout=30))
        responses = [opened.enter_context(http.stream("GET", server.url + "/api/realtime")) for _ in range(3)]
        readers = [r.iter_lines() for r in responses]
        for lines in readers:
            assert next(lines).startswith("id:")
        ws = WebSocket(server.port, "/api/realtime/ws")
        assert ws.recv()["event"] == "PB_CONNECT"
        started = time.monotonic()
        assert server.stop(timeout=10) == 0
        assert time.monotonic() - started < 5
        for lines in readers:  # the rest of PB_CONNECT, then the end of the stream, with no error
            assert [line for line in lines if line.startswith("event:")] == ["event:PB_CONNECT"]
        opened.callback(ws.close)
        try:
            assert ws.recv() is None
            assert ws.close_code == 1001  # "going away"
        except ConnectionError:  # the process exited before its close frame went out
            pass
