"""Prometheus metrics: request durations kept as plain counters on the request path (a dict lookup,
a bisect, two additions), rendered in the text exposition format only when scraped."""

from roost.metrics.exposition import CONTENT_TYPE, Exposition, Sources
from roost.metrics.http import HTTP_BUCKETS, HttpMetrics

__all__ = ["CONTENT_TYPE", "HTTP_BUCKETS", "Exposition", "HttpMetrics", "Sources"]
