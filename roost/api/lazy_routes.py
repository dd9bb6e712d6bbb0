"""Route modules whose imports are heavy and whose routes most servers never call: their routes
are declared here and the module is imported on the first request to one of them.

Every worker process otherwise pays for them in resident memory from the start (graphql-core
alone is about 5 MB and 150 modules). The first request of each kind imports the module and
binds it once (tens of milliseconds); every later request goes straight to the real handler.
tests/e2e/test_lazy_imports.py checks that the declarations match what each module binds."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from roost.core.app import App
from roost.web import Request, Response, Router
from roost.web.router import Handler

WebSocketApp = Callable[..., Awaitable[None]]


@dataclass(frozen=True, slots=True)
class LazyModule:
    name: str  # the route module, with `bind(router, app)`
    routes: tuple[tuple[str, str], ...]  # (method, path) of every route it binds
    websocket_paths: tuple[str, ...] = ()  # paths it serves WebSockets at


GRAPHQL = LazyModule(
    "roost.api.graphql",
    (("GET", "/api/graphql"), ("POST", "/api/graphql"), ("GET", "/api/graphql/ui/{file}")),
    ("/api/graphql",),
)
# the API descriptions (OpenAPI, JSON Schema, TypeScript): about 30 modules and the email package
APIDOCS = LazyModule(
    "roost.api.apidocs",
    (
        ("GET", "/api/openapi.json"),
        ("GET", "/api/openapi.yaml"),
        ("GET", "/api/schema/types.ts"),
        ("GET", "/api/schema/{file}"),
        ("GET", "/api/docs"),
        ("GET", "/api/docs/{file...}"),
    ),
)
LAZY_MODULES = (APIDOCS, GRAPHQL)


def bind_lazily(router: Router, app: App, spec: LazyModule) -> None:
    """Add `spec`'s routes to `router` as stand-ins that bind the module on first use."""
    previous_ws = router.websocket_handler
    bound: list[Router] = []
    lock = asyncio.Lock()

    async def load() -> Router:
        if not bound:
            async with lock:
                if not bound:
                    scratch = Router()
                    scratch.websocket_handler = previous_ws
                    # the server's list of routes (the API description reads it), which already
                    # holds this module's; the copies its bind adds are dropped again
                    scratch.paths = router.paths
                    known = len(router.paths)
                    importlib.import_module(spec.name).bind(scratch, app)
                    del router.paths[known:]
                    bound.append(scratch)
        return bound[0]

    for method, path in spec.routes:
        real: list[Handler] = []

        async def stand_in(
            request: Request, method: str = method, path: str = path, real: list[Handler] = real
        ) -> Response:
            if not real:
                handler = (await load()).find(method, path)
                if handler is None:  # the module no longer binds it: the declaration is stale
                    raise RuntimeError(f"{spec.name} does not bind {method} {path}")
                real.append(handler)
            response: Response = await real[0](request)
            return response

        router.add(method, path, stand_in)

    if spec.websocket_paths:

        async def websocket(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("path") in spec.websocket_paths:
                handler = (await load()).websocket_handler
            else:  # another path (the realtime WebSocket): not worth importing the module for
                handler = previous_ws
            if handler is not None:
                await handler(scope, receive, send)

        router.websocket_handler = websocket
