#!/usr/bin/env python3
"""What request logging costs Roost: two `roost serve` side by side in one run, one as served by
default (every request stored in the log store and printed as a console line) and one with both
off (`--quiet` and `logs.maxDays = 0`), loaded with wrk in turns (A B A B ...) on the same data.

    python benchmarks/logging_cost.py                      # view, 3 rounds of 10 s
    python benchmarks/logging_cost.py --workloads view,list --rounds 5 --duration 5
    python benchmarks/logging_cost.py --quick              # small data, 1 round of 2 s

It prints, per workload, the median req/s and CPU µs per request of each server and the cost of
logging as the share of req/s lost; results also go to benchmarks/results/logging-cost/."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from harness import dataset, seed, wrkrun  # noqa: E402
from harness.servers import REPO_ROOT, Server, roost_command, roost_env  # noqa: E402
from harness.workloads import select  # noqa: E402
from run import write_lua_data  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workloads", default="view")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--duration", type=float)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=str(BENCH_DIR / "results" / "logging-cost"))
    args = parser.parse_args()
    rounds = args.rounds or (1 if args.quick else 3)
    settings = wrkrun.WrkSettings(
        duration=args.duration or (2 if args.quick else 10), warmup=1 if args.quick else 2
    )
    cmd, why = roost_command()
    if cmd is None:
        raise SystemExit(f"roost can't run: {why}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    work = BENCH_DIR / ".work" / f"logging-{stamp}"
    servers = {
        "logged": Server(
            "roost", "Roost, request logs on", cmd, work / "logged", env=roost_env(), cwd=REPO_ROOT
        ),
        "unlogged": Server(
            "roost",
            "Roost, request logs off",
            cmd,
            work / "unlogged",
            ["--quiet"],
            env=roost_env(),
            cwd=REPO_ROOT,
        ),
    }
    data = dataset.generate(dataset.QUICK_SIZES if args.quick else dataset.FULL_SIZES)
    exe = wrkrun.ensure_wrk()
    results: dict[str, dict[str, list[dict]]] = {}
    try:
        for key, srv in servers.items():
            srv.start()
            seeded = seed.seed(srv.base_url, data, srv.key, request_logs=key == "logged")
            write_lua_data(srv.workdir / "bench_data.lua", seeded)
            time.sleep(2.0)
        pids = [s.pid for s in servers.values()]
        for wl in select(args.workloads):
            results[wl.name] = {key: [] for key in servers}
            for r in range(rounds):
                for key, srv in servers.items():
                    out = wrkrun.run(
                        exe, srv.base_url, wl.path, wl.script, srv.workdir / "bench_data.lua", srv.pid,
                        settings, auth=wl.auth, quiet_pids=pids,
                    )  # fmt: skip
                    results[wl.name][key].append(out)
                    print(
                        f"[{key}] {wl.name} round {r + 1}/{rounds}: {out['rps']:,.0f} req/s, "
                        f"{out['cpu_us_per_req']:,.0f} µs CPU/req",
                        flush=True,
                    )
    finally:
        for srv in servers.values():
            srv.stop()
    lines = [
        "| workload | logs on req/s | logs off req/s | req/s lost to logging | logs on CPU µs/req | logs off CPU µs/req |",
        "|---|---|---|---|---|---|",
    ]
    for name, by_key in results.items():
        on = statistics.median(o["rps"] for o in by_key["logged"])
        off = statistics.median(o["rps"] for o in by_key["unlogged"])
        cpu_on = statistics.median(o["cpu_us_per_req"] for o in by_key["logged"])
        cpu_off = statistics.median(o["cpu_us_per_req"] for o in by_key["unlogged"])
        lines.append(
            f"| {name} | {on:,.0f} | {off:,.0f} | {(1 - on / off) * 100:.1f}% | {cpu_on:.0f} | {cpu_off:.0f} |"
        )
    table = "\n".join(lines)
    print(table)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    head = f"# Request logging cost, {stamp}\n\n{rounds} rounds of {settings.duration:g} s each, A B A B.\n\n"
    # a smoke run never replaces the last real result (as run.py's `--quick`)
    name = f"{stamp}-quick" if args.quick else stamp
    (out_dir / f"{name}.md").write_text(head + table + "\n")
    (out_dir / f"{name}.json").write_text(json.dumps(results, indent=1, default=str))
    if not args.quick:
        (out_dir / "latest.md").write_text(head + table + "\n")


if __name__ == "__main__":
    main()
