"""API descriptions: GET /api/openapi.json|yaml, the docs page at /api/docs, and
GET /api/schema/{collection}.json (JSON Schema) and /api/schema/types.ts (TypeScript).

All are generated for the caller's class (superuser, guest, auth record) by roost/core/apidocs
and served from its cache with an ETag while the schema is unchanged."""

from __future__ import annotations

import asyncio
import os

import orjson

from roost.core.apidocs import (
    MODES,
    ApiDocs,
    Audience,
    Built,
    audience_of,
    json_schema,
    may_read,
    typescript_types,
)
from roost.core.app import App
from roost.core.records import locked_error
from roost.errors import BadRequest, NotFound
from roost.web import Request, Response, Router

UI_DIR = os.path.join(os.path.dirname(__file__), "apidocs_ui")
# the vendored Swagger UI files (scripts/vendor-swagger-ui), the only files /api/docs/ serves
UI_FILES = {
    "swagger-ui-bundle.js": b"text/javascript; charset=utf-8",
    "swagger-ui.css": b"text/css; charset=utf-8",
    "docs.js": b"text/javascript; charset=utf-8",
    "LICENSE": b"text/plain; charset=utf-8",
    "NOTICE": b"text/plain; charset=utf-8",
}
PAGE = b"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Roost API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/docs.js"></script>
</body>
</html>
"""


def bind(router: Router, app: App) -> None:
    docs = ApiDocs(app, router.paths, list(app.router.routes))

    async def openapi_json(request: Request) -> Response:
        return _send(request, docs.openapi_json(_audience(request)), b"application/json")

    async def openapi_yaml(request: Request) -> Response:
        return _send(request, docs.openapi_yaml(_audience(request)), b"application/yaml; charset=utf-8")

    async def schema(request: Request) -> Response:
        name = request.path_params["file"]
        if not name.endswith(".json"):
            raise NotFound()
        coll = app.collection(name[: -len(".json")])
        if coll is None:
            raise NotFound("Missing collection context.")
        audience = _audience(request)
        if not may_read(coll, audience):
            raise locked_error()
        mode = request.query.get("mode") or "record"
        if mode not in MODES or (mode != "record" and coll.is_view):
            raise BadRequest("Invalid mode: expected record, create or update (record only for views).")
        built = docs.cached(
            ("schema", audience.key, coll.id, mode),
            lambda: orjson.dumps(json_schema(coll, audience, mode, app.registry)),
        )
        return _send(request, built, b"application/schema+json")

    async def types_ts(request: Request) -> Response:
        audience = _audience(request)
        built = docs.cached(("ts", audience.key), lambda: typescript_types(app.registry, audience).encode())
        return _send(request, built, b"application/typescript; charset=utf-8")

    async def page(request: Request) -> Response:
        return Response(
            200, PAGE, [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-cache")]
        )

    assets: dict[str, bytes] = {}  # read once, on first request

    async def asset(request: Request) -> Response:
        name = request.path_params["file"]
        content_type = UI_FILES.get(name)
        if content_type is None:
            raise NotFound()
        body = assets.get(name)
        if body is None:
            try:
                body = assets[name] = await asyncio.to_thread(_read, os.path.join(UI_DIR, name))
            except FileNotFoundError:
                raise NotFound() from None
        return Response(200, body, [(b"content-type", content_type), (b"cache-control", b"max-age=3600")])

    router.get("/api/openapi.json", openapi_json)
    router.get("/api/openapi.yaml", openapi_yaml)
    router.get("/api/schema/types.ts", types_ts)
    router.get("/api/schema/{file}", schema)
    router.get("/api/docs", page)
    router.get("/api/docs/{file...}", asset)


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _audience(request: Request) -> Audience:
    return audience_of(request.auth[0] if request.auth else None)


def _send(request: Request, built: Built, content_type: bytes) -> Response:
    headers = [
        (b"etag", built.etag.encode()),
        (b"cache-control", b"no-cache"),
        (b"vary", b"Authorization"),
    ]
    match = request.header(b"if-none-match")
    if match and built.etag in (m.strip() for m in match.split(",")):
        return Response(304, b"", headers)
    return Response(200, built.body, [(b"content-type", content_type), *headers])
