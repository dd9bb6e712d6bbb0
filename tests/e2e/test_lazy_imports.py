"""A worker of `roost serve` starts without the libraries only some requests need, so its idle
memory stays small (benchmarks/idle_memory.py measures it); they load on the first request that
needs them."""

from __future__ import annotations

from typing import Any

import pytest

from roost.api.lazy_routes import LAZY_MODULES
from roost.core.app import App
from roost.web import Router
from tests.e2e.server import run_worker_script

pytestmark = pytest.mark.anyio

# packages a started worker must not hold before a request needs them, and why
NOT_AT_START = {
    "prometheus_client": "the /api/metrics exposition",
    "graphql": "the /api/graphql endpoint",
    "roost.core.apidocs": "the API descriptions (/api/openapi.json, /api/docs, /api/schema/...)",
    "roost.mail": "sending a mail",
    "email.message": "sending a mail",
    "jwt": "an OAuth2 id_token check",
    "cryptography": "an OAuth2 id_token check (through PyJWT)",
    "httpx": "an OAuth2 sign-in",
    "boto3": "S3 storage",
}

# what a worker process does (roost/asgi.py): open the app, build the ASGI app, answer requests;
# prints the top-level modules loaded after the health check, then after a GraphQL query and a
# metrics scrape
WORKER = """
import asyncio, json, sys
from roost.asgi import app

async def get(path, query=b"", headers=()):
    sent = []
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}
    async def send(message):
        sent.append(message)
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
             "query_string": query, "headers": list(headers), "client": ("127.0.0.1", 1),
             "server": ("127.0.0.1", 80), "scheme": "http", "http_version": "1.1", "root_path": ""}
    await app(scope, receive, send)
    return sent[0]["status"]

def loaded():
    return sorted(sys.modules)

async def main():
    await app._ensure()
    out = {"health": await get("/api/health"), "at_start": loaded()}
    out["graphql"] = await get("/api/graphql", b"query=%7B__typename%7D", [(b"accept", b"application/json")])
    out["metrics"] = await get("/api/metrics")
    out["after"] = loaded()
    await app.app.close()
    print(json.dumps(out))

asyncio.run(main())
"""


async def test_a_started_worker_has_not_imported_what_only_some_requests_need(tmp_path: Any) -> None:
    out = await run_worker_script(WORKER, str(tmp_path / "data"))
    assert out["health"] == 200
    held = {name: why for name, why in NOT_AT_START.items() if _has(out["at_start"], name)}
    assert not held, f"imported at startup, though only needed for: {held}"
    # the first request that needs one imports it and is answered as before
    assert out["graphql"] == 200
    assert _has(out["after"], "graphql")
    assert out["metrics"] == 401  # a superuser's or the metrics secret's only
    assert not _has(out["after"], "prometheus_client")  # not even imported to refuse a scrape


def _has(modules: list[str], package: str) -> bool:
    return any(name == package or name.startswith(package + ".") for name in modules)


async def test_each_lazy_module_binds_exactly_the_routes_declared_for_it(app: App) -> None:
    import importlib

    for spec in LAZY_MODULES:
        router = Router()
        importlib.import_module(spec.name).bind(router, app)
        assert tuple(router.paths) == spec.routes, spec.name
        assert (router.websocket_handler is not None) == bool(spec.websocket_paths), spec.name
