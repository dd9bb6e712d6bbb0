"""`roost serve` and the CLI end to end: startup, superusers, durability after kill -9, graceful stop."""

from __future__ import annotations

import asyncio
import signal
import subprocess

import httpx
import pytest

from tests.conftest import drop_db_url, new_db_url
from tests.e2e.server import RoostServer, roost_cmd

pytestmark = pytest.mark.e2e


@pytest.fixture
def db_url():
    url = asyncio.run(new_db_url())
    yield url
    asyncio.run(drop_db_url(url))


def login(url: str, email: str, password: str) -> httpx.Response:
    return httpx.post(
        f"{url}/api/collections/_superusers/auth-with-password",
        json={"identity": email, "password": password},
        timeout=10,
    )


def test_version():
    out = subprocess.run(roost_cmd("--version"), capture_output=True, text=True, check=True)
    assert out.stdout.strip().startswith("roost version ")


def test_superuser_cli_with_and_without_server(tmp_path, db_url):
    server = RoostServer(str(tmp_path / "data"), db_url)
    r = server.cli("superuser", "upsert", "first@example.com", "Passw0rd123!")
    assert r.returncode == 0, r.stderr
    assert 'Successfully saved superuser "first@example.com"!' in r.stdout
    with server:
        assert login(server.url, "first@example.com", "Passw0rd123!").status_code == 200
        # while the server runs: add one, change a password, delete one
        assert server.cli("superuser", "upsert", "second@example.com", "Another123!").returncode == 0
        assert login(server.url, "second@example.com", "Another123!").status_code == 200
        assert server.cli("superuser", "upsert", "first@example.com", "Changed123!").returncode == 0
        assert login(server.url, "first@example.com", "Passw0rd123!").status_code == 400
        assert login(server.url, "first@example.com", "Changed123!").status_code == 200
        r = server.cli("superuser", "delete", "second@example.com")
        assert r.returncode == 0, r.stderr
        assert login(server.url, "second@example.com", "Another123!").status_code == 400
    r = server.cli("superuser", "upsert", "bad-email", "short")
    assert r.returncode != 0
    assert "email" in r.stderr.lower()


async def _vacuums_by_itself() -> bool:
    import asyncpg

    from roost.db.dialects.postgres import AUTOVACUUM_ON_SQL
    from tests.conftest import TEST_DB

    conn = await asyncpg.connect(TEST_DB)
    try:
        return bool(await conn.fetchval(AUTOVACUUM_ON_SQL))
    finally:
        await conn.close()


def test_start_warns_when_the_database_server_does_not_vacuum(tmp_path, db_url):
    """On a PostgreSQL server with autovacuum off (the CI machine's is), the start says so once,
    with what to do; on one that vacuums, and on SQLite, nothing is said of it."""
    expected = db_url is not None and not asyncio.run(_vacuums_by_itself())
    with RoostServer(str(tmp_path / "data"), db_url) as server:
        log = server.log()
    assert log.count("autovacuum is off") == (1 if expected else 0), log
    if expected:
        assert "Turn both on in postgresql.conf and reload the server" in log


def test_acknowledged_writes_survive_kill9(tmp_path, db_url):
    server = RoostServer(str(tmp_path / "data"), db_url)
    assert server.cli("superuser", "upsert", "su@example.com", "Passw0rd123!").returncode == 0
    with server:
        token = login(server.url, "su@example.com", "Passw0rd123!").json()["token"]
        h = {"Authorization": token}
        r = httpx.post(
            f"{server.url}/api/collections",
            headers=h,
            json={"name": "ledger", "type": "base", "fields": [{"name": "amount", "type": "number"}]},
        )
        assert r.status_code == 200
        ids = []
        for i in range(20):
            r = httpx.post(f"{server.url}/api/collections/ledger/records", headers=h, json={"amount": i})
            assert r.status_code == 200
            ids.append(r.json()["id"])
        server.kill9()
    with RoostServer(server.data_dir, db_url) as again:
        token = login(again.url, "su@example.com", "Passw0rd123!").json()["token"]
        r = httpx.get(
            f"{again.url}/api/collections/ledger/records?perPage=100&sort=amount",
            headers={"Authorization": token},
        )
        assert [x["id"] for x in r.json()["items"]] == ids


