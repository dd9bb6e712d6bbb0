"""Backups with a real `roost serve`, on SQLite or PostgreSQL (ROOST_TEST_DB): a backup taken
during a steady write load, downloaded, restored with `roost backup restore` into a fresh
data folder and database, serves every write acknowledged before it and every file; a
restore through the JS SDK restarts the server on the backed-up data; the scheduled backup
job keeps the newest `cronMaxKeep`."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import drop_db_url, new_db_url
from tests.e2e.server import RoostServer, roost_cmd

pytestmark = pytest.mark.e2e

EMAIL, PASSWORD = "admin@example.com", "Passw0rd123!"
SDK_DIR = Path(__file__).resolve().parent.parent / "sdk"


@pytest.fixture
def db_url():
    url = asyncio.run(new_db_url())
    yield url
    asyncio.run(drop_db_url(url))


@pytest.fixture
def fresh_db_url():
    url = asyncio.run(new_db_url())
    yield url
    asyncio.run(drop_db_url(url))


def login(server: RoostServer) -> dict[str, str]:
    r = httpx.post(
        f"{server.url}/api/collections/_superusers/auth-with-password",
        json={"identity": EMAIL, "password": PASSWORD},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return {"Authorization": r.json()["token"]}


def setup_notes(server: RoostServer) -> dict[str, str]:
    assert server.cli("superuser", "upsert", EMAIL, PASSWORD).returncode == 0
    su = login(server)
    r = httpx.post(
        f"{server.url}/api/collections",
        json={
            "name": "notes",
            "listRule": "",
            "viewRule": "",
            "fields": [
                {"name": "n", "type": "number"},
                {"name": "doc", "type": "file", "maxSelect": 1, "maxSize": 10_000_000},
            ],
        },
        headers=su,
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return su


def notes(server: RoostServer, su: dict[str, str]) -> list[dict]:
    items: list[dict] = []
    page = 1
    while True:
        r = httpx.get(
            f"{server.url}/api/collections/notes/records",
            params={"perPage": 500, "page": page, "sort": "n"},
            headers=su,
            timeout=10,
        )
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        if page >= r.json()["totalPages"]:
            return items
        page += 1


def test_backup_under_load_restores_into_a_fresh_folder(tmp_path, db_url, fresh_db_url):
    data = str(tmp_path / "data")
    with RoostServer(data, db_url) as server:
        su = setup_notes(server)
        uploaded: dict[int, str] = {}  # n -> sha256 of the file sent
        with httpx.Client(base_url=server.url, headers=su, timeout=10) as http:
            for n in range(20):
                blob = os.urandom(5000 + n * 97)
                r = http.post(
                    "/api/collections/notes/records", data={"n": str(n)}, files={"doc": (f"d{n}.bin", blob)}
                )
                assert r.status_code == 200, r.text
                uploaded[n] = hashlib.sha256(blob).hexdigest()
        acked: list[tuple[float, int]] = []
        stop = threading.Event()

        def writer() -> None:
            with httpx.Client(base_url=server.url, headers=su, timeout=10) as http:
                n = 1000
                while not stop.is_set():
                    r = http.post("/api/collections/notes/records", json={"n": n})
                    assert r.status_code == 200, r.text
                    acked.append((time.monotonic(), n))
                    n += 1

        thread = threading.Thread(target=writer)
        thread.start()
        deadline = time.time() + 30
        while len(acked) < 20 and time.time() < deadline:  # the load is under way
            time.sleep(0.05)
        started = time.monotonic()
        r = httpx.post(f"{server.url}/api/backups", json={"name": "load.zip"}, headers=su, timeout=60)
        time.sleep(0.2)
        stop.set()
        thread.join()
        assert r.status_code == 204, r.text
        before = [n for t, n in acked if t < started]
        assert before

        # download with a superuser file token: the same bytes as the stored backup
        token = httpx.post(f"{server.url}/api/files/token", headers=su, timeout=10).json()["token"]
        r = httpx.get(f"{server.url}/api/backups/load.zip", params={"token": token}, timeout=60)
        assert r.status_code == 200
        zip_path = tmp_path / "downloaded.zip"
        zip_path.write_bytes(r.content)
        assert r.content == Path(data, "backups", "load.zip").read_bytes()

    fresh = str(tmp_path / "fresh")
    cmd = roost_cmd("backup", "restore", str(zip_path), "--dir", fresh)
    if fresh_db_url:
        cmd += ["--db", fresh_db_url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Restore downloaded.zip: done" in done.stderr
    with RoostServer(fresh, fresh_db_url) as server:
        su = login(server)  # the superuser came back with the data
        items = notes(server, su)
        ns = [int(i["n"]) for i in items]
        assert ns[:20] == list(range(20))
        load = ns[20:]
        assert load == list(range(1000, 1000 + len(load)))  # one consistent moment
        assert len(load) >= len(before)
        for item in items[:20]:
            r = httpx.get(f"{server.url}/api/files/notes/{item['id']}/{item['doc']}", timeout=10)
            assert r.status_code == 200
            assert hashlib.sha256(r.content).hexdigest() == uploaded[int(item["n"])]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js for the JS SDK")
def test_sdk_restore_restarts_the_server_and_scheduled_backups_prune(tmp_path, db_url):
    data = str(tmp_path / "data")
    with RoostServer(data, db_url) as server:
        su = setup_notes(server)
        for n in range(3):
            assert (
                httpx.post(
                    f"{server.url}/api/collections/notes/records", json={"n": n}, headers=su, timeout=10
                ).status_code
                == 200
            )
        pid = server.proc.pid if server.proc else 0
        env = {**os.environ, "PB_URL": server.url, "PB_SU_EMAIL": EMAIL, "PB_SU_PASSWORD": PASSWORD}
        done = subprocess.run(
            ["node", str(SDK_DIR / "backups" / "restore_script.mjs")],
            capture_output=True,
            text=True,
            timeout=90,
            env=env,
            cwd=SDK_DIR,
        )
        assert done.returncode == 0, done.stderr
        seen = json.loads(done.stdout.strip().splitlines()[-1])
        assert seen["restored"] is True
        assert seen["before"] == [0, 1, 2]
        assert seen["after"] == [0, 1, 2]
        assert seen["backups"] == ["sdk_restore.zip"]
        assert "Backup restored: restarting." in server.log()
        assert server.proc is not None and server.proc.pid == pid and server.proc.poll() is None

        # scheduled backups: the job PocketBase names __pbAutoBackup__, pruned to cronMaxKeep
        su = login(server)
        r = httpx.patch(
            f"{server.url}/api/settings",
            json={"backups": {"cron": "0 3 * * *", "cronMaxKeep": 1}},
            headers=su,
            timeout=10,
        )
        assert r.status_code == 200, r.text
        jobs = httpx.get(f"{server.url}/api/crons", headers=su, timeout=10).json()
        assert {"id": "__pbAutoBackup__", "expression": "0 3 * * *"} in jobs
        autos: list[str] = []
        for _ in range(2):
            assert (
                httpx.post(f"{server.url}/api/crons/__pbAutoBackup__", headers=su, timeout=10).status_code
                == 204
            )
            deadline = time.time() + 30
            while time.time() < deadline:
                keys = [
                    b["key"] for b in httpx.get(f"{server.url}/api/backups", headers=su, timeout=10).json()
                ]
                new = [k for k in keys if k.startswith("@auto_pb_backup_") and k not in autos]
                if (
                    new
                    and httpx.get(f"{server.url}/api/health", headers=su, timeout=10).json()["data"][
                        "canBackup"
                    ]
                ):
                    autos.append(new[0])
                    break
                time.sleep(0.2)
            time.sleep(1.1)  # names carry the second
        keys = [b["key"] for b in httpx.get(f"{server.url}/api/backups", headers=su, timeout=10).json()]
        assert keys == [autos[-1], "sdk_restore.zip"]  # the older scheduled one was pruned
