"""Process-tree accounting from /proc: CPU time and resident memory.

The benchmark charges a server for everything its process tree does: the
process we started plus every live descendant (worker processes, helper
processes). Threads are already folded into each process's /proc/<pid>/stat.
Children that have exited and been reaped are counted through the parent's
cutime/cstime fields, so a worker that is respawned mid-run is not lost.
"""

from __future__ import annotations

import os
import threading

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def _read_stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (fields 3..N).

    The command name is in parentheses and may contain spaces or ')', so we
    split after the *last* ')'. Index 0 of the result is field 3 (state).
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read().decode("ascii", "replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return raw[raw.rfind(")") + 2 :].split()


def process_tree(root: int) -> list[int]:
    """PIDs of `root` and all of its live descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _read_stat(int(entry))
        if fields is None:
            continue
        ppid = int(fields[1])  # field 4
        children.setdefault(ppid, []).append(int(entry))
    tree, stack, seen = [], [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        tree.append(pid)
        stack.extend(children.get(pid, ()))
    return tree


def tree_cpu_seconds(root: int) -> float:
    """user+system CPU seconds used so far by the process tree of `root`.

    For each live process: utime + stime (fields 14, 15) plus cutime + cstime
    (fields 16, 17, CPU of its children that already exited and were waited
    for). Live children are counted directly, so nothing is counted twice.
    """
    ticks = 0
    for pid in process_tree(root):
        fields = _read_stat(pid)
        if fields is None:
            continue
        # fields[0] is field 3, so field N is fields[N - 3]
        ticks += sum(int(fields[i]) for i in (11, 12, 13, 14))
    return ticks / CLK_TCK


def local_postgres_roots() -> list[int]:
    """PIDs of the PostgreSQL servers running on this machine (each postmaster: a `postgres`
    process whose parent is not one), so their whole trees' CPU can be counted; [] when none
    runs here (a database elsewhere)."""
    names: dict[int, tuple[str, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm") as f:
                comm = f.read().strip()
        except OSError:
            continue
        fields = _read_stat(int(entry))
        if fields is not None:
            names[int(entry)] = (comm, int(fields[1]))
    return [
        pid
        for pid, (comm, ppid) in names.items()
        if comm == "postgres" and names.get(ppid, ("", 0))[0] != "postgres"
    ]


def tree_rss_bytes(root: int) -> int:
    """Sum of VmRSS over the process tree of `root`, in bytes.

    Shared pages (e.g. copy-on-write pages of forked workers) are counted
    once per process, like `ps` does; that overstates multi-process servers
    slightly, which is the conservative direction for the challenger.
    """
    total = 0
    for pid in process_tree(root):
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


class RssSampler:
    """Samples the tree's RSS in a background thread and keeps the peak."""

    def __init__(self, root: int, interval: float = 0.25):
        self.root = root
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_bytes(self.root))
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss_bytes(self.root))


def dir_size_bytes(path: str) -> int:
    """Total size of the regular files under `path`."""
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, name))
            except OSError:
                pass
    return total


def wait_idle(roots: list[int], max_wait: float = 30.0, window: float = 0.3, busy: float = 0.05) -> float:
    """Wait until the process trees of `roots` together use < `busy` cores.

    Used before each warm-up and measured run so that work left over from
    the previous run (e.g. a queue of bcrypt logins that outlived wrk's
    connections, or a WAL checkpoint) is neither charged to the next run
    nor competing with it. Returns the seconds waited (max_wait if the
    servers never went quiet).
    """
    import time

    start = time.monotonic()
    while True:
        before = sum(tree_cpu_seconds(r) for r in roots)
        time.sleep(window)
        used = sum(tree_cpu_seconds(r) for r in roots) - before
        waited = time.monotonic() - start
        if used / window < busy or waited >= max_wait:
            return waited