def test_acknowledged_concurrent_writes_survive_kill9_under_load(tmp_path, db_url):
    """16 clients create and update records as fast as they can; the server is killed with
    SIGKILL in the middle. After a restart every create that was answered 200 is there, and
    every record holds at least the last update that was answered 200 (what was in flight may
    or may not be). On SQLite these writes share COMMITs (group commit)."""
    server = RoostServer(str(tmp_path / "data"), db_url)
    assert server.cli("superuser", "upsert", "su@example.com", "Passw0rd123!").returncode == 0
    created: list[str] = []
    counters: dict[str, int] = {}  # record id -> last update acknowledged

    async def load(url: str, token: str, stop: asyncio.Event, enough: asyncio.Event) -> None:
        async with httpx.AsyncClient(base_url=url, headers={"Authorization": token}, timeout=10) as c:

            async def client(n: int) -> None:
                rec: str | None = None
                step = 0
                while not stop.is_set():
                    step += 1
                    try:
                        if rec is None or step % 2:
                            r = await c.post("/api/collections/ledger/records", json={"amount": n})
                            if r.status_code == 200:
                                created.append(r.json()["id"])
                                if len(created) >= 200:
                                    enough.set()
                                rec = rec or r.json()["id"]
                        else:
                            r = await c.patch(f"/api/collections/ledger/records/{rec}", json={"amount": step})
                            if r.status_code == 200:
                                counters[rec] = step
                    except httpx.TransportError:
                        return  # the server is gone

            await asyncio.gather(*(client(n) for n in range(16)))

    with server:
        token = login(server.url, "su@example.com", "Passw0rd123!").json()["token"]
        r = httpx.post(
            f"{server.url}/api/collections",
            headers={"Authorization": token},
            json={"name": "ledger", "type": "base", "fields": [{"name": "amount", "type": "number"}]},
        )
        assert r.status_code == 200

        async def run() -> None:
            stop, enough = asyncio.Event(), asyncio.Event()
            task = asyncio.create_task(load(server.url, token, stop, enough))
            await asyncio.wait_for(enough.wait(), 120)
            await asyncio.to_thread(server.kill9)  # mid-load: requests are in flight
            stop.set()
            await task

        asyncio.run(run())
    with RoostServer(server.data_dir, db_url) as again:
        token = login(again.url, "su@example.com", "Passw0rd123!").json()["token"]
        stored: dict[str, int] = {}
        page = 1
        while True:
            r = httpx.get(
                f"{again.url}/api/collections/ledger/records?perPage=500&page={page}&skipTotal=1",
                headers={"Authorization": token},
            )
            items = r.json()["items"]
            stored.update({x["id"]: x["amount"] for x in items})
            if len(items) < 500:
                break
            page += 1
    assert len(created) >= 200
    assert set(created) <= set(stored), f"{len(set(created) - set(stored))} acknowledged creates lost"
    lost = {rid: (n, stored[rid]) for rid, n in counters.items() if stored[rid] < n}
    assert counters and not lost, f"acknowledged updates lost: {lost}"


def test_sigterm_finishes_inflight_requests(tmp_path, db_url):
    server = RoostServer(str(tmp_path / "data"), db_url)
    assert server.cli("superuser", "upsert", "su@example.com", "Passw0rd123!").returncode == 0
    server.start()

    async def many_logins() -> list[int]:
        # each body is sent in two parts with the signal in between, so every request is surely
        # in progress (not merely connecting) when the server is asked to stop
        halves_sent = [asyncio.Event() for _ in range(6)]
        finish = asyncio.Event()

        async def body(i: int):
            yield b'{"identity": "su@example.com",'
            halves_sent[i].set()
            await finish.wait()
            yield b' "password": "Passw0rd123!"}'

        async with httpx.AsyncClient(timeout=30) as c:
            tasks = [
                asyncio.create_task(
                    c.post(
                        f"{server.url}/api/collections/_superusers/auth-with-password",
                        content=body(i),
                        headers={"content-type": "application/json"},
                    )
                )
                for i in range(6)
            ]
            for sent in halves_sent:
                await asyncio.wait_for(sent.wait(), 10)
            await asyncio.sleep(0.1)
            server.proc.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.3)
            finish.set()
            return [(await t).status_code for t in tasks]

    statuses = asyncio.run(many_logins())
    assert statuses == [200] * 6
    assert server.proc.wait(timeout=20) == 0
