"""Merging the workers' metrics (roost/metrics/shared.py) with real snapshot files: counters and
histograms add up over every worker that wrote one, gauges over the running ones only, so a
worker that exited keeps its counts (totals never go backwards) but no longer its requests in
flight, connections or memory."""

from __future__ import annotations

import os
import subprocess
import sys

from roost.metrics import HttpMetrics, Sources
from roost.metrics.shared import SharedMetrics, prepare_dir

ROUTE = ("GET", "/api/health", 200)


def exited_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def sources(requests: int, active: int, connections: int, delivered: int, logs: dict[str, int]) -> Sources:
    http = HttpMetrics()
    for _ in range(requests):
        http.observe(*ROUTE, 0.002)
    http.active = active
    return Sources(
        http=http,
        db_system="sqlite",
        queries={},
        realtime_connections=connections,
        realtime_delivered=delivered,
        logs=logs,
    )


def test_prepare_dir_starts_empty_and_clears_what_gone_servers_left(tmp_path):
    temp = str(tmp_path / ".roost_temp")
    gone = os.path.join(temp, f"metrics-{exited_pid()}")
    os.makedirs(gone)
    alive = os.path.join(temp, f"metrics-{os.getppid()}")  # another server still running
    os.makedirs(alive)
    mine = prepare_dir(temp, os.getpid())
    open(os.path.join(mine, "1.json"), "w").close()
    assert prepare_dir(temp, os.getpid()) == mine  # a restarted server (same pid): emptied
    assert os.listdir(mine) == []
    assert not os.path.exists(gone) and os.path.isdir(alive)


def test_counters_add_up_over_every_worker_gauges_over_running_ones(tmp_path):
    folder = str(tmp_path)
    running = SharedMetrics(folder, os.getppid())  # stands for a live sibling worker
    running.publish(sources(3, 2, 4, 10, {"written": 3, "pending": 1}))
    gone = SharedMetrics(folder, exited_pid())
    gone.publish(sources(5, 7, 9, 20, {"written": 5, "pending": 6}))
    me = SharedMetrics(folder)
    merged, process = me.merge(sources(1, 1, 1, 1, {"written": 1, "pending": 0}))

    timings = merged.http.durations[ROUTE]
    assert sum(timings.counts) == 9 and round(timings.sum, 6) == 0.018
    assert merged.realtime_delivered == 31 and merged.logs["written"] == 9
    assert merged.http.active == 3 and merged.realtime_connections == 5 and merged.logs["pending"] == 1

    values = {name: value for name, labels, value, _ in process if not labels}
    solo = SharedMetrics(str(tmp_path / "solo")).merge(sources(0, 0, 0, 0, {}))[1]
    own = {name: value for name, labels, value, _ in solo if not labels}
    # memory is a gauge: this worker plus the running sibling (the same process here), not the
    # worker that exited
    assert 1.5 * own["process_resident_memory_bytes"] < values["process_resident_memory_bytes"]
    assert values["process_resident_memory_bytes"] < 2.5 * own["process_resident_memory_bytes"]
    # CPU time is a counter: all three snapshots, each at least this process's time at the start
    assert values["process_cpu_seconds_total"] >= 2.5 * own["process_cpu_seconds_total"] * 0.9
    assert values["process_start_time_seconds"] == own["process_start_time_seconds"]
