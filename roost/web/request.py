"""The ASGI request, parsed lazily: most requests never look at most parts."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

import orjson

from roost.errors import BadRequest, PayloadTooLarge

_BAD_ESCAPE_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")
DEFAULT_BODY_LIMIT = 32 << 20  # 32 MiB, as PocketBase


class Request:
    __slots__ = (
        "_body",
        "_headers",
        "_query",
        "auth",
        "body_limit",
        "method",
        "path",
        "path_params",
        "receive",
        "request_id",
        "scope",
        "state",
    )

    def __init__(self, scope: dict[str, Any], receive: Any) -> None:
        self.scope = scope
        self.receive = receive
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.path_params: dict[str, str] = {}
        self._query: dict[str, str] | None = None
        self._headers: dict[str, str] | None = None
        self._body: bytes | None = None
        self.auth: Any = None  # the authenticated record, set by the auth middleware
        self.state: dict[str, Any] = {}
        self.body_limit = DEFAULT_BODY_LIMIT
        self.request_id = ""  # set by the app for each request (X-Request-Id, log lines)

    @property
    def query(self) -> dict[str, str]:
        """Query parameters; for a repeated key the first value wins, as in Go's Query().Get."""
        if self._query is None:
            q: dict[str, str] = {}
            raw = self.scope.get("query_string", b"")
            if raw:
                for k, v in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
                    if k not in q:
                        q[k] = v
            self._query = q
        return self._query

    @property
    def headers(self) -> dict[str, str]:
        if self._headers is None:
            self._headers = {
                k.decode("latin-1").lower(): v.decode("latin-1") for k, v in self.scope["headers"]
            }
        return self._headers

    def header(self, name: bytes) -> str | None:
        """Fast single-header lookup; `name` must be lower-case bytes."""
        v: bytes
        for k, v in self.scope["headers"]:
            if k == name:
                return v.decode("latin-1")
        return None

    @property
    def client_ip(self) -> str:
        client = self.scope.get("client")
        return client[0] if client else ""

    async def body(self) -> bytes:
        if self._body is None:
            chunks: list[bytes] = []
            size = 0
            while True:
                message = await self.receive()
                if message["type"] == "http.disconnect":
                    break
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.body_limit:
                    raise PayloadTooLarge(f"Request body is larger than the allowed {self.body_limit} bytes.")
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
            self._body = b"".join(chunks)
        return self._body

    @property
    def content_type(self) -> str:
        return (self.header(b"content-type") or "").split(";", 1)[0].strip().lower()

    async def json(self) -> Any:
        raw = await self.body()
        if not raw.strip():
            return {}
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise BadRequest() from None

    async def data(self) -> tuple[dict[str, Any], dict[str, list[Any]]]:
        """The submitted body as (fields, files), for JSON, urlencoded and multipart bodies.

        Multipart `@jsonPayload` parts are JSON objects merged into the fields (there may be
        several, as the JS SDK sends one per non-file object value)."""
        ctype = self.content_type
        if ctype == "multipart/form-data":
            from roost.web.multipart import parse_multipart

            return await parse_multipart(self)
        if ctype == "application/x-www-form-urlencoded":
            raw = (await self.body()).decode("utf-8", "replace")
            if _BAD_ESCAPE_RE.search(raw):
                raise BadRequest()  # Go's url.ParseQuery refuses a malformed %-escape
            fields: dict[str, Any] = {}
            for k, v in parse_qsl(raw, keep_blank_values=True):
                _add_form_value(fields, k, v)
            return fields, {}
        payload = await self.json()
        if not isinstance(payload, dict):
            raise BadRequest("The request body must be a JSON object.")
        return payload, {}


def _add_form_value(fields: dict[str, Any], key: str, value: Any) -> None:
    if key in fields:
        existing = fields[key]
        if isinstance(existing, list):
            existing.append(value)
        else:
            fields[key] = [existing, value]
    else:
        fields[key] = value


def add_form_value(fields: dict[str, Any], key: str, value: Any) -> None:
    _add_form_value(fields, key, value)
