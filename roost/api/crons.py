"""Cron jobs API (superusers only): list the scheduled jobs, run one now."""

from __future__ import annotations

from roost.api.collections import require_superuser
from roost.core.app import App
from roost.errors import NotFound
from roost.web import Request, Response, Router, json_response


def bind(router: Router, app: App) -> None:
    async def list_jobs(request: Request) -> Response:
        require_superuser(request)
        return json_response([job.to_json() for job in app.cron.jobs()])

    async def run(request: Request) -> Response:
        require_superuser(request)
        # as PocketBase: the job starts in the background and the answer does not wait for it
        if app.cron.run_now(request.path_params["id"]) is None:
            raise NotFound("Missing or invalid cron job.")
        return Response(204)

    router.get("/api/crons", list_jobs)
    router.post("/api/crons/{id}", run)
