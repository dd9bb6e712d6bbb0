"""HTTP server metrics named after OpenTelemetry's HTTP semantic conventions: the duration of
each request by method, route template and status (`http.server.request.duration`) and the
requests in flight (`http.server.active_requests`)."""

from __future__ import annotations

from roost.db.stats import Timings

# OpenTelemetry's advised buckets for http.server.request.duration, with two below 5 ms
HTTP_BUCKETS = (
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.075,
    0.1,
    0.25,
    0.5,
    0.75,
    1.0,
    2.5,
    5.0,
    7.5,
    10.0,
)
# OpenTelemetry: a method outside the known set is reported as _OTHER (no unbounded labels)
KNOWN_METHODS = frozenset({"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"})


class HttpMetrics:
    """Durations per (method, route template, status); `active` counts requests being answered."""

    __slots__ = ("active", "durations")

    def __init__(self) -> None:
        self.active = 0
        self.durations: dict[tuple[str, str, int], Timings] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        timings = self.durations.get(key)
        if timings is None:
            if method not in KNOWN_METHODS:
                key = ("_OTHER", route, status)
            timings = self.durations.setdefault(key, Timings(HTTP_BUCKETS))
        timings.observe(seconds)
