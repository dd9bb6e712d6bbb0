"""GraphQL over HTTP at /api/graphql (GET and POST, docs/graphql.md), the GraphiQL explorer at
the same path for browsers, and subscriptions over WebSocket there (roost/api/graphql_ws.py).

Requests and answers follow the GraphQL over HTTP spec: `application/graphql-response+json`
when the client accepts it (request, syntax and validation errors are then a 400), else
`application/json` (always a 200 once the request itself was well formed)."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import orjson
from graphql import ExecutionResult, GraphQLError, OperationDefinitionNode, OperationType, execute
from graphql.language import DocumentNode

from roost.api import graphql_ws
from roost.api.graphql_ops import RequestOps
from roost.core.apidocs import audience_of
from roost.core.app import App
from roost.core.graphql import Prepared, Schemas
from roost.core.graphql.fast import RecordExecutor
from roost.errors import RoostError
from roost.web import Request, Response, Router, to_api_error

PATH = "/api/graphql"
GRAPHQL_RESPONSE = "application/graphql-response+json"
UI_DIR = os.path.join(os.path.dirname(__file__), "graphiql")
UI_FILES = {
    "graphiql.min.js": b"text/javascript; charset=utf-8",
    "graphiql.min.css": b"text/css; charset=utf-8",
    "react.production.min.js": b"text/javascript; charset=utf-8",
    "react-dom.production.min.js": b"text/javascript; charset=utf-8",
    "explorer.js": b"text/javascript; charset=utf-8",
    "LICENSE": b"text/plain; charset=utf-8",
}
PAGE = b"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Roost GraphQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/api/graphql/ui/graphiql.min.css">
<style>body{margin:0;height:100vh}#graphiql{height:100vh}</style>
</head>
<body>
<div id="graphiql">Loading...</div>
<script src="/api/graphql/ui/react.production.min.js"></script>
<script src="/api/graphql/ui/react-dom.production.min.js"></script>
<script src="/api/graphql/ui/graphiql.min.js"></script>
<script src="/api/graphql/ui/explorer.js"></script>
</body>
</html>
"""


