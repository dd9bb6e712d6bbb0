"""Idle memory of Roost and PocketBase 0.40.6 right after each answers /api/health.

    python benchmarks/idle_memory.py                      # 3 starts of each, median
    python benchmarks/idle_memory.py --runs 5 --roost-args "--workers 2"

Each server starts on a fresh data folder with one superuser (as `run.py` starts them), and is
measured one second after its first 200 from /api/health. For the whole process tree: the sum
of RSS (shared pages counted once per process, as `ps` does) and the sum of PSS from
/proc/PID/smaps_rollup (shared pages split between the processes sharing them: the memory the
server actually costs). Then each process of the tree on its own line.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness.procs import process_tree
from harness.servers import Server, pocketbase_command, roost_command, roost_env


def _kib(path: str, key: str) -> int:
    try:
        with open(path) as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return " ".join(fh.read().decode(errors="replace").split("\0")).strip()[:70]
    except OSError:
        return "?"


def measure(pid: int) -> list[tuple[int, str, int, int]]:
    """(pid, command, RSS KiB, PSS KiB) for each live process of the tree."""
    rows = []
    for p in sorted(process_tree(pid)):
        rows.append(
            (p, _cmdline(p), _kib(f"/proc/{p}/status", "VmRSS:"), _kib(f"/proc/{p}/smaps_rollup", "Pss:"))
        )
    return rows


def one_run(
    key: str, label: str, cmd: list[str], extra: list[str], root: Path
) -> list[tuple[int, str, int, int]]:
    env = roost_env() if key == "roost" else None
    srv = Server(key=key, label=label, cmd=cmd, workdir=root / key, extra_args=extra, env=env)
    srv.start()
    try:
        time.sleep(1.0)
        return measure(srv.pid)
    finally:
        srv.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--roost-args", default="", help="extra arguments for `roost serve`")
    parser.add_argument("--no-pocketbase", action="store_true")
    args = parser.parse_args()

    rcmd, message = roost_command()
    if rcmd is None:
        raise SystemExit(f"roost cannot run: {message}")
    servers = [("roost", "Roost", rcmd, shlex.split(args.roost_args))]
    if not args.no_pocketbase:
        servers.append(("pocketbase", "PocketBase 0.40.6", pocketbase_command(), []))

    results: dict[str, list[list[tuple[int, str, int, int]]]] = {s[0]: [] for s in servers}
    for i in range(args.runs):  # alternate A B A B so both see the same machine
        for key, label, cmd, extra in servers:
            with tempfile.TemporaryDirectory(prefix="idle-mem-") as tmp:
                results[key].append(one_run(key, label, cmd, extra, Path(tmp) / str(i)))

    print(f"\nIdle memory after the first /api/health, median of {args.runs} start(s), MiB\n")
    print("| server | processes | RSS sum | PSS sum |")
    print("|---|---|---|---|")
    for key, label, *_ in servers:
        runs = results[key]
        rss = statistics.median(sum(r[2] for r in run) for run in runs) / 1024
        pss = statistics.median(sum(r[3] for r in run) for run in runs) / 1024
        print(f"| {label} | {len(runs[-1])} | {rss:.1f} | {pss:.1f} |")
    print("\nPer process (last run):\n")
    print("| server | command | RSS | PSS |")
    print("|---|---|---|---|")
    for key, label, *_ in servers:
        for _pid, command, rss_kib, pss_kib in results[key][-1]:
            print(f"| {label} | `{command}` | {rss_kib / 1024:.1f} | {pss_kib / 1024:.1f} |")


if __name__ == "__main__":
    main()
