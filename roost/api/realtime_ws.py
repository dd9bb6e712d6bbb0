"""The realtime stream over a WebSocket: GET /api/realtime/ws (protocol in docs/realtime.md).

Same clients, subscriptions, rules and events as the SSE endpoint; subscribing happens on
the socket itself (`{"type":"subscribe",...}`), so no second request and no client id to
carry around. Frames are JSON text."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from roost.api.realtime_hub import Hub
from roost.core.auth import find_by_token
from roost.errors import RoostError
from roost.realtime import Client, messages
from roost.realtime.subscriptions import parse_subscribe
from roost.web import to_api_error

PATH = "/api/realtime/ws"
WsHandler = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def handler(hub: Hub) -> WsHandler:
    async def websocket(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        if scope.get("path") != PATH:
            await send({"type": "websocket.close", "code": 4404})  # before accept: the upgrade is refused
            return
        await send({"type": "websocket.accept"})
        client = hub.clients.new_client()
        client.ip = (scope.get("client") or ("",))[0]
        try:
            await hub.announced()  # before any frame is answered: other instances publish now
        except BaseException:
            hub.clients.remove(client)
            raise
        conn = _Connection(hub, client, send)
        writer = asyncio.ensure_future(conn.write_loop())
        try:
            await conn.read_loop(receive, writer)
        finally:
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)
            hub.clients.remove(client)

    return websocket


class _Connection:
    def __init__(self, hub: Hub, client: Client, send: Any) -> None:
        self.hub = hub
        self.client = client
        self._send = send
        self._lock = asyncio.Lock()  # replies and events come from two tasks

    async def frame(self, data: bytes) -> None:
        async with self._lock:
            await self._send({"type": "websocket.send", "text": data.decode()})

    async def write_loop(self) -> None:
        cid = self.client.id
        await self.frame(orjson.dumps({"event": "PB_CONNECT", "clientId": cid, "data": {"clientId": cid}}))
        while True:
            batch = await self.client.next_batch(self.hub.idle_timeout)
            if not batch:  # idle in both directions, or dropped for falling behind
                break
            for name, data in batch:
                await self.frame(messages.ws_event(name, data))
        async with self._lock:  # 1001 "going away" while the server stops
            await self._send({"type": "websocket.close", "code": 1001 if self.hub.stopping else 1000})

    async def read_loop(self, receive: Any, writer: asyncio.Future[None]) -> None:
        while True:
            reader = asyncio.ensure_future(receive())
            await asyncio.wait((reader, writer), return_when=asyncio.FIRST_COMPLETED)
            if not reader.done():  # the writer closed the socket (idle or dropped)
                reader.cancel()
                return
            message = reader.result()
            if message["type"] == "websocket.disconnect":
                return
            if message["type"] == "websocket.receive":
                self.client.touch()
                raw = message.get("text") or message.get("bytes") or b""
                await self.frame(await self.answer(raw))

    async def answer(self, raw: str | bytes) -> bytes:
        """The reply frame to one client frame."""
        try:
            msg = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return _error(400, "Invalid JSON frame.")
        kind = msg.get("type") if isinstance(msg, dict) else None
        if kind == "ping":
            return b'{"type":"pong"}'
        if kind != "subscribe":
            return _error(400, 'Unknown frame type: expected "subscribe" or "ping".')
        try:
            _, keys = parse_subscribe({"clientId": self.client.id, "subscriptions": msg.get("subscriptions")})
            token = msg.get("authorization") or ""
            if not isinstance(token, str):
                token = ""
            if token[:7].lower() == "bearer ":
                token = token[7:].strip()
            found = await find_by_token(self.hub.app, token) if token else None
            auth = (found[0], found[1]) if found else None
            await self.hub.set_subscriptions(self.client.id, keys, auth, token)
        except RoostError as exc:
            err = to_api_error(exc)
            return _error(err.status, err.message, err.data)
        return orjson.dumps({"type": "subscribed", "subscriptions": keys})


def _error(status: int, message: str, data: dict[str, Any] | None = None) -> bytes:
    return orjson.dumps({"type": "error", "status": status, "message": message, "data": data or {}})
