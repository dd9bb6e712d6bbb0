"""The docs cannot drift: docs/hooks.md lists every hook and event (generated, checked), and the
hook files of docs/extending.md run on a real app and do what the page says."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx
import pytest

import roost
from roost.api import build_asgi
from roost.core import events
from roost.core.hooks import HookSet
from roost.plugins.hooks_dir import load_hooks
from tests.helpers import make_collection, make_user

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCS = os.path.join(ROOT, "docs")


def read(name: str) -> str:
    with open(os.path.join(DOCS, name)) as fh:
        return fh.read()


def test_hooks_md_lists_every_hook_and_event():
    text = read("hooks.md")
    for name in HookSet.names():
        assert f"### `on_{name}`" in text, f"docs/hooks.md lacks on_{name}"
    for cls in events.__all__:
        assert f"**`{cls}`**" in text, f"docs/hooks.md lacks {cls}"


def test_hooks_md_generated_part_is_up_to_date():
    out = subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts", "hooks_doc.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr


def hook_files_in(doc: str) -> dict[str, str]:
    blocks = re.findall(r"```python\n(# roost_hooks/(\S+\.py)\n.*?)```", read(doc), re.S)
    return {name: code for code, name in blocks}


@pytest.fixture
async def docs_client(app: roost.App, tmp_path, su):
    files = hook_files_in("extending.md")
    assert len(files) >= 3
    folder = tmp_path / "roost_hooks"
    folder.mkdir()
    for name, code in files.items():
        (folder / name).write_text(code)
    loaded = await load_hooks(app, str(folder))
    assert [os.path.basename(p) for p in loaded] == sorted(files)
    transport = httpx.ASGITransport(app=build_asgi(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://roost.test") as c:
        for name in ("posts", "drafts"):
            spec = {
                "name": name,
                "type": "base",
                "createRule": "",
                "fields": [{"name": "title", "type": "text"}],
            }
            await make_collection(c, su, spec)
        yield c


@pytest.mark.anyio
async def test_extending_md_examples_do_what_the_page_says(docs_client, su):
    c = docs_client
    r = await c.get("/api/hello/world")
    assert r.json() == {"message": "Hello world!"}

    r = await c.post("/api/collections/posts/records", json={"title": "  hello"})
    assert r.status_code == 200 and r.json()["title"] == "Hello"
    r = await c.post("/api/collections/posts/records", json={"title": "buy spam"})
    assert r.json() == {"data": {}, "message": "No spam, please.", "status": 400}
    r = await c.post("/api/collections/drafts/records", json={"title": "wip"})
    assert r.status_code == 202 and r.json() == {"held": "wip"}
    r = await c.get("/api/collections/drafts/records", headers=su)
    assert r.json()["totalItems"] == 0
    assert (await c.get("/api/post-stats")).json() == {"created": 1}

    assert (await c.get("/api/me")).status_code == 401
    user, token = await make_user(c, "u@example.com")
    r = await c.get("/api/me", headers={"Authorization": token})
    assert r.json() == {"id": user["id"], "collection": "users"}
    assert (await c.get("/api/me", headers=su)).status_code == 403
    r = await c.post("/api/echo", params={"q": "1"}, json={"a": 1}, headers=su)
    assert r.json() == {"body": {"a": 1}, "q": "1"}
    assert (await c.post("/api/echo", json={}, headers={"Authorization": token})).status_code == 403
    r = await c.get("/api/welcome")
    assert r.text == "Welcome!" and r.headers["x-powered-by"] == "roost"
    assert (await c.get("/api/welcome", headers=su)).status_code == 400
    assert (await c.get("/api/health")).headers["x-powered-by"] == "roost"
