"""Settings API (superusers only)."""

from __future__ import annotations

from roost.api.collections import require_superuser
from roost.api.context import respond
from roost.core.app import App
from roost.core.settings import public_settings, update_settings
from roost.web import Request, Response, Router


def bind(router: Router, app: App) -> None:
    async def get_settings(request: Request) -> Response:
        require_superuser(request)
        return respond(request, public_settings(app.settings))

    async def patch_settings(request: Request) -> Response:
        require_superuser(request)
        return respond(request, await update_settings(app, await request.json()))

    router.get("/api/settings", get_settings)
    router.patch("/api/settings", patch_settings)
