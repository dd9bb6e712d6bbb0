"""Timings the database layer keeps about itself (query durations, SQLite writer waits), as plain
counters: observing one costs a bisect and two additions; roost.metrics renders them."""

from __future__ import annotations

from bisect import bisect_left

# seconds; a point read takes microseconds, a scan or a contended write milliseconds
DB_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Timings:
    """A histogram without labels: `counts[i]` observations fell in bucket i (the last is +Inf)."""

    __slots__ = ("buckets", "counts", "sum")

    def __init__(self, buckets: tuple[float, ...] = DB_BUCKETS) -> None:
        self.buckets = buckets
        self.counts = [0] * (len(buckets) + 1)
        self.sum = 0.0

    def observe(self, seconds: float) -> None:
        self.counts[bisect_left(self.buckets, seconds)] += 1
        self.sum += seconds


class QueryStats:
    """Query durations by kind: `read` (point reads), `scan` (filtered/sorted reads), `write`
    (statements outside a transaction) and `transaction` (a whole transaction)."""

    __slots__ = ("read", "scan", "transaction", "write")

    def __init__(self) -> None:
        self.read = Timings()
        self.scan = Timings()
        self.write = Timings()
        self.transaction = Timings()

    def by_kind(self) -> dict[str, Timings]:
        return {"read": self.read, "scan": self.scan, "write": self.write, "transaction": self.transaction}
