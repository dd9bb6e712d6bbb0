"""POST /api/batch: several record writes in one transaction, all applied or none.

Each sub-request is checked against its own collection's rules with the outer request's auth
(`@request.context` is "batch"); the first failure rolls everything back and is reported
under `data.requests[i]`."""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import orjson

from roost.api import guard
from roost.api import records as record_api
from roost.api.context import caller_for
from roost.core import records
from roost.core.app import App
from roost.core.events import BatchRequestEvent
from roost.core.record_write import WriteScope
from roost.errors import BadRequest, Forbidden, NotFound, ValidationError, field_error
from roost.web import Request, Response, Router, json_response, to_api_error

_ACTIONS = [
    ("POST", re.compile(r"^/api/collections/([^/?]+)/records$"), "create"),
    ("PUT", re.compile(r"^/api/collections/([^/?]+)/records$"), "upsert"),
    ("PATCH", re.compile(r"^/api/collections/([^/?]+)/records/([^/?]+)$"), "update"),
    ("DELETE", re.compile(r"^/api/collections/([^/?]+)/records/([^/?]+)$"), "delete"),
]
_FILE_KEY_RE = re.compile(r"^requests(?:\.(\d+)\.|\[(\d+)\]\.?)(.+)$")


class _RequestFailed(Exception):
    def __init__(self, index: int, response: dict[str, Any]) -> None:
        super().__init__(index)
        self.index = index
        self.response = response


async def _read(request: Request) -> tuple[list[Any], dict[int, dict[str, list[Any]]]]:
    try:
        data, files = await request.data()
    except BadRequest:
        raise BadRequest("Failed to read the submitted batch data.") from None
    reqs = data.get("requests")
    if reqs is None:
        reqs = []
    if not isinstance(reqs, list) or not all(isinstance(r, dict) for r in reqs):
        raise BadRequest("Failed to read the submitted batch data.")
    per_request: dict[int, dict[str, list[Any]]] = {}
    for key, uploads in files.items():
        m = _FILE_KEY_RE.match(key)
        if m:
            idx = int(m.group(1) or m.group(2))
            per_request.setdefault(idx, {}).setdefault(m.group(3), []).extend(uploads)
    return reqs, per_request


def bind(router: Router, app: App) -> None:
    async def batch(request: Request) -> Response:
        settings = app.settings["batch"]
        if not settings.get("enabled"):
            raise Forbidden("Batch requests are not allowed.")
        limit = settings.get("maxBodySize") or (128 << 20)
        request.body_limit = limit
        reqs, files = await _read(request)
        max_requests = int(settings.get("maxRequests") or 0)
        if not reqs:
            raise ValidationError(
                {"requests": field_error("validation_required", "Cannot be blank.")},
                "Invalid batch request data.",
            )
        if max_requests and len(reqs) > max_requests:
            raise ValidationError(
                {
                    "requests": field_error(
                        "validation_length_too_long",
                        f"The length must be no more than {max_requests}.",
                        max=max_requests,
                        min=0,
                    )
                },
                "Invalid batch request data.",
            )
        timeout = float(settings.get("timeout") or 0) or None
        event = BatchRequestEvent(app, request, requests=reqs)

        async def run(e: BatchRequestEvent) -> None:
            e.response = json_response(await asyncio.wait_for(_run(app, request, e.requests, files), timeout))

        try:
            await app.hooks.batch_request.trigger(event, run)
        except _RequestFailed as failed:
            data = {
                "requests": {
                    str(failed.index): {
                        "code": "batch_request_failed",
                        "message": "Batch request failed.",
                        "response": failed.response,
                    }
                }
            }
            return json_response({"data": data, "message": "Batch transaction failed.", "status": 400}, 400)
        except TimeoutError:
            raise BadRequest(
                f"Batch transaction failed: it took longer than the {timeout:g} s batch timeout."
            ) from None
        return event.response if event.response is not None else Response(204)

    router.post("/api/batch", batch)


async def _run(
    app: App, request: Request, reqs: list[dict[str, Any]], files: dict[int, dict[str, list[Any]]]
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    scope: WriteScope | None = None
    try:
        async with app.db.transaction() as tx:
            scope = WriteScope(tx)
            for i, sub in enumerate(reqs):
                try:
                    results.append(await _one(app, request, sub, files.get(i, {}), scope))
                except Exception as exc:
                    raise _RequestFailed(i, to_api_error(exc).body()) from None
    except BaseException as exc:
        if scope is not None:
            scope.rolled_back()
            await scope.failed(exc)
        raise
    await scope.committed()
    return results


async def _one(
    app: App, request: Request, sub: dict[str, Any], files: dict[str, list[Any]], scope: WriteScope
) -> dict[str, Any]:
    method = str(sub.get("method", "")).upper()
    url = urlsplit(str(sub.get("url", "")))
    action, match = None, None
    for m, pattern, name in _ACTIONS:
        if m == method and (match := pattern.match(url.path)):
            action = name
            break
    if action is None or match is None:
        raise BadRequest(
            f"Unsupported batch action {method} '{url.path}': use POST/PUT .../records "
            "or PATCH/DELETE .../records/{id}."
        )
    query = dict(parse_qsl(url.query, keep_blank_values=True))
    coll = app.collection(unquote(match.group(1)))
    if coll is None:
        raise NotFound("Missing collection context.")
    caller = caller_for(request, context="batch")
    body = sub.get("body") or {}
    if not isinstance(body, dict):
        raise BadRequest("A batch request body must be a JSON object.")
    from_form = bool(files)
    if action == "upsert":
        rid = body.get("id")
        exists = bool(rid) and await records.fetch_record(app, coll, str(rid), scope.tx) is not None
        action = "update" if exists else "create"
        record_id = str(rid) if exists else ""
    else:
        record_id = unquote(match.group(2)) if action in ("update", "delete") else ""
    if not coll.is_view:
        await guard.batch_route(app, request, coll, action, url.path)
    if action == "delete":
        response = await record_api.delete_request(app, request, coll, caller, record_id, scope)
    elif action == "create":
        response = await record_api.create_request(
            app, request, coll, caller, body, files, from_form, scope, query
        )
    else:
        response = await record_api.update_request(
            app, request, coll, caller, record_id, body, files, from_form, scope, query
        )
    return {"status": response.status, "body": orjson.loads(response.body) if response.body else None}
