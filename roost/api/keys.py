"""API keys (superusers only): /api/keys. A key acts as one auth record; its secret is
answered once, on create (roost/core/api_keys.py). Changes go through the
`on_api_key_*_request` hooks."""

from __future__ import annotations

from roost.api.collections import require_superuser
from roost.api.context import respond
from roost.core.api_keys import CHANNEL, ApiKey
from roost.core.app import App
from roost.core.events import ApiKeyRequestEvent
from roost.errors import NotFound
from roost.web import Request, Response, Router


def bind(router: Router, app: App) -> None:
    store = app.api_keys
    hooks = app.hooks
    # another instance changed or revoked a key: forget it here too
    app.broker.subscribe(CHANNEL, store.on_broker_message)

    async def key_or_404(request: Request) -> ApiKey:
        key = await store.get(request.path_params["id"])
        if key is None:
            raise NotFound()
        return key

    async def list_keys(request: Request) -> Response:
        require_superuser(request)
        return respond(request, [k.to_json(app) for k in await store.list()])

    async def create(request: Request) -> Response:
        require_superuser(request)
        data, _ = await request.data()
        event = ApiKeyRequestEvent(app, request, data=data)

        async def save(e: ApiKeyRequestEvent) -> None:
            key, e.secret = await store.create(e.data, request.auth)
            e.key = key.to_json(app)
            e.response = respond(request, {**e.key, "key": e.secret})

        await hooks.api_key_create_request.trigger(event, save)
        return event.response or Response(204)

    async def view(request: Request) -> Response:
        require_superuser(request)
        return respond(request, (await key_or_404(request)).to_json(app))

    async def update(request: Request) -> Response:
        require_superuser(request)
        key = await key_or_404(request)
        data, _ = await request.data()
        event = ApiKeyRequestEvent(app, request, key=key.to_json(app), data=data)

        async def save(e: ApiKeyRequestEvent) -> None:
            e.key = (await store.update(key, e.data)).to_json(app)
            e.response = respond(request, e.key)

        await hooks.api_key_update_request.trigger(event, save)
        return event.response or Response(204)

    async def delete(request: Request) -> Response:
        require_superuser(request)
        key = await key_or_404(request)
        event = ApiKeyRequestEvent(app, request, key=key.to_json(app))

        async def remove(e: ApiKeyRequestEvent) -> None:
            await store.delete(key)
            e.response = Response(204)

        await hooks.api_key_delete_request.trigger(event, remove)
        return event.response or Response(204)

    router.get("/api/keys", list_keys)
    router.post("/api/keys", create)
    router.get("/api/keys/{id}", view)
    router.patch("/api/keys/{id}", update)
    router.delete("/api/keys/{id}", delete)
