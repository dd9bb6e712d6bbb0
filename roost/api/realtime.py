"""Realtime API: GET /api/realtime (server-sent events), POST /api/realtime (subscriptions),
and the same stream over a WebSocket at /api/realtime/ws (see docs/realtime.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from roost.api import realtime_ws
from roost.api.realtime_hub import Hub
from roost.core.app import App
from roost.core.events import RealtimeConnectRequestEvent, RealtimeSubscribeRequestEvent
from roost.realtime import Client, messages
from roost.realtime.subscriptions import parse_subscribe
from roost.web import Request, Response, Router, StreamResponse

SSE_HEADERS = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),  # nginx must not buffer the stream
]


def bind(router: Router, app: App) -> None:
    hub: Hub = app.realtime or Hub(app)  # one hub per app, however often it is bound
    app.realtime = hub
    router.websocket_handler = realtime_ws.handler(hub)

    async def connect(request: Request) -> Response:
        client = hub.clients.new_client()
        client.ip = request.client_ip
        hook = app.hooks.realtime_connect_request
        if not hook.handlers:
            return StreamResponse(
                _sse(hub, client, hub.idle_timeout), list(SSE_HEADERS), receive=request.receive
            )
        event = RealtimeConnectRequestEvent(app, request, client_id=client.id, idle_timeout=hub.idle_timeout)

        async def stream(e: RealtimeConnectRequestEvent) -> None:
            e.response = StreamResponse(
                _sse(hub, client, e.idle_timeout), list(SSE_HEADERS), receive=request.receive
            )

        try:
            await hook.trigger(event, stream)
        finally:
            if event.response is None:
                hub.clients.remove(client)
        return event.response or Response(204)

    async def subscribe(request: Request) -> Response:
        client_id, keys = parse_subscribe(await request.json())
        event = RealtimeSubscribeRequestEvent(app, request, client_id=client_id, subscriptions=keys)

        async def store(e: RealtimeSubscribeRequestEvent) -> None:
            await hub.set_subscriptions(
                e.client_id, e.subscriptions, request.auth, request.state.get("token", "")
            )
            e.response = Response(204)

        await app.hooks.realtime_subscribe_request.trigger(event, store)
        return event.response or Response(204)

    router.get("/api/realtime", connect)
    router.post("/api/realtime", subscribe)


async def _sse(hub: Hub, client: Client, idle_timeout: float) -> AsyncIterator[bytes]:
    try:
        await hub.announced()
        yield messages.sse(client.id, "PB_CONNECT", messages.connect_data(client.id))
        while True:
            batch = await client.next_batch(idle_timeout)
            if not batch:  # idle for too long, or dropped for falling behind
                return
            if len(batch) == 1:  # the usual case: one event since the last wake-up
                yield messages.sse(client.id, *batch[0])
            else:
                yield b"".join(messages.sse(client.id, name, data) for name, data in batch)
    finally:
        hub.clients.remove(client)
