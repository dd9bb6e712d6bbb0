"""SQL console (superusers): POST /api/sql; see roost/core/sql_console.py."""

from __future__ import annotations

from roost.api.collections import require_superuser
from roost.core.app import App
from roost.core.sql_console import run_sql
from roost.web import Request, Response, Router, json_response


def bind(router: Router, app: App) -> None:
    async def sql(request: Request) -> Response:
        require_superuser(request)
        assert request.auth is not None
        return json_response(await run_sql(app, await request.json(), request.auth[1]["id"]))

    router.post("/api/sql", sql)
