"""Per-request helpers shared by the API modules: the caller, the collection, response picking."""

from __future__ import annotations

from typing import Any

from roost.core.app import App
from roost.core.collections import Collection
from roost.core.fields_param import pick_response
from roost.core.record_resolver import RequestInfo
from roost.core.records import Caller
from roost.errors import NotFound
from roost.web import Request, Response, json_response


def caller_for(request: Request, context: str = "default") -> Caller:
    auth = request.auth
    info = RequestInfo(
        auth=auth[1] if auth else None,
        auth_collection=auth[0] if auth else None,
        method=request.method,
        context=context,
    )
    # query and headers are only read by rules that mention them; bind lazily through properties
    info.query = request.query
    info.headers = _LazyHeaders(request)
    return Caller(auth=info.auth, auth_coll=info.auth_collection, info=info)


class _LazyHeaders(dict):  # type: ignore[type-arg]
    """`@request.headers.x_token`: lower-case, dashes as underscores, built on first use."""

    def __init__(self, request: Request) -> None:
        super().__init__()
        self._request: Request | None = request

    def _load(self) -> None:
        if self._request is not None:
            for k, v in self._request.headers.items():
                super().__setitem__(k.replace("-", "_"), v)
            self._request = None

    def get(self, key: Any, default: Any = None) -> Any:
        self._load()
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._load()
        return super().__contains__(key)


def collection_or_404(app: App, id_or_name: str, write: bool = False) -> Collection:
    coll = app.collection(id_or_name)
    if coll is None:
        # PocketBase words it differently for writes
        raise NotFound("Missing or invalid collection context." if write else "Missing collection context.")
    return coll


def respond(
    request: Request,
    data: Any,
    is_list: bool = False,
    status: int = 200,
    query: dict[str, str] | None = None,
) -> Response:
    """JSON, picked by `?fields=` of `query` (the request's own URL when None)."""
    if query is not None:
        fields = query.get("fields")
    else:
        fields = request.query.get("fields") if request.scope.get("query_string") else None
    if fields:
        data = pick_response(data, fields, is_list)
    return json_response(data, status)
