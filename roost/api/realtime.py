"""Realtime API: GET /api/realtime (server-sent events), POST /api/realtime (subscriptions),
and the same stream over a WebSocket at /api/realtime/ws (see docs/realtime.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from roost.api import realtime_ws
from roost.api.realtime_hub import Hub
from roost.core.app import App
from roost.realtime import Client, messages
from roost.realtime.subscriptions import parse_subscribe
from roost.web import Request, Response, Router, StreamResponse

SSE_HEADERS = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),  # nginx must not buffer the stream
]


def bind(router: Router, app: App) -> None:
    hub: Hub = getattr(app, "realtime", None) or Hub(app)  # one hub per app, however often it is bound
    app.realtime = hub  # type: ignore[attr-defined]
    app.websocket_handler = realtime_ws.handler(hub)  # type: ignore[attr-defined]

    async def connect(request: Request) -> Response:
        client = hub.clients.new_client()
        return StreamResponse(_sse(hub, client), list(SSE_HEADERS), receive=request.receive)

    async def subscribe(request: Request) -> Response:
        client_id, keys = parse_subscribe(await request.json())
        await hub.set_subscriptions(client_id, keys, request.auth, request.state.get("token", ""))
        return Response(204)

    router.get("/api/realtime", connect)
    router.post("/api/realtime", subscribe)


async def _sse(hub: Hub, client: Client) -> AsyncIterator[bytes]:
    try:
        yield messages.sse(client.id, "PB_CONNECT", messages.connect_data(client.id))
        while True:
            batch = await client.next_batch(hub.idle_timeout)
            if not batch:  # idle for too long, or dropped for falling behind
                return
            yield b"".join(messages.sse(client.id, name, data) for name, data in batch)
    finally:
        hub.clients.remove(client)
