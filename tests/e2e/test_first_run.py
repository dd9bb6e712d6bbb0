"""`roost serve` as a new user meets it: one port per server, the startup banner, where the
superuser commands write, and the request log flags."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import socket
import subprocess
import time

import httpx
import pytest

from tests.conftest import drop_db_url, new_db_url
from tests.e2e.server import RoostServer, roost_cmd

pytestmark = pytest.mark.e2e

REDIS = "redis://127.0.0.1:6379/0"


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def db_url():
    url = asyncio.run(new_db_url())
    yield url
    asyncio.run(drop_db_url(url))


def wait_for_log(server: RoostServer, text: str, timeout: float = 10) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        log = server.log()
        if text in log:
            return log
        time.sleep(0.05)
    raise AssertionError(f"{text!r} not in the server log:\n{server.log()}")


WORKER_MODES = [
    pytest.param((), id="one-worker"),
    pytest.param(
        ("--workers", "2", "--redis", REDIS),
        id="two-workers",
        marks=pytest.mark.skipif(not redis_up(), reason="needs a Redis server on 127.0.0.1:6379"),
    ),
]


@pytest.mark.parametrize("mode", WORKER_MODES)
def test_second_server_on_a_used_port_exits_1(tmp_path, db_url, mode):
    first = RoostServer(str(tmp_path / "first"), db_url, extra=mode)
    with first:
        for second_mode in WORKER_MODES:
            second_dir = tmp_path / "second"
            out = subprocess.run(
                roost_cmd(
                    "serve",
                    "--http",
                    f"127.0.0.1:{first.port}",
                    "--dir",
                    str(second_dir),
                    *second_mode.values[0],
                ),
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert out.returncode == 1, out.stdout + out.stderr
            assert "address already in use" in out.stderr
            assert not second_dir.exists()  # nothing was started or created
        # the first server alone answers, every time
        r = httpx.post(f"{first.url}/api/collections/_superusers/auth-with-password", json={})
        assert r.status_code == 400
        for _ in range(20):
            assert httpx.get(f"{first.url}/api/health").status_code == 200


def test_first_run_banner_tells_how_to_create_the_superuser(tmp_path, db_url):
    data_dir = str(tmp_path / "data")
    server = RoostServer(data_dir, db_url)
    with server:
        log = wait_for_log(server, "roost superuser upsert")
    assert "experimental" not in log.lower()
    assert f"REST API:  http://127.0.0.1:{server.port}/api/" in log
    assert f"Data:      {data_dir}" in log
    if db_url:
        assert "Database:  PostgreSQL postgresql://" in log
    else:
        assert f"Database:  SQLite {os.path.join(data_dir, 'data.db')}" in log
    command = next(line.strip() for line in log.splitlines() if "roost superuser upsert" in line)
    assert command.startswith("roost superuser upsert EMAIL PASSWORD --dir ")
    # the printed command, run from another folder, creates the superuser this server uses
    argv = shlex.split(command)[3:]
    argv[0:2] = ["first@example.com", "Passw0rd123!"]
    out = subprocess.run(
        roost_cmd("superuser", "upsert", *argv), capture_output=True, text=True, timeout=60, cwd=str(tmp_path)
    )
    assert out.returncode == 0, out.stderr
    assert not (tmp_path / "roost_data").exists()
    with RoostServer(data_dir, db_url) as again:
        log = wait_for_log(again, "REST API:")
        assert "no superuser" not in log
        r = httpx.post(
            f"{again.url}/api/collections/_superusers/auth-with-password",
            json={"identity": "first@example.com", "password": "Passw0rd123!"},
        )
        assert r.status_code == 200


def test_superuser_commands_say_which_folder_and_database_they_changed(tmp_path, db_url):
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    storage = ["--db", db_url] if db_url else []
    out = subprocess.run(
        roost_cmd("superuser", "upsert", "a@example.com", "Passw0rd123!", *storage),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(cwd),
    )
    assert out.returncode == 0, out.stderr
    data_dir = str(cwd / "roost_data")
    assert f"Data folder: {data_dir}" in out.stdout
    if db_url:
        assert "Database:    PostgreSQL postgresql://" in out.stdout
    else:
        assert "(new)" in out.stdout
        assert f"Database:    SQLite {os.path.join(data_dir, 'data.db')}" in out.stdout
        assert f"there is no Roost data in {data_dir}" in out.stderr
    # deleting in a folder without data neither succeeds nor creates one
    if not db_url:
        empty = tmp_path / "empty"
        out = subprocess.run(
            roost_cmd("superuser", "delete", "a@example.com", "--dir", str(empty)),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 1
        assert f"there is no Roost data in {empty}" in out.stderr
        assert not empty.exists()


def test_database_password_is_never_printed(tmp_path, db_url):
    if not db_url:
        pytest.skip("a PostgreSQL URL is what carries a password")
    # the test server trusts local connections, so any password is accepted
    with_password = db_url.replace("postgresql://postgres@", "postgresql://postgres:hunter2secret@", 1)
    assert "hunter2secret" in with_password
    out = subprocess.run(
        roost_cmd("superuser", "upsert", "a@example.com", "Passw0rd123!", "--db", with_password),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(tmp_path),
    )
    assert out.returncode == 0, out.stderr
    assert "hunter2secret" not in out.stdout + out.stderr
    assert "postgres:***@" in out.stdout
    server = RoostServer(str(tmp_path / "data"), with_password)
    with server:
        log = wait_for_log(server, "Database:")
    assert "hunter2secret" not in log


def test_request_log_flags(tmp_path, db_url):
    data_dir = str(tmp_path / "data")
    with RoostServer(data_dir, db_url, extra=("--log-format", "json")) as server:
        r = httpx.get(
            f"{server.url}/api/health?token=s3cr3t-file-token", headers={"Authorization": "tok-xyz"}
        )
        rid = r.headers["x-request-id"]
        log = wait_for_log(server, rid)
    line = next(line for line in log.splitlines() if rid in line)
    entry = json.loads(line)
    assert set(entry) == {
        "time",
        "level",
        "msg",
        "request_id",
        "method",
        "url",
        "status",
        "duration_ms",
        "remote_ip",
    }
    assert entry["method"] == "GET" and entry["status"] == 200
    assert entry["url"] == "/api/health?token=***"
    assert entry["remote_ip"] == "127.0.0.1"
    assert "s3cr3t" not in log and "tok-xyz" not in log
    with RoostServer(data_dir, db_url, extra=("--quiet",)) as server:
        rid = httpx.get(f"{server.url}/api/health").headers["x-request-id"]
        server.stop()
        assert rid not in server.log()


def test_websocket_connections_are_logged_when_they_end(tmp_path, db_url):
    from tests.e2e.ws import WebSocket

    with RoostServer(str(tmp_path / "data"), db_url) as server:
        ws = WebSocket(server.port, "/api/realtime/ws?token=ws-secret")
        assert ws.status == 101
        assert ws.recv()["event"] == "PB_CONNECT"
        ws.close()
        refused = WebSocket(server.port, "/api/not-realtime")
        refused.close()
        assert refused.status == 403
        log = wait_for_log(server, " WS /api/not-realtime 403 ")
        log = wait_for_log(server, " WS /api/realtime/ws?token=*** 101 ")
    assert "ws-secret" not in log
