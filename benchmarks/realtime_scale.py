#!/usr/bin/env python3
"""Realtime at scale: N SSE subscribers (10,000 by default) receive each write; side by side.

    python benchmarks/realtime_scale.py --db postgresql://postgres@127.0.0.1:5432/roost_bench

Runs, one after another on the same machine:
  - PocketBase 0.40.6 (SQLite, its only mode),
  - Roost on PostgreSQL, one instance,
  - Roost on PostgreSQL, two instances with Redis (harness/cluster.py): the subscribers'
    streams half on each instance, the writes through HAProxy, round-robin over both,
and for each reports the latency from a write to its event at the subscribers (p50/p95/p99,
per subscriber and delivered-to-all, counted from the write's request and from its response)
and the server's RSS per idle subscriber. Results go to benchmarks/results/realtime-10k/
(the JSON, and a Markdown table). See harness/realtime_scale.py for the method.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from harness import dataset, realtime_scale, report, seed  # noqa: E402
from harness.realtime import RealtimeUnsupported  # noqa: E402
from harness.servers import REPO_ROOT, Server, pocketbase_command, roost_command, roost_env  # noqa: E402

SMALL = dataset.Sizes(users=seed.TOKEN_USERS, posts=10, comments=10, notes=10)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", required=True, help="PostgreSQL URL for Roost (its tables are replaced)")
    p.add_argument("--subscribers", type=int, default=10_000)
    p.add_argument("--writes", type=int, default=100, help="writes per server (default 100)")
    p.add_argument("--client-processes", type=int, default=4, help="processes sharing the subscribers")
    p.add_argument("--only", default="pocketbase,roost,roost-x2", help="which of pocketbase,roost,roost-x2")
    p.add_argument("--out", type=Path, default=BENCH_DIR / "results" / "realtime-10k")
    return p.parse_args()


def servers(args: argparse.Namespace, run_dir: Path) -> list[Server]:
    roost_cmd, why = roost_command()
    if roost_cmd is None:
        raise SystemExit(f"roost cannot run: {why}")
    roost_args = ["--db", args.db, "--quiet"]
    cluster = [sys.executable, str(BENCH_DIR / "harness" / "cluster.py"), "--instances", "2", "--"]
    env = roost_env()
    out = {
        "pocketbase": Server("pocketbase", "PocketBase (SQLite)", pocketbase_command(), run_dir / "pb"),
        "roost": Server(
            "roost", "Roost (PostgreSQL)", roost_cmd, run_dir / "roost", roost_args, env, REPO_ROOT
        ),
        "roost-x2": Server(
            "roost-x2",
            "Roost ×2 (PostgreSQL, Redis, HAProxy)",
            [*cluster, *roost_cmd],
            run_dir / "roost-x2",
            roost_args,
            env,
            REPO_ROOT,
        ),
    }
    return [out[k] for k in args.only.split(",")]


def instance_ports(srv: Server) -> list[int] | None:
    """For the two-instance set: the instances' own ports, from cluster.py's log. The streams
    connect to them directly, half each: through HAProxy each stream would hold two of its
    file descriptors, and 10,000 streams need more than a hard limit of 20,000 allows
    without CAP_SYS_RESOURCE. Writes still go through HAProxy, round-robin over both."""
    if srv.key != "roost-x2" or srv.log_path is None:
        return None
    found = re.findall(r"\[cluster\] instance \d+: .*?--http 127\.0\.0\.1:(\d+)", srv.log_path.read_text())
    return [int(p) for p in found] or None


def measure(srv: Server, args: argparse.Namespace) -> dict:
    srv.start()
    try:
        seeded = seed.seed(srv.base_url, dataset.generate(SMALL), srv.key, request_logs=False)
        time.sleep(1.0)
        print(f"[{srv.key}] {args.subscribers:,} subscribers, {args.writes} writes ...", flush=True)
        res = realtime_scale.run(
            srv.base_url,
            srv.port,
            seeded.tokens[0],
            srv.pid,
            args.subscribers,
            args.writes,
            processes=args.client_processes,
            stream_ports=instance_ports(srv),
        )
    finally:
        srv.stop()
    res["label"], res["command"] = srv.label, shlex.join([*srv.cmd, "serve", *srv.extra_args])
    print(
        f"[{srv.key}] per subscriber (from request) p50 {res['sub_send_p50_ms']:.1f} / p95 "
        f"{res['sub_send_p95_ms']:.1f} / p99 {res['sub_send_p99_ms']:.1f} ms; delivered to all p99 "
        f"{res['all_send_p99_ms'] or 0:.1f} ms; missed {res['missed']}; "
        f"{res['rss_per_idle_subscriber'] / 1024:.1f} KiB RSS per idle subscriber",
        flush=True,
    )
    return res


def _ms(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}"


def markdown(doc: dict) -> str:
    lines = [
        f"# Realtime at scale: {doc['subscribers']:,} SSE subscribers, {doc['writes']} writes",
        "",
        f"Run {doc['started']} on {doc['machine'].get('cpu_model', '?')} ({doc['machine'].get('nproc', '?')} CPUs); "
        f"load average before {doc['loadavg_before']}, after {doc['loadavg_after']}. "
        "Not a quiet machine: other work shared the cores during the run.",
        "",
        f"Command: `{doc['command']}`",
        "",
        "Latency in ms from the write's request to the event at a subscriber (`per sub`: every "
        "subscriber's delivery; `all`: the last subscriber's, per write); `after resp.`: counted "
        "from the write's response instead (0 when the event came first).",
        "",
        "| server | per sub p50 | p95 | p99 | all p50 | p95 | p99 | all after resp. p99 | missed "
        "| RSS / idle sub | server CPU / write | client CPU / write |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, r in doc["results"].items():
        if isinstance(r, str):
            lines.append(f"| {key} | n/a: {r} |" + " |" * 11)
            continue
        lines.append(
            f"| {r['label']} | {_ms(r['sub_send_p50_ms'])} | {_ms(r['sub_send_p95_ms'])} | "
            f"{_ms(r['sub_send_p99_ms'])} | {_ms(r['all_send_p50_ms'])} | {_ms(r['all_send_p95_ms'])} | "
            f"{_ms(r['all_send_p99_ms'])} | {_ms(r['all_p99_ms'])} | {r['missed']} | "
            f"{r['rss_per_idle_subscriber'] / 1024:.1f} KiB | {r['server_cpu_ms_per_write']:.1f} ms | "
            f"{r['client_cpu_ms_per_write']:.1f} ms |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    args = parse_args()
    soft = realtime_scale.raise_nofile(2 * args.subscribers + 4096)  # servers inherit it
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    run_dir = BENCH_DIR / ".work" / f"rt-{stamp}"
    doc: dict = {
        "started": started.isoformat(timespec="seconds"),
        "command": shlex.join([sys.executable, *sys.argv]),
        "subscribers": args.subscribers,
        "writes": args.writes,
        "nofile": soft,
        "machine": report.machine_info(),
        "loadavg_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "results": {},
    }
    for srv in servers(args, run_dir):
        try:
            doc["results"][srv.key] = measure(srv, args)
        except (RealtimeUnsupported, RuntimeError, seed.SeedError) as exc:
            print(f"[{srv.key}] n/a: {exc}", flush=True)
            doc["results"][srv.key] = str(exc).splitlines()[0][:200]
    if not any(isinstance(r, str) for r in doc["results"].values()):
        shutil.rmtree(run_dir, ignore_errors=True)  # server data dirs and logs (kept after a failure)
    doc["loadavg_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    args.out.mkdir(parents=True, exist_ok=True)
    for name in (stamp, "latest"):
        (args.out / f"{name}.json").write_text(json.dumps(doc, indent=2) + "\n")
        (args.out / f"{name}.md").write_text(markdown(doc))
    print(markdown(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
