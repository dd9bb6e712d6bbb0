"""Hook files in a folder drive a real `roost serve`: record hooks, after-success hooks, a custom
route with require_auth, errors that name the file and line, and restarts on change."""

from __future__ import annotations

import asyncio
import os
import subprocess
import textwrap
import time

import httpx
import pytest

from tests.conftest import drop_db_url, new_db_url
from tests.e2e.server import RoostServer, free_port, roost_cmd

pytestmark = pytest.mark.e2e

SU = ("su@example.com", "Passw0rd123!")

POSTS_HOOKS = """
import roost

seen: list[dict] = []


def setup(app: roost.App) -> None:
    @app.on_record_create_request("posts")
    async def moderate(e: roost.RecordRequestEvent) -> None:
        title = e.record["title"]
        if title == "spam":
            raise roost.BadRequestError("No spam.")
        if title == "later":
            e.json(202, {"queued": True})  # next() is never called: nothing is saved
            return
        e.record["title"] = title.upper()
        await e.next()

    @app.on_record_after_create_success("posts")
    async def remember(e: roost.RecordEvent) -> None:
        stored = await e.app.find_record_by_id("posts", e.record.id)  # committed: readable anywhere
        seen.append({"id": e.record.id, "title": e.record["title"], "stored": stored["title"]})
        await e.next()
"""

ROUTES_HOOKS = """
import roost

from roost_hooks import a_posts


def setup(app: roost.App) -> None:
    async def hello(e: roost.RequestEvent) -> None:
        assert e.auth is not None
        return e.json(200, {"hello": e.request.path_params["name"], "auth": e.auth["email"]})

    async def seen(e: roost.RequestEvent):
        return e.json(200, a_posts.seen)

    app.router.get("/api/hello/{name}", hello, roost.require_auth("users"))
    app.router.get("/api/seen", seen)
"""


@pytest.fixture
def db_url():
    url = asyncio.run(new_db_url())
    yield url
    asyncio.run(drop_db_url(url))


def write_hooks(folder, files: dict[str, str]) -> None:
    os.makedirs(folder, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(folder, name), "w") as fh:
            fh.write(textwrap.dedent(text))


def setup_schema(url: str) -> str:
    token = httpx.post(
        f"{url}/api/collections/_superusers/auth-with-password",
        json={"identity": SU[0], "password": SU[1]},
        timeout=10,
    ).json()["token"]
    spec = {
        "name": "posts",
        "type": "base",
        "listRule": "",
        "viewRule": "",
        "createRule": "",
        "fields": [{"name": "title", "type": "text"}],
    }
    r = httpx.post(f"{url}/api/collections", json=spec, headers={"Authorization": token}, timeout=10)
    assert r.status_code == 200, r.text
    return token


def test_hook_files_change_refuse_and_stop_writes(tmp_path, db_url):
    # the default folder: roost_hooks/ beside the data folder
    write_hooks(tmp_path / "roost_hooks", {"a_posts.py": POSTS_HOOKS, "b_routes.py": ROUTES_HOOKS})
    server = RoostServer(str(tmp_path / "data"), db_url)
    assert server.cli("superuser", "upsert", *SU).returncode == 0
    with server:
        setup_schema(server.url)
        url = server.url + "/api/collections/posts/records"
        r = httpx.post(url, json={"title": "hello"}, timeout=10)
        assert r.status_code == 200 and r.json()["title"] == "HELLO"
        created = r.json()
        r = httpx.post(url, json={"title": "spam"}, timeout=10)
        assert r.status_code == 400
        assert r.json() == {"data": {}, "message": "No spam.", "status": 400}
        r = httpx.post(url, json={"title": "later"}, timeout=10)
        assert r.status_code == 202 and r.json() == {"queued": True}
        assert httpx.get(url, timeout=10).json()["totalItems"] == 1
        # the after-success hook saw the committed record
        seen = httpx.get(server.url + "/api/seen", timeout=10).json()
        assert seen == [{"id": created["id"], "title": "HELLO", "stored": "HELLO"}]

        # a custom route behind require_auth("users")
        hello = server.url + "/api/hello/world"
        r = httpx.get(hello, timeout=10)
        assert r.status_code == 401
        assert r.json()["message"] == "The request requires valid record authorization token."
        users = server.url + "/api/collections/users"
        body = {"email": "u@example.com", "password": "password123", "passwordConfirm": "password123"}
        assert httpx.post(users + "/records", json=body, timeout=10).status_code == 200
        login = httpx.post(
            users + "/auth-with-password",
            json={"identity": "u@example.com", "password": "password123"},
            timeout=10,
        ).json()
        r = httpx.get(hello, headers={"Authorization": login["token"]}, timeout=10)
        assert r.status_code == 200 and r.json() == {"hello": "world", "auth": "u@example.com"}
        assert r.headers["access-control-allow-origin"] == "*"  # the same CORS as built-in routes
        su = httpx.post(
            server.url + "/api/collections/_superusers/auth-with-password",
            json={"identity": SU[0], "password": SU[1]},
            timeout=10,
        ).json()
        r = httpx.get(hello, headers={"Authorization": su["token"]}, timeout=10)
        assert r.status_code == 403


def test_an_error_in_a_hook_file_names_the_file_and_line_and_exits_1(tmp_path):
    hooks = tmp_path / "my_hooks"
    write_hooks(hooks, {"broken.py": "import roost\n\n\ndef setup(app):\n    raise ValueError('bad hook')\n"})
    out = subprocess.run(
        roost_cmd(
            "serve",
            "--http",
            f"127.0.0.1:{free_port()}",
            "--dir",
            str(tmp_path / "data"),
            "--hooksDir",
            str(hooks),
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1
    assert f"{hooks / 'broken.py'}, line 5" in out.stderr
    assert "ValueError: bad hook" in out.stderr


def test_hooks_watch_restarts_on_change(tmp_path, db_url):
    hooks = tmp_path / "hooks"
    route = """
    import roost

    def setup(app: roost.App) -> None:
        app.router.get("/api/version", lambda e: e.json(200, {"v": VERSION}))

    VERSION = {v}
    """
    write_hooks(hooks, {"v.py": route.replace("{v}", "1")})
    os.makedirs(tmp_path / "data")
    server = RoostServer(str(tmp_path / "data"), db_url, extra=("--hooksDir", str(hooks), "--hooksWatch"))
    with server:
        assert httpx.get(server.url + "/api/version", timeout=10).json() == {"v": 1}
        time.sleep(1.1)  # a new modification time
        write_hooks(hooks, {"v.py": route.replace("{v}", "2")})
        deadline = time.time() + 30
        answer = None
        while time.time() < deadline:
            try:
                answer = httpx.get(server.url + "/api/version", timeout=2).json()
                if answer == {"v": 2}:
                    break
            except (httpx.TransportError, ValueError):
                pass
            time.sleep(0.2)
        assert answer == {"v": 2}, server.log()
