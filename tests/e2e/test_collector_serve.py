"""A worker of `roost serve` sets Python's garbage collector for serving once it has started
(roost/web/collector.py): what startup left alive is frozen, and young collections wait for
more objects. A hook file's own `gc.set_threshold` wins."""

from __future__ import annotations

from typing import Any

import pytest

from roost.web.collector import SERVING_THRESHOLD
from tests.e2e.server import run_worker_script

pytestmark = pytest.mark.anyio

# the worker's lifespan startup, as granian drives it, then the collector's state
WORKER = """
import asyncio, gc, json
from roost.asgi import app

async def main():
    startup = iter([{"type": "lifespan.startup"}])
    done = asyncio.Event()
    sent = []

    async def receive():
        message = next(startup, None)
        if message is None:
            await done.wait()
            return {"type": "lifespan.shutdown"}
        return message

    async def send(message):
        sent.append(message)

    lifespan = asyncio.create_task(app({"type": "lifespan"}, receive, send))
    while not sent:
        await asyncio.sleep(0.01)
    out = {"startup": sent[0]["type"], "threshold": gc.get_threshold(), "frozen": gc.get_freeze_count()}
    done.set()
    await lifespan
    print(json.dumps(out))

asyncio.run(main())
"""

HOOK_SETTING_ITS_OWN = """
import gc

import roost


def setup(app: roost.App) -> None:
    gc.set_threshold(1234, 5, 6)
"""


async def _start_worker(tmp_path: Any, hooks_dir: str = "") -> dict[str, Any]:
    out: dict[str, Any] = await run_worker_script(WORKER, str(tmp_path / "data"), ROOST_HOOKS_DIR=hooks_dir)
    assert out["startup"] == "lifespan.startup.complete"
    return out


async def test_a_started_worker_freezes_its_startup_objects_and_collects_less_often(tmp_path: Any) -> None:
    out = await _start_worker(tmp_path)
    assert tuple(out["threshold"]) == SERVING_THRESHOLD
    # the modules, the app and its caches: tens of thousands of objects the collector skips
    assert out["frozen"] > 10_000


async def test_a_threshold_a_hook_file_sets_is_kept(tmp_path: Any) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "gc_settings.py").write_text(HOOK_SETTING_ITS_OWN)
    out = await _start_worker(tmp_path, str(hooks))
    assert out["threshold"] == [1234, 5, 6]
    assert out["frozen"] > 10_000
