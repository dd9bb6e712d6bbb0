"""What a scrape of /api/metrics reads, kept apart from the exposition so that the request path
(which only counts) never imports prometheus_client: that loads on the first scrape."""

from __future__ import annotations

from dataclasses import dataclass, field

from roost.db.stats import Timings
from roost.metrics.http import HttpMetrics

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass(slots=True)
class Sources:
    """What a scrape reads, gathered at scrape time."""

    http: HttpMetrics
    db_system: str  # OpenTelemetry's db.system.name of the engine (Dialect.system_name)
    queries: dict[str, Timings]
    writer_wait: Timings | None = None  # SQLite only
    realtime_connections: int = 0
    realtime_delivered: int = 0
    logs: dict[str, int] = field(default_factory=dict)  # written, dropped, failed, pending
