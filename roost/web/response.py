"""Responses written straight to ASGI `send`; JSON is always orjson into raw bytes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import orjson

JSON_CT = (b"content-type", b"application/json")

# PocketBase sends these on every response.
SECURITY_HEADERS = [
    (b"x-xss-protection", b"1; mode=block"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def _default(obj: Any) -> Any:
    raise TypeError(f"cannot serialise {type(obj).__name__}")


class Response:
    __slots__ = ("status", "body", "headers")

    def __init__(self, status: int = 200, body: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None):
        self.status = status
        self.body = body
        self.headers = headers if headers is not None else []

    async def send(self, send: Callable[..., Any], extra_headers: list[tuple[bytes, bytes]]) -> None:
        headers = self.headers + extra_headers
        headers.append((b"content-length", str(len(self.body)).encode()))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


class JSONResponse(Response):
    __slots__ = ()

    def __init__(self, data: Any, status: int = 200):
        super().__init__(status, orjson.dumps(data, default=_default), [JSON_CT])


def json_response(data: Any, status: int = 200) -> Response:
    return JSONResponse(data, status)


class StreamResponse(Response):
    """A streaming body (server-sent events); `stream` yields byte chunks until done."""

    __slots__ = ("stream",)

    def __init__(self, stream: AsyncIterator[bytes], headers: list[tuple[bytes, bytes]], status: int = 200):
        super().__init__(status, b"", headers)
        self.stream = stream

    async def send(self, send: Callable[..., Any], extra_headers: list[tuple[bytes, bytes]]) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers + extra_headers})
        try:
            async for chunk in self.stream:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except OSError:
            return  # client went away
        await send({"type": "http.response.body", "body": b"", "more_body": False})


class FileResponse(Response):
    """Bytes of a stored file, with optional HTTP range support."""

    __slots__ = ()
