"""The examples of docs/cron-and-migrations.md run as written (on the engine under test)."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import drop_db_url, new_db_url

DOC = Path(__file__).parent.parent / "docs" / "cron-and-migrations.md"
BLOCK_RE = re.compile(r"```python\n# (\S+)\n(.*?)```", re.DOTALL)


def examples() -> dict[str, str]:
    return {name: code for name, code in BLOCK_RE.findall(DOC.read_text())}


@pytest.fixture
def db_url():
    url = asyncio.run(new_db_url())
    yield url
    asyncio.run(drop_db_url(url))


def run(cwd: Path, *args: str) -> str:
    r = subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_examples_run(tmp_path: Path, db_url: str | None) -> None:
    found = examples()
    assert set(found) == {
        "script.py",
        "cron_script.py",
        "roost_hooks/jobs.py",
        "roost_migrations/1700000000_create_tags.py",
    }
    for name, code in found.items():
        if db_url:
            code = code.replace('App.open(dir="roost_data")', f'App.open(dir="roost_data", db={db_url!r})')
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code)

    assert run(tmp_path, "script.py").splitlines() == ["['Hello']", "2 2"]
    out = run(tmp_path, "cron_script.py").splitlines()
    assert out[0] == (
        "[{'id': 'everyFiveMinutes', 'expression': '*/5 * * * *'}, "
        "{'id': 'nightlyReport', 'expression': '0 3 * * *'}]"
    )
    assert out[1] == "1 posts so far"

    # the hook file registers its jobs when setup(app) runs, as `roost serve` does
    check = (
        "import asyncio, importlib.util, roost\n"
        "async def main():\n"
        f"    app = await roost.App.open(dir='roost_data', db={db_url!r})\n"
        "    spec = importlib.util.spec_from_file_location('jobs', 'roost_hooks/jobs.py')\n"
        "    module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        "    module.setup(app)\n"
        "    print([job.to_json() for job in app.cron.jobs() if not job.id.startswith('__pb')])\n"
        "    await app.cron.run_now('purgeDrafts')\n"
        "    print(len(await app.find_records_by_filter('posts')))\n"
        "    await app.close()\n"
        "asyncio.run(main())\n"
    )
    assert run(tmp_path, "-c", check).splitlines() == [
        "[{'id': 'heartbeat', 'expression': '*/10 * * * *'}, {'id': 'purgeDrafts', 'expression': '0 0 * * *'}]",
        "0",
    ]

    db_args = ["--db", db_url] if db_url else []
    out = run(tmp_path, "-m", "roost", "migrate", "up", "--dir", "roost_data", *db_args)
    assert out.strip() == "Applied 1700000000_create_tags.py"
    out = run(tmp_path, "-m", "roost", "migrate", "down", "--dir", "roost_data", *db_args)
    assert out.strip() == "Reverted 1700000000_create_tags.py"
