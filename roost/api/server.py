"""The ASGI application: CORS, security headers, auth-token loading, routing, the one error handler."""

from __future__ import annotations

import logging
from time import perf_counter, time
from typing import Any

from roost.api import (
    backups,
    batch,
    collections,
    crons,
    dashboard,
    files,
    guard,
    health,
    keys,
    logs,
    metrics,
    oauth2_redirect,
    realtime,
    record_auth,
    record_auth_email,
    record_auth_impersonate,
    record_auth_oauth2,
    record_auth_otp,
    records,
    settings,
    sql,
)
from roost.api.lazy_routes import APIDOCS, GRAPHQL, LazyModule, bind_lazily
from roost.core.app import App
from roost.core.auth import find_by_token
from roost.core.routing import custom_handler, with_middlewares
from roost.logs import REQUEST
from roost.web import Request, Response, Router, json_response, to_api_error
from roost.web.access_log import AccessLog, new_request_id, request_id_var
from roost.web.response import SECURITY_HEADERS

log = logging.getLogger("roost.api")

_CORS = [(b"access-control-allow-origin", b"*")]
_ALLOW_METHODS = b"GET,HEAD,PUT,PATCH,POST,DELETE"
# routes whose successful requests are not stored as logs, as PocketBase (SkipSuccessActivityLog):
# reading the logs, the realtime stream, and scrapes of the metrics
_SKIP_SUCCESS_LOG = frozenset(
    {
        ("GET", "/api/logs"),
        ("DELETE", "/api/logs"),
        ("GET", "/api/logs/stats"),
        ("GET", "/api/logs/{id}"),
        ("GET", "/api/realtime"),
        ("GET", "/api/metrics"),
    }
)


def build_router(app: App) -> Router:
    router = Router()
    modules = (
        health,
        collections,
        records,
        record_auth,
        record_auth_email,
        record_auth_otp,
        record_auth_oauth2,
        record_auth_impersonate,
        oauth2_redirect,
        settings,
        batch,
        files,
        realtime,
        crons,
        dashboard,
        backups,
        sql,
        keys,
        APIDOCS,  # imported on its first request, as GRAPHQL
        GRAPHQL,
        logs,
        metrics,
    )
    for module in modules:
        if isinstance(module, LazyModule):
            bind_lazily(router, app, module)
        else:
            module.bind(router, app)
    for route in app.router.routes:  # custom routes added by hooks and scripts
        router.add(route.method, route.path, custom_handler(app, route))
    return router


def _token_from(request: Request) -> str:
    raw = request.header(b"authorization")
    if not raw:
        return ""
    raw = raw.strip()
    if raw[:7].lower() == "bearer ":
        raw = raw[7:].strip()
    return raw


async def _authenticate(app: App, request: Request, token: str) -> None:
    found = await find_by_token(app, token)
    if found is not None:
        request.auth = (found[0], found[1])
        request.state["claims"] = found[2]
        request.state["token"] = token
        if "apiKey" in found[2]:
            request.state["api_key"] = found[2]


def _not_found(handlers: Any) -> Response:
    if handlers is None:
        return json_response({"data": {}, "message": "File not found.", "status": 404}, 404)
    # PocketBase answers a known path with another method as a plain 404
    return json_response({"data": {}, "message": "The requested resource wasn't found.", "status": 404}, 404)


def build_asgi(app: App, access_log: AccessLog | None = None) -> Any:
    """The ASGI callable. Every answered request is measured once, and that one record feeds the
    metrics, the log store (when `settings.logs.maxDays` > 0) and, with `access_log`, one console
    line."""
    router = build_router(app)
    # routes that check rate limits per collection (auth, files, records) skip the request-wide rule
    own_checks = guard.bind_collection_routes(router, app)
    extra_headers = SECURITY_HEADERS + _CORS
    http_metrics = app.http_metrics
    store = app.log_store

    async def asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            handler = router.websocket_handler
            if scope["type"] == "websocket" and handler is not None:
                if access_log is None:
                    await handler(scope, receive, send)
                else:
                    await _logged_websocket(handler, access_log, scope, receive, send)
            return
        started = perf_counter()
        http_metrics.active += 1
        request = Request(scope, receive)
        # every request gets an id: sent back as X-Request-Id, logged with the request line, and
        # carried by every log record emitted while answering it (`request.request_id` too)
        request_id = request.request_id = new_request_id()
        request_id_var.set(request_id)
        route = ""
        error: Exception | None = None
        try:
            if request.method == "OPTIONS":
                response = _preflight(request)
            else:
                handlers, params, route = router.match_route(request.path)
                handler = handlers.get(request.method) if handlers is not None else None
                policy = app.policy
                if handler is None and not policy.active:
                    response = _not_found(handlers)
                else:
                    request.path_params = params
                    token = _token_from(request)
                    if token:
                        await _authenticate(app, request, token)
                    if policy.active or "api_key" in request.state:
                        await guard.check_request(app, request, handler in own_checks)
                    if handler is None:
                        response = _not_found(handlers)
                    elif app.router.middlewares.handlers:
                        response = await with_middlewares(app, request, handler)
                    else:
                        response = await handler(request)
        except Exception as exc:  # the one place errors become responses
            error = exc
            err = to_api_error(exc)
            response = json_response(err.body(), err.status)
        headers = [*extra_headers, (b"x-request-id", request_id.encode())]
        if request.state:
            limited = request.state.get("ratelimit_headers")
            if limited:
                headers += limited
        try:
            await response.send(send, headers)
        finally:
            # the one measurement of this request, shared by every consumer below
            seconds = perf_counter() - started
            status = response.status
            method = request.method
            http_metrics.active -= 1
            http_metrics.observe(method, route, status, seconds)
            if store is not None and store.enabled:
                failed = status >= 400
                if failed or (method, route) not in _SKIP_SUCCESS_LOG:
                    store.request(
                        (
                            REQUEST,
                            time(),
                            method,
                            request.path,
                            scope.get("query_string", b""),
                            status,
                            seconds,
                            scope["headers"],
                            request.client_ip,
                            request.auth,
                            response.body if failed else None,
                            error,
                        )
                    )
            if access_log is not None:
                access_log.request(scope, request_id, status, seconds)

    return asgi


async def _logged_websocket(
    handler: Any, access_log: AccessLog, scope: dict[str, Any], receive: Any, send: Any
) -> None:
    """A WebSocket connection logs one line when it ends: 101 if it was accepted, 403 if the
    upgrade was refused; the duration is the connection's lifetime."""
    started = perf_counter()
    request_id = new_request_id()
    request_id_var.set(request_id)
    status = 403

    async def watched_send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "websocket.accept":
            status = 101
        await send(message)

    try:
        await handler(scope, receive, watched_send)
    finally:
        access_log.request(scope, request_id, status, perf_counter() - started)


def _preflight(request: Request) -> Response:
    req_headers = request.header(b"access-control-request-headers") or ""
    headers = [
        (b"access-control-allow-methods", _ALLOW_METHODS),
        (b"access-control-allow-headers", req_headers.encode("latin-1")),
        (b"vary", b"Origin"),
    ]
    return Response(204, b"", headers)


async def _lifespan(receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
