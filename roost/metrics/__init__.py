"""Prometheus metrics: request durations kept as plain counters on the request path (a dict lookup,
a bisect, two additions), rendered in the text exposition format only when scraped.

The exposition (`roost.metrics.exposition`) and the multi-worker snapshots (`roost.metrics.shared`)
import prometheus_client, about 2 MB and 50 modules: they load on the first scrape, not here."""

from roost.metrics.http import HTTP_BUCKETS, HttpMetrics
from roost.metrics.sources import CONTENT_TYPE, Sources

__all__ = ["CONTENT_TYPE", "HTTP_BUCKETS", "HttpMetrics", "Sources"]
