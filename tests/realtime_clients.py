"""In-process realtime clients: they speak ASGI to the app directly (httpx's ASGI transport
does not stream), reading server-sent events or WebSocket frames as a browser would."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

SETTLE = 0.15  # s for a wrongly delivered event to show up after a later one has arrived


def parse_sse(block: bytes) -> dict[str, Any]:
    event: dict[str, Any] = {}
    for line in block.decode().split("\n"):
        key, _, value = line.partition(":")
        event[key] = value
    if "data" in event:
        event["data"] = orjson.loads(event["data"])
    return event


class SSEClient:
    """GET /api/realtime on an ASGI app; `events` receives {id, event, data} dicts."""

    def __init__(self, asgi: Any) -> None:
        self.asgi = asgi
        self.status = 0
        self.headers: dict[str, str] = {}
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.client_id = ""
        self._gone = asyncio.Event()
        self._buf = b""
        self.task: asyncio.Task[None] | None = None

    async def connect(self) -> SSEClient:
        scope = {
            "type": "http",
            "method": "GET",
            "path": "/api/realtime",
            "query_string": b"",
            "headers": [(b"host", b"roost.test")],
            "client": ("127.0.0.1", 5000),
        }
        self.task = asyncio.create_task(self.asgi(scope, self._receive, self._send))
        first = await self.next()
        assert first["event"] == "PB_CONNECT", first
        self.client_id = first["id"]
        return self

    async def _receive(self) -> dict[str, Any]:
        await self._gone.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = {k.decode(): v.decode() for k, v in message["headers"]}
            return
        self._buf += message.get("body", b"")
        while b"\n\n" in self._buf:
            block, self._buf = self._buf.split(b"\n\n", 1)
            self.events.put_nowait(parse_sse(block))

    async def next(self, timeout: float = 3.0) -> dict[str, Any]:
        return await asyncio.wait_for(self.events.get(), timeout)

    async def expect(self, *pairs: tuple[str, str], timeout: float = 3.0) -> list[dict[str, Any]]:
        """The next events, which must be (subscription, action) in this order."""
        got = [await self.next(timeout) for _ in pairs]
        assert [(e["event"], e["data"]["action"]) for e in got] == list(pairs), got
        return got

    async def assert_quiet(self) -> None:
        await asyncio.sleep(SETTLE)
        assert self.events.empty(), [self.events.get_nowait() for _ in range(self.events.qsize())]

    @property
    def ended(self) -> bool:
        return self.task is not None and self.task.done()

    async def close(self) -> None:
        self._gone.set()
        if self.task is not None:
            await asyncio.wait_for(self.task, 3)


class WSClient:
    """A WebSocket on an ASGI app; `frames` receives decoded JSON text frames."""

    def __init__(self, asgi: Any, path: str = "/api/realtime/ws") -> None:
        self.asgi = asgi
        self.path = path
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.frames: asyncio.Queue[Any] = asyncio.Queue()
        self.accepted = False
        self.close_code: int | None = None
        self.task: asyncio.Task[None] | None = None

    async def connect(self) -> WSClient:
        scope = {
            "type": "websocket",
            "path": self.path,
            "query_string": b"",
            "headers": [],
            "client": ("127.0.0.1", 5001),
            "subprotocols": [],
        }
        self.inbox.put_nowait({"type": "websocket.connect"})
        self.task = asyncio.create_task(self.asgi(scope, self.inbox.get, self._send))
        return self

    async def _send(self, message: dict[str, Any]) -> None:
        if message["type"] == "websocket.accept":
            self.accepted = True
        elif message["type"] == "websocket.close":
            self.close_code = message.get("code", 1000)
            self.frames.put_nowait(None)
        elif message["type"] == "websocket.send":
            self.frames.put_nowait(orjson.loads(message["text"]))

    def send(self, frame: Any) -> None:
        text = frame if isinstance(frame, str) else orjson.dumps(frame).decode()
        self.inbox.put_nowait({"type": "websocket.receive", "text": text})

    async def next(self, timeout: float = 3.0) -> Any:
        return await asyncio.wait_for(self.frames.get(), timeout)

    async def close(self) -> None:
        self.inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})
        if self.task is not None:
            await asyncio.wait_for(self.task, 3)
