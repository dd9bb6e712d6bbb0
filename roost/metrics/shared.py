"""Metrics of a server with several worker processes (`roost serve --workers N`): a scrape
answers for the whole server, whichever worker takes it.

Design: each worker keeps its plain in-process counters (nothing changes on the request path)
and, once a second off the request path, writes a snapshot of them into a folder shared by the
workers of one server (`<data>/.roost_temp/metrics-<supervisor pid>`, emptied when the server
starts, removed when it stops). The worker answering a scrape adds the other workers' latest
snapshots to its own live values. prometheus_client's multiprocess mode was the alternative:
it keeps every observation in an mmap file, which puts a locked file write into each request's
histogram update; here the request path stays a dict lookup and two additions, at the price of
other workers' numbers being up to a second old.

Merging follows prometheus_client's multiprocess rules: counters and histograms add up over every
worker that ever wrote (a worker that exited keeps its counts, so totals never go backwards);
gauges (requests in flight, realtime connections, queued logs, memory, open files) add up over
live workers only; `process_start_time_seconds` is the earliest live worker's start and
`process_max_fds` the largest limit."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable
from typing import Any

import orjson
from prometheus_client import CollectorRegistry, GCCollector, ProcessCollector
from prometheus_client.registry import Collector

from roost.db.stats import Timings
from roost.metrics.http import HttpMetrics
from roost.metrics.sources import Sources

PUBLISH_EVERY = 1.0  # seconds between a worker's snapshots
_PREFIX = "metrics-"
# process gauges that do not add up across workers: how to combine them instead
_COMBINE = {"process_start_time_seconds": min, "process_max_fds": max}


def prepare_dir(temp_dir: str, supervisor_pid: int) -> str:
    """The shared folder of the server whose supervisor is `supervisor_pid`, empty; folders left
    by servers that are gone are removed on the way (a restarted server keeps its pid)."""
    os.makedirs(temp_dir, exist_ok=True)
    for entry in os.listdir(temp_dir):
        if entry.startswith(_PREFIX) and entry[len(_PREFIX) :].isdigit():
            pid = int(entry[len(_PREFIX) :])
            if pid == supervisor_pid or not _alive(pid):
                shutil.rmtree(os.path.join(temp_dir, entry), ignore_errors=True)
    folder = os.path.join(temp_dir, f"{_PREFIX}{supervisor_pid}")
    os.makedirs(folder)
    return folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


Snapshot = dict[str, Any]
Sample = list[Any]  # [name, labels, value, is a counter]


def _dump(t: Timings) -> list[Any]:
    return [list(t.buckets), t.counts, t.sum]


def _add(into: dict[Any, Timings], key: Any, dumped: list[Any]) -> None:
    buckets, counts, total = dumped
    t = into.get(key)
    if t is None:
        t = into[key] = Timings(tuple(buckets))
    if len(counts) != len(t.counts):
        return  # other buckets (another version of Roost): not comparable
    for i, n in enumerate(counts):
        t.counts[i] += n
    t.sum += total


def _samples(collectors: Iterable[Collector]) -> list[Sample]:
    out: list[Sample] = []
    for collector in collectors:
        for metric in collector.collect():
            for s in metric.samples:
                out.append([s.name, s.labels, s.value, metric.type == "counter"])
    return out


class SharedMetrics:
    """One worker's side of the shared folder: `publish` its snapshot, `merge` everyone's."""

    def __init__(self, folder: str, pid: int | None = None) -> None:
        self.folder = folder
        self.pid = os.getpid() if pid is None else pid
        self.path = os.path.join(folder, f"{self.pid}.json")
        self._process = [ProcessCollector(registry=None), GCCollector(registry=CollectorRegistry())]

    def snapshot(self, s: Sources) -> Snapshot:
        return {
            "pid": self.pid,
            "http": [[*key, _dump(t)] for key, t in s.http.durations.items()],
            "active": s.http.active,
            "queries": {kind: _dump(t) for kind, t in s.queries.items()},
            "writer_wait": _dump(s.writer_wait) if s.writer_wait is not None else None,
            "realtime_connections": s.realtime_connections,
            "realtime_delivered": s.realtime_delivered,
            "logs": s.logs,
            "process": _samples(self._process),
        }

    def publish(self, s: Sources) -> None:
        """Write this worker's snapshot (atomically: readers see the old one or the new one)."""
        tmp = f"{self.path}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(orjson.dumps(self.snapshot(s)))
        os.replace(tmp, self.path)

    def _others(self) -> list[tuple[Snapshot, bool]]:
        """(snapshot, still running) of every other worker of this server."""
        out = []
        try:
            names = os.listdir(self.folder)
        except FileNotFoundError:
            return []
        own = os.path.basename(self.path)
        for name in names:
            if name.endswith(".json") and name != own:
                with contextlib.suppress(OSError, ValueError, KeyError):
                    with open(os.path.join(self.folder, name), "rb") as fh:
                        snap = orjson.loads(fh.read())
                    out.append((snap, _alive(int(snap["pid"]))))
        return out

    def merge(self, own: Sources) -> tuple[Sources, list[Sample]]:
        """The whole server's numbers: this worker's live ones plus the others' snapshots, and
        the process and GC samples combined (see the module doc for the rules)."""
        everyone = [(self.snapshot(own), True), *self._others()]
        http = HttpMetrics()
        queries: dict[str, Timings] = {}
        wait: dict[str, Timings] = {}
        merged = Sources(http=http, db_system=own.db_system, queries=queries, logs={})
        for snap, alive in everyone:
            for method, route, status, dumped in snap["http"]:
                _add(http.durations, (method, route, int(status)), dumped)
            for kind, dumped in snap["queries"].items():
                _add(queries, kind, dumped)
            if snap["writer_wait"] is not None:
                _add(wait, "", snap["writer_wait"])
            merged.realtime_delivered += snap["realtime_delivered"]
            for outcome, n in snap["logs"].items():
                if outcome != "pending" or alive:
                    merged.logs[outcome] = merged.logs.get(outcome, 0) + n
            if alive:
                http.active += snap["active"]
                merged.realtime_connections += snap["realtime_connections"]
        merged.writer_wait = wait.get("")
        return merged, _combine([(snap["process"], alive) for snap, alive in everyone])


def _combine(per_worker: list[tuple[list[Sample], bool]]) -> list[Sample]:
    combined: dict[tuple[str, tuple[tuple[str, str], ...]], Sample] = {}
    for samples, alive in per_worker:
        for name, labels, value, counter in samples:
            if not (counter or alive):
                continue  # a gone worker's gauges no longer describe anything
            key = (name, tuple(sorted(labels.items())))
            if key not in combined:
                combined[key] = [name, labels, value, counter]
            elif name in _COMBINE:
                combined[key][2] = _COMBINE[name](combined[key][2], value)
            else:
                combined[key][2] += value
    return list(combined.values())
