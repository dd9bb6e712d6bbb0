"""`GET /api/metrics`: Prometheus' text format, for superusers or a bearer secret
(`roost serve --metricsSecret`, or ROOST_METRICS_SECRET), compared in constant time."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from typing import TYPE_CHECKING, Any

from roost.api.collections import require_superuser
from roost.core.app import App
from roost.metrics import CONTENT_TYPE, Sources
from roost.web import Request, Response, Router

if TYPE_CHECKING:
    from roost.metrics.exposition import Exposition
    from roost.metrics.shared import SharedMetrics


def sources(app: App) -> Sources:
    hub = app.realtime
    store = app.log_store
    return Sources(
        http=app.http_metrics,
        db_system=app.dialect.system_name,
        queries=app.db.stats.by_kind(),
        writer_wait=getattr(app.dialect, "write_wait", None),
        realtime_connections=len(hub.clients.clients) if hub is not None else 0,
        realtime_delivered=getattr(hub, "delivered", 0),
        logs=(
            {
                "written": store.written,
                "dropped": store.dropped,
                "failed": store.failed,
                "pending": store.pending,
            }
            if store is not None
            else {}
        ),
    )


def _has_secret(app: App, request: Request) -> bool:
    secret = app.metrics_secret
    raw = request.header(b"authorization") or ""
    if not secret or raw[:7].lower() != "bearer ":
        return False
    return hmac.compare_digest(raw[7:].strip().encode(), secret.encode())


def bind(router: Router, app: App) -> None:
    shared: SharedMetrics | None = None
    if app.metrics_dir:  # several workers: each publishes its snapshot from the start
        from roost.metrics.shared import SharedMetrics

        shared = SharedMetrics(app.metrics_dir)
        _publish_in_background(app, shared)
    # built on the first scrape: prometheus_client is not imported before one comes
    built: list[Exposition] = []

    async def metrics(request: Request) -> Response:
        if not _has_secret(app, request):
            require_superuser(request)
        if not built:
            from roost.metrics.exposition import Exposition

            built.append(Exposition(lambda: sources(app), shared))
        return Response(200, built[0].render(), [(b"content-type", CONTENT_TYPE.encode())])

    router.get("/api/metrics", metrics)


def _publish_in_background(app: App, shared: SharedMetrics) -> None:
    """This worker's snapshot for the others' scrapes, every PUBLISH_EVERY seconds (off the
    request path: a small file write), stopped when the app terminates."""
    from roost.metrics.shared import PUBLISH_EVERY

    log = logging.getLogger("roost.metrics")

    async def loop() -> None:
        while True:
            try:
                shared.publish(sources(app))
            except OSError as exc:  # a full disk must not stop the worker; the next try may pass
                log.warning("metrics snapshot not written: %s", exc)
            await asyncio.sleep(PUBLISH_EVERY)

    task = asyncio.get_running_loop().create_task(loop(), name="metrics-publish")

    async def stop(e: Any) -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await e.next()

    app.hooks.terminate.bind(stop)
