"""Settings API (superusers only)."""

from __future__ import annotations

from roost.api.collections import require_superuser
from roost.api.context import respond
from roost.core.app import App
from roost.core.events import SettingsListRequestEvent, SettingsUpdateRequestEvent
from roost.core.settings import public_settings, update_settings
from roost.core.settings_s3 import test_s3
from roost.errors import BadRequest
from roost.web import Request, Response, Router


def bind(router: Router, app: App) -> None:
    async def get_settings(request: Request) -> Response:
        require_superuser(request)
        event = SettingsListRequestEvent(app, request, settings=public_settings(app.settings))

        async def send(e: SettingsListRequestEvent) -> None:
            e.response = respond(request, e.settings)

        await app.hooks.settings_list_request.trigger(event, send)
        return event.response or Response(204)

    async def patch_settings(request: Request) -> Response:
        require_superuser(request)
        data = await request.json()
        old = public_settings(app.settings)
        event = SettingsUpdateRequestEvent(app, request, old_settings=old, data=data)

        async def save(e: SettingsUpdateRequestEvent) -> None:
            e.new_settings = await update_settings(app, e.data)
            e.response = respond(request, e.new_settings)

        await app.hooks.settings_update_request.trigger(event, save)
        return event.response or Response(204)

    async def post_test_s3(request: Request) -> Response:
        require_superuser(request)
        try:
            data = await request.json()
        except BadRequest:
            raise BadRequest("An error occurred while loading the submitted data.") from None
        await test_s3(app, data)
        return Response(204)

    router.get("/api/settings", get_settings)
    router.patch("/api/settings", patch_settings)
    router.post("/api/settings/test/s3", post_test_s3)
