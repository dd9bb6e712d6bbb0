"""API keys (superusers only): /api/keys. A key acts as one auth record; its secret is
answered once, on create (roost/core/api_keys.py)."""

from __future__ import annotations

from roost.api.collections import require_superuser
from roost.api.context import respond
from roost.core.api_keys import CHANNEL, ApiKey
from roost.core.app import App
from roost.errors import BadRequest, NotFound
from roost.web import Request, Response, Router


def bind(router: Router, app: App) -> None:
    store = app.api_keys
    # another instance changed or revoked a key: forget it here too
    app.broker.subscribe(CHANNEL, store.on_broker_message)

    async def key_or_404(request: Request) -> ApiKey:
        key = await store.get(request.path_params["id"])
        if key is None:
            raise NotFound()
        return key

    async def body(request: Request) -> dict[str, object]:
        data, _ = await request.data()
        if not isinstance(data, dict):
            raise BadRequest("The request body must be a JSON object.")
        return data

    async def list_keys(request: Request) -> Response:
        require_superuser(request)
        return respond(request, [k.to_json(app) for k in await store.list()], is_list=False)

    async def create(request: Request) -> Response:
        require_superuser(request)
        key, secret = await store.create(await body(request), request.auth)
        return respond(request, {**key.to_json(app), "key": secret})

    async def view(request: Request) -> Response:
        require_superuser(request)
        return respond(request, (await key_or_404(request)).to_json(app))

    async def update(request: Request) -> Response:
        require_superuser(request)
        key = await key_or_404(request)
        return respond(request, (await store.update(key, await body(request))).to_json(app))

    async def delete(request: Request) -> Response:
        require_superuser(request)
        await store.delete(await key_or_404(request))
        return Response(204)

    router.get("/api/keys", list_keys)
    router.post("/api/keys", create)
    router.get("/api/keys/{id}", view)
    router.patch("/api/keys/{id}", update)
    router.delete("/api/keys/{id}", delete)
