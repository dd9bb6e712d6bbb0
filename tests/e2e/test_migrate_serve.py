"""`roost serve` with migrations: pending ones applied at startup, automigrate writing a file per
collection change (off with --automigrate=false); and the cron tick lock across processes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import drop_db_url, new_db_url
from tests.e2e.server import RoostServer

pytestmark = pytest.mark.e2e

EMAIL, PASSWORD = "admin@example.com", "Passw0rd123!"


@pytest.fixture
def db_url():
    url = asyncio.run(new_db_url())
    yield url
    asyncio.run(drop_db_url(url))


def su_headers(server: RoostServer) -> dict[str, str]:
    assert server.cli("superuser", "upsert", EMAIL, PASSWORD).returncode == 0
    r = httpx.post(
        f"{server.url}/api/collections/_superusers/auth-with-password",
        json={"identity": EMAIL, "password": PASSWORD},
        timeout=10,
    )
    return {"Authorization": r.json()["token"]}


def test_serve_applies_pending_and_automigrates(tmp_path, db_url):
    data = tmp_path / "data"
    data.mkdir()
    folder = tmp_path / "roost_migrations"  # the default: beside the data folder
    folder.mkdir()
    (folder / "1700000000_tags.py").write_text(
        "import roost\n\n"
        "async def up(app):\n"
        "    await app.save(roost.Collection({'name': 'tags', 'listRule': '', "
        "'fields': [{'name': 'label', 'type': 'text'}]}))\n\n"
        "async def down(app):\n"
        "    await app.delete(app.find_collection_by_name_or_id('tags'))\n"
    )
    with RoostServer(str(data), db_url) as server:
        r = httpx.get(f"{server.url}/api/collections/tags/records", timeout=10)
        assert r.status_code == 200, r.text
        su = su_headers(server)
        r = httpx.post(
            f"{server.url}/api/collections",
            json={"name": "notes", "fields": [{"name": "body", "type": "text"}]},
            headers=su,
            timeout=10,
        )
        assert r.status_code == 200, r.text
    written = sorted(p.name for p in folder.iterdir())
    assert written[0] == "1700000000_tags.py"
    assert [n.split("_", 1)[1] for n in written[1:]] == ["created_notes.py"]

    # replayed elsewhere by `serve` itself at startup
    other = tmp_path / "other"
    os.makedirs(other / "roost_migrations")
    os.makedirs(other / "data")
    for name in written:
        (other / "roost_migrations" / name).write_text((folder / name).read_text())
    with RoostServer(str(other / "data"), extra=("--automigrate=false",)) as server:
        su = su_headers(server)
        r = httpx.get(f"{server.url}/api/collections/notes", headers=su, timeout=10)
        assert r.status_code == 200, r.text
        r = httpx.delete(f"{server.url}/api/collections/notes", headers=su, timeout=10)
        assert r.status_code == 204
    assert sorted(p.name for p in (other / "roost_migrations").iterdir()) == written  # nothing new


def test_serve_refuses_to_start_on_a_failing_migration(tmp_path):
    folder = tmp_path / "roost_migrations"
    folder.mkdir()
    (folder / "1700000000_boom.py").write_text(
        "async def up(app):\n    raise RuntimeError('boom')\n\nasync def down(app):\n    pass\n"
    )
    (tmp_path / "data").mkdir()
    server = RoostServer(str(tmp_path / "data"))
    with pytest.raises(RuntimeError, match=r"1700000000_boom\.py failed in up"):
        server.start()


JOB_SCRIPT = """
import asyncio, os, sys, roost

async def main():
    app = await roost.App.open(dir=sys.argv[1], db=sys.argv[2] or None)
    app.cron.interval = 1.0
    def job():
        with open(sys.argv[3], "a") as fh:
            fh.write(f"{os.getpid()}\\n")
    app.cron.add("tick", "* * * * *", job)
    app.cron.start()
    await asyncio.sleep(float(sys.argv[4]))
    await app.close()

asyncio.run(main())
"""


def test_cron_runs_each_tick_once_across_processes(tmp_path, db_url):
    data, out = str(tmp_path / "data"), str(tmp_path / "runs.txt")
    # create the schema once, as `serve` does before starting workers
    subprocess.run([sys.executable, "-c", JOB_SCRIPT, data, db_url or "", out, "0"], check=True, timeout=60)
    Path(out).unlink(missing_ok=True)
    procs = [
        subprocess.Popen([sys.executable, "-c", JOB_SCRIPT, data, db_url or "", out, "4.5"]) for _ in range(3)
    ]
    for p in procs:
        assert p.wait(timeout=60) == 0
    runs = Path(out).read_text().split()

    async def claimed() -> int:
        import roost

        app = await roost.App.open(dir=data, db=db_url)
        try:
            rows = await app.db.fetch_all('SELECT "tick" FROM "_cron_ticks" WHERE "job" = ?', ("tick",))
            return len(rows)
        finally:
            await app.close()

    ticks = asyncio.run(claimed())
    assert ticks >= 3
    assert len(runs) == ticks  # three processes, one run per tick


CRON_HOOKS = """
import os

import roost

OUT = {out!r}


def setup(app: roost.App) -> None:
    app.cron.interval = 1.0  # a tick every second instead of every minute

    def scheduled() -> None:
        with open(OUT, "a") as fh:
            fh.write(f"tick {{os.getpid()}}\\n")

    async def manual() -> None:
        with open(OUT, "a") as fh:
            fh.write("manual\\n")

    app.cron.add("tick", "* * * * *", scheduled)
    app.cron.add("manual", "@yearly", manual)
"""


def test_cron_from_hook_files_with_two_workers(tmp_path, db_url):
    data, hooks, out = tmp_path / "data", tmp_path / "hooks", tmp_path / "runs.txt"
    data.mkdir()
    hooks.mkdir()
    (hooks / "jobs.py").write_text(CRON_HOOKS.format(out=str(out)))
    extra = ("--workers", "2", "--redis", "redis://127.0.0.1:6379/0", "--hooksDir", str(hooks))
    with RoostServer(str(data), db_url, extra=extra) as server:
        su = su_headers(server)
        r = httpx.get(f"{server.url}/api/crons", headers=su, timeout=10)
        assert [j for j in r.json() if not j["id"].startswith("__pb")] == [
            {"id": "manual", "expression": "0 0 1 1 *"},
            {"id": "tick", "expression": "* * * * *"},
        ]
        r = httpx.post(f"{server.url}/api/crons/manual", headers=su, timeout=10)
        assert r.status_code == 204
        time.sleep(4.5)
    lines = out.read_text().splitlines()
    assert lines.count("manual") == 1
    ticks = [line for line in lines if line.startswith("tick ")]

    async def claimed() -> int:
        import roost

        app = await roost.App.open(dir=str(data), db=db_url)
        try:
            rows = await app.db.fetch_all('SELECT "tick" FROM "_cron_ticks" WHERE "job" = ?', ("tick",))
            return len(rows)
        finally:
            await app.close()

    n = asyncio.run(claimed())
    assert n >= 3
    assert len(ticks) == n  # two workers, one run per tick