class RequestError(Exception):
    """A request that is not a GraphQL request (status, message)."""

    def __init__(self, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or []


def bind(router: Router, app: App) -> None:
    schemas = Schemas(app)

    async def get(request: Request) -> Response:
        accept = request.header(b"accept") or ""
        if "text/html" in accept and "query" not in request.query:
            return Response(
                200, PAGE, [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-cache")]
            )
        return await _answer(app, schemas, request, accept, _params_of_get)

    async def post(request: Request) -> Response:
        return await _answer(app, schemas, request, request.header(b"accept") or "", _params_of_post)

    assets: dict[str, bytes] = {}

    async def asset(request: Request) -> Response:
        name = request.path_params["file"]
        content_type = UI_FILES.get(name)
        if content_type is None:
            return Response(404, b"", [])
        body = assets.get(name)
        if body is None:
            try:
                body = assets[name] = await asyncio.to_thread(_read, os.path.join(UI_DIR, name))
            except FileNotFoundError:
                return Response(404, b"", [])
        return Response(200, body, [(b"content-type", content_type), (b"cache-control", b"max-age=3600")])

    router.get(PATH, get)
    router.post(PATH, post)
    router.get(PATH + "/ui/{file}", asset)
    graphql_ws.mount(router, app, schemas)


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


async def _answer(app: App, schemas: Schemas, request: Request, accept: str, read: Any) -> Response:
    media = _media_type(accept)
    if media is None:
        return _plain(406, "Accept application/graphql-response+json or application/json.")
    try:
        params = await read(request)
        source, variables, operation = _check(params)
        prepared = schemas.get(audience_of(request.auth[0] if request.auth else None))
        document = prepared.document(source)
        if isinstance(document, list):
            return _result(media, ExecutionResult(None, document), request_error=True)
        op = _operation(document, operation)
        if op == OperationType.SUBSCRIPTION:
            raise RequestError(400, "Subscriptions are served over WebSocket (graphql-transport-ws).")
        if op == OperationType.MUTATION and request.method == "GET":
            raise RequestError(405, "Mutations are sent with POST.", [(b"allow", b"POST")])
    except RequestError as exc:
        return _request_error(media, exc)
    result = await run(prepared, document, RequestOps(app, request), variables, operation)
    return _result(media, result, request_error=result.data is None and op is None)


async def run(
    prepared: Prepared,
    document: DocumentNode,
    ops: RequestOps,
    variables: dict[str, Any] | None,
    operation: str | None,
) -> ExecutionResult:
    result = execute(
        prepared.schema, document, None, ops, variables, operation, executor_class=RecordExecutor
    )
    if not isinstance(result, ExecutionResult):
        result = await result
    return result


def _media_type(accept: str) -> str | None:
    if not accept:
        return "application/json"
    types = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    for t in types:
        if t == GRAPHQL_RESPONSE:
            return GRAPHQL_RESPONSE
        if t in ("application/json", "application/*", "*/*"):
            return "application/json"
    return None


async def _params_of_get(request: Request) -> dict[str, Any]:
    q = request.query
    params: dict[str, Any] = {"query": q.get("query"), "operationName": q.get("operationName")}
    for name in ("variables", "extensions"):
        raw = q.get(name)
        if raw:
            try:
                params[name] = orjson.loads(raw)
            except orjson.JSONDecodeError:
                raise RequestError(400, f"The {name} parameter is not valid JSON.") from None
    return params


async def _params_of_post(request: Request) -> dict[str, Any]:
    content_type = (request.header(b"content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise RequestError(415, "Send the request as application/json.")
    try:
        body = await request.body()
        params = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise RequestError(400, "The request body is not valid JSON.") from None
    except RoostError as exc:
        raise RequestError(to_api_error(exc).status, to_api_error(exc).message) from None
    if not isinstance(params, dict):
        raise RequestError(400, "The request body must be a JSON object.")
    return params


def _check(params: dict[str, Any]) -> tuple[str, dict[str, Any] | None, str | None]:
    source, variables, operation = params.get("query"), params.get("variables"), params.get("operationName")
    if not isinstance(source, str) or not source:
        raise RequestError(400, "The query parameter must be a non-empty string.")
    if variables is not None and not isinstance(variables, dict):
        raise RequestError(400, "The variables parameter must be a JSON object.")
    if operation is not None and not isinstance(operation, str):
        raise RequestError(400, "The operationName parameter must be a string.")
    extensions = params.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise RequestError(400, "The extensions parameter must be a JSON object.")
    return source, variables, operation


def _operation(document: DocumentNode, name: str | None) -> OperationType | None:
    """The type of the operation to run, or None when `name` picks none (execute reports it)."""
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return ops[0].operation if len(ops) == 1 else None
    for op in ops:
        if op.name is not None and op.name.value == name:
            return op.operation
    return None


def format_error(err: GraphQLError) -> dict[str, Any]:
    """A spec error; PocketBase's status, message and data of a failed operation in `extensions`."""
    out: dict[str, Any] = {"message": err.message}
    if err.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in err.locations]
    if err.path is not None:
        out["path"] = list(err.path)
    if err.original_error is not None:
        api = to_api_error(err.original_error)
        out["message"] = api.message
        out["extensions"] = {"status": api.status, "message": api.message, "data": api.data}
    elif err.extensions:
        out["extensions"] = err.extensions
    return out


def result_body(result: ExecutionResult, executed: bool = True) -> dict[str, Any]:
    """`{"errors"?, "data"}`; `data` is left out when the document never ran (syntax or
    validation errors) and null when an error reached the root while running."""
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [format_error(e) for e in result.errors]
    if executed:
        body["data"] = result.data
    return body


def _result(media: str, result: ExecutionResult, request_error: bool) -> Response:
    status = 400 if request_error and media == GRAPHQL_RESPONSE else 200
    ct = (media + "; charset=utf-8").encode()
    body = result_body(result, executed=not request_error)
    return Response(status, orjson.dumps(body), [(b"content-type", ct)])


def _request_error(media: str, exc: RequestError) -> Response:
    body = orjson.dumps({"errors": [{"message": str(exc), "extensions": {"status": exc.status}}]})
    ct = (media + "; charset=utf-8").encode()
    return Response(exc.status, body, [(b"content-type", ct), *exc.headers])


def _plain(status: int, message: str) -> Response:
    body = orjson.dumps({"errors": [{"message": message, "extensions": {"status": status}}]})
    return Response(status, body, [(b"content-type", b"application/json; charset=utf-8")])
