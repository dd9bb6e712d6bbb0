"""Logs API (superusers only): list, view, hourly stats and truncate the request and app logs."""

from __future__ import annotations

from roost.api.collections import require_superuser
from roost.api.context import respond
from roost.core import logs
from roost.core.app import App
from roost.web import Request, Response, Router


def bind(router: Router, app: App) -> None:
    async def list_logs(request: Request) -> Response:
        require_superuser(request)
        return respond(request, await logs.list_logs(app, request.query), is_list=True)

    async def stats(request: Request) -> Response:
        require_superuser(request)
        return respond(request, await logs.logs_stats(app, request.query.get("filter", "")))

    async def view(request: Request) -> Response:
        require_superuser(request)
        return respond(request, await logs.view_log(app, request.path_params["id"]))

    async def truncate(request: Request) -> Response:
        require_superuser(request)
        await logs.truncate_logs(app)
        return Response(204)

    router.get("/api/logs", list_logs)
    router.delete("/api/logs", truncate)
    router.get("/api/logs/stats", stats)
    router.get("/api/logs/{id}", view)
