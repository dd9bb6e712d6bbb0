"""Responses written straight to ASGI `send`; JSON is always orjson into raw bytes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
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
    __slots__ = ("body", "headers", "status")

    def __init__(
        self, status: int = 200, body: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None
    ):
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
    """A streaming body (server-sent events); `stream` yields byte chunks until done.

    With `receive`, the stream stops as soon as the client disconnects: some servers drop
    `send()` after a disconnect silently instead of raising, so `http.disconnect` is the
    only reliable signal. The stream's own `finally` then runs (`aclose`)."""

    __slots__ = ("receive", "stream")

    def __init__(
        self,
        stream: AsyncIterator[bytes],
        headers: list[tuple[bytes, bytes]],
        status: int = 200,
        receive: Callable[[], Awaitable[dict[str, Any]]] | None = None,
    ):
        super().__init__(status, b"", headers)
        self.stream = stream
        self.receive = receive

    async def send(self, send: Callable[..., Any], extra_headers: list[tuple[bytes, bytes]]) -> None:
        await send(
            {"type": "http.response.start", "status": self.status, "headers": self.headers + extra_headers}
        )
        if self.receive is None:
            await self._pump(send)
            return
        pump = asyncio.ensure_future(self._pump(send))
        watch = asyncio.ensure_future(self._wait_disconnect(self.receive))
        try:
            await asyncio.wait((pump, watch), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (pump, watch):
                task.cancel()
            await asyncio.gather(pump, watch, return_exceptions=True)
            aclose = getattr(self.stream, "aclose", None)
            if aclose is not None:
                await aclose()

    async def _pump(self, send: Callable[..., Any]) -> None:
        try:
            async for chunk in self.stream:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except OSError:
            return  # client went away
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    @staticmethod
    async def _wait_disconnect(receive: Callable[[], Awaitable[dict[str, Any]]]) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
