"""The text exposition of one process's metrics (prometheus_client renders it): HTTP requests,
database queries, the SQLite writer's queue, realtime, the log store, and the process itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, GCCollector, PlatformCollector, ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.exposition import generate_latest

from roost.db.stats import Timings
from roost.metrics.sources import CONTENT_TYPE, Sources

__all__ = ["CONTENT_TYPE", "Exposition", "Sources"]

if TYPE_CHECKING:
    from roost.metrics.shared import SharedMetrics


def _go_float(value: float) -> str:
    """A bucket bound as Prometheus writes it (Go's float formatting): `0.005`, `1.0`, `+Inf`."""
    return "+Inf" if value == float("inf") else repr(float(value))


def _buckets(t: Timings) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    total = 0
    for bound, count in zip((*t.buckets, float("inf")), t.counts, strict=True):
        total += count
        out.append((_go_float(bound), total))
    return out


class _Collector:
    def __init__(self, sources: Callable[[], Sources]) -> None:
        self.sources = sources

    def collect(self) -> Iterator[Metric]:
        s = self.sources()
        duration = HistogramMetricFamily(
            "http_server_request_duration_seconds",
            "Duration of HTTP server requests.",
            labels=["http_request_method", "http_route", "http_response_status_code"],
        )
        for (method, route, status), t in sorted(s.http.durations.items()):
            duration.add_metric([method, route, str(status)], _buckets(t), t.sum)
        yield duration
        yield GaugeMetricFamily(
            "http_server_active_requests", "Number of HTTP server requests in flight.", value=s.http.active
        )
        queries = HistogramMetricFamily(
            "db_client_operation_duration_seconds",
            "Duration of database operations (read, scan, write, or a whole transaction).",
            labels=["db_system_name", "db_operation_name"],
        )
        for kind, t in s.queries.items():
            queries.add_metric([s.db_system, kind], _buckets(t), t.sum)
        yield queries
        if s.writer_wait is not None:
            wait = HistogramMetricFamily(
                "roost_sqlite_writer_wait_seconds", "Time writes waited for the SQLite writer connection."
            )
            wait.add_metric([], _buckets(s.writer_wait), s.writer_wait.sum)
            yield wait
        yield GaugeMetricFamily(
            "roost_realtime_connections", "Realtime clients connected.", value=s.realtime_connections
        )
        yield CounterMetricFamily(
            "roost_realtime_messages_delivered",
            "Realtime record events queued for delivery to clients.",
            value=s.realtime_delivered,
        )
        logs = CounterMetricFamily(
            "roost_logs", "Request and app logs by outcome: written, dropped, failed.", labels=["outcome"]
        )
        for outcome in ("written", "dropped", "failed"):
            logs.add_metric([outcome], s.logs.get(outcome, 0))
        yield logs
        yield GaugeMetricFamily(
            "roost_logs_pending", "Logs queued and not yet stored.", value=s.logs.get("pending", 0)
        )


class _Combined:
    """This process's process and GC metric families, their values replaced by the whole
    server's (roost/metrics/shared.py combines them)."""

    def __init__(self, values: Callable[[], dict[tuple[str, tuple[tuple[str, str], ...]], float]]) -> None:
        self.values = values
        self.own = [ProcessCollector(registry=None), GCCollector(registry=CollectorRegistry())]

    def collect(self) -> Iterator[Metric]:
        values = self.values()
        for collector in self.own:
            for metric in collector.collect():
                metric.samples = [
                    s._replace(value=values.get((s.name, tuple(sorted(s.labels.items()))), s.value))
                    for s in metric.samples
                ]
                yield metric


class Exposition:
    """The registry of one app: its own collector plus prometheus_client's process, platform and
    garbage collector collectors (never the module-global registry).

    With `shared` (a server with several workers), a scrape merges every worker's numbers."""

    def __init__(self, sources: Callable[[], Sources], shared: SharedMetrics | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.shared = shared
        self._merged: tuple[Sources, dict[tuple[str, tuple[tuple[str, str], ...]], float]] | None = None
        if shared is None:
            self.registry.register(_Collector(sources))
            ProcessCollector(registry=self.registry)
        else:
            self.sources = sources
            self.registry.register(_Collector(lambda: self._current()[0]))
            self.registry.register(_Combined(lambda: self._current()[1]))
        PlatformCollector(registry=self.registry)
        if shared is None:
            GCCollector(registry=self.registry)

    def _current(self) -> tuple[Sources, dict[tuple[str, tuple[tuple[str, str], ...]], float]]:
        if self._merged is None:
            assert self.shared is not None
            merged, samples = self.shared.merge(self.sources())
            self._merged = merged, {(n, tuple(sorted(labels.items()))): v for n, labels, v, _ in samples}
        return self._merged

    def render(self) -> bytes:
        try:
            return generate_latest(self.registry)
        finally:
            self._merged = None
