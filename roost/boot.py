"""The composition root: one way to turn a data folder into a running app, for the CLI and the
ASGI entry alike, so hook files load once per worker process the same way.

    open -> broker -> automigrate -> hook files (setup(app)) -> on_bootstrap -> on_serve (builds the ASGI app)
"""

from __future__ import annotations

import os
from typing import Any

from roost.core.app import App
from roost.core.events import BootstrapEvent, ServeEvent
from roost.core.logs import close_logs
from roost.web.access_log import AccessLog


async def start(
    data_dir: str,
    db_url: str | None = None,
    redis_url: str | None = None,
    hooks_dir: str | None = None,
    automigrate_dir: str | None = None,
    access_log: AccessLog | None = None,
    metrics_secret: str = "",
    metrics_dir: str = "",
) -> tuple[App, Any]:
    """Open the app, load hook files and build its ASGI application. Raises HookFileError.
    With `automigrate_dir`, collection changes made through the API write migrations there;
    with `access_log`, one line per request is logged; `metrics_secret` lets a bearer of it
    read /api/metrics; `metrics_dir` is the folder this server's workers share their metrics in."""
    from roost.api import build_asgi
    from roost.plugins.hooks_dir import load_hooks

    app = await App.open(data_dir, db_url)
    app.metrics_secret = metrics_secret
    app.metrics_dir = metrics_dir
    try:
        if redis_url:
            from roost.realtime.redis import RedisBroker, channel_prefix

            # every instance on the same database shares one set of channels
            deployment = db_url or os.path.abspath(data_dir)  # noqa: ASYNC240 (startup only)
            app.broker = RedisBroker(redis_url, channel_prefix(deployment))
            from roost.ratelimit.redis import RedisLimiter

            # rate-limit counts are shared by every worker and instance of the deployment
            app.limiter = RedisLimiter(redis_url, channel_prefix(deployment))
        if automigrate_dir:
            from roost.migrations import automigrate

            automigrate.enable(app, automigrate_dir)
        if hooks_dir:
            await load_hooks(app, hooks_dir)
        await app.hooks.bootstrap.trigger(BootstrapEvent(app))
        event = ServeEvent(app, app.router)

        async def build(e: ServeEvent) -> None:
            e.handler = build_asgi(app, access_log)

        await app.hooks.serve.trigger(event, build)
        if event.handler is None:
            raise RuntimeError("an on_serve handler did not call e.next(): there is no server to run")
        await app.broker.start()
        app.cron.start()
        if os.environ.get("ROOST_RESTART_FILE"):
            app.backups.restart = _restart_server
    except BaseException:
        await app.close()
        raise
    return app, event.handler


def _restart_server() -> None:
    """Ask `roost serve` (the supervisor process) to stop its workers and start afresh."""
    import signal

    marker = os.environ["ROOST_RESTART_FILE"]
    os.makedirs(os.path.dirname(marker), exist_ok=True)
    with open(marker, "w") as fh:
        fh.write("restore\n")
    os.kill(int(os.environ.get("ROOST_SUPERVISOR_PID") or os.getppid()), signal.SIGTERM)


async def check_hooks(data_dir: str, db_url: str | None, hooks_dir: str | None) -> None:
    """Load the hook files once into a throwaway app (before worker processes start), so an
    error stops `roost serve` with the file and line instead of failing in every worker."""
    if not hooks_dir:
        return
    from roost.plugins.hooks_dir import hook_files, load_hooks

    if not hook_files(hooks_dir):
        return
    app = await App.open(data_dir, db_url)
    try:
        await load_hooks(app, hooks_dir)
    finally:
        try:
            await close_logs(app)
        finally:
            await app.db.close()
