#!/usr/bin/env python3
"""Side-by-side benchmark of PocketBase 0.40.6 and Roost.

    python benchmarks/run.py                   # full run (~15 min with both servers)
    python benchmarks/run.py --quick           # smoke run: 2 s per workload, 1 round, small data
    python benchmarks/run.py --workloads view,list --rounds 5
    python benchmarks/run.py --roost-args "--workers 2"
    python benchmarks/run.py --db postgresql://postgres@127.0.0.1:5432/roost_bench
    python benchmarks/run.py --db postgresql://postgres@127.0.0.1:5432/roost_bench --instances 2

Both servers get the same schema and data through the HTTP API, then each
workload is run against them in alternation (A B A B ...), and the medians
go to benchmarks/results/. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import importlib
import shlex
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))


def ensure_python_deps() -> None:
    """The harness installs what it needs itself: httpx (seeding, probes,
    realtime) and matplotlib (chart)."""
    missing = []
    for module, package in (("httpx", "httpx"), ("matplotlib", "matplotlib")):
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(package)
    if missing:
        print(f"[setup] pip install {' '.join(missing)}", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing], check=True)
        importlib.invalidate_caches()


ensure_python_deps()

import httpx  # noqa: E402
from harness import dataset, pgmaint, realtime, report, seed, wrkrun  # noqa: E402
from harness.procs import dir_size_bytes, local_postgres_roots, tree_rss_bytes  # noqa: E402
from harness.servers import REPO_ROOT, Server, pocketbase_command, roost_command, roost_env, roost_version  # noqa: E402
from harness.workloads import ProbeContext, Workload, compare, select  # noqa: E402

WORK_ROOT = BENCH_DIR / ".work"
RESULTS_DIR = BENCH_DIR / "results"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--duration", type=int, default=None, help="measured seconds per run (default 10; 2 with --quick)"
    )
    p.add_argument(
        "--warmup", type=int, default=None, help="warm-up seconds before each run (default 2; 1 with --quick)"
    )
    p.add_argument("--rounds", type=int, default=None, help="rounds per workload (default 3; 1 with --quick)")
    p.add_argument("--workloads", default=None, help="comma-separated subset, e.g. health,view,list")
    p.add_argument("--roost-args", default="", help='extra args for `roost serve`, e.g. "--workers 2"')
    p.add_argument(
        "--db",
        default=None,
        help="run Roost on this PostgreSQL database (postgresql://...); PocketBase stays on SQLite",
    )
    p.add_argument(
        "--instances",
        type=int,
        default=1,
        help="run Roost as this many `roost serve` instances on one PostgreSQL (--db) and a Redis "
        "server of their own, behind HAProxy (benchmarks/harness/cluster.py)",
    )
    p.add_argument(
        "--roost-cmd",
        default=None,
        help="command to run in Roost's place (default: `roost`, else `python -m roost`); "
        "e.g. the pocketbase binary for an A/A check of the harness's noise",
    )
    p.add_argument("--quick", action="store_true", help="smoke run: 2 s per workload, 1 round, small data")
    p.add_argument("--no-roost", action="store_true", help="benchmark PocketBase alone")
    p.add_argument("--no-pocketbase", action="store_true", help="benchmark Roost alone")
    p.add_argument(
        "--no-request-logs",
        action="store_true",
        help="switch request logging off on both servers: PATCH /api/settings logs.maxDays=0 after "
        "seeding (both stop storing request logs; by default each stores every request in its log "
        "store) and, for Roost, `serve --quiet` (no console line per request)",
    )
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    p.add_argument("--connections", type=int, default=50, help="wrk connections (default 50)")
    p.add_argument("--rt-subscribers", type=int, default=200, help="realtime SSE subscribers (default 200)")
    p.add_argument(
        "--rt-writes", type=int, default=None, help="realtime writes per run (default 200; 20 with --quick)"
    )
    p.add_argument(
        "--keep-work", action="store_true", help="keep benchmarks/.work/<run>/ (server data and logs)"
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="results directory (default benchmarks/results; with --db results/postgres, "
        "with --instances N results/postgres-xN)",
    )
    args = p.parse_args(argv)
    if args.instances < 1:
        p.error("--instances must be at least 1")
    if args.instances > 1 and not args.db:
        p.error("--instances above 1 needs --db postgresql://...: the instances share one database")
    if args.db and not args.db.startswith(("postgres://", "postgresql://")):
        p.error("--db takes a PostgreSQL URL (postgresql://user@host:port/name)")
    if args.out is None:
        args.out = RESULTS_DIR
        if args.db:
            args.out = RESULTS_DIR / ("postgres" if args.instances == 1 else f"postgres-x{args.instances}")
    q = args.quick
    args.duration = args.duration if args.duration is not None else (2 if q else 10)
    args.warmup = args.warmup if args.warmup is not None else (1 if q else 2)
    args.rounds = args.rounds if args.rounds is not None else (1 if q else 3)
    args.rt_writes = args.rt_writes if args.rt_writes is not None else (20 if q else 200)
    return args


def write_lua_data(path: Path, seeded: seed.SeedResult) -> None:
    """The id/user/token lists the wrk scripts load (see wrk/common.lua)."""

    def s(value: str) -> str:
        # ids, emails and JWTs are plain ASCII without quotes or backslashes
        assert all(c.isprintable() and c not in '"\\' for c in value), value
        return f'"{value}"'

    lines = ["-- generated by benchmarks/run.py", "return {", "  post_ids = {"]
    lines += [f"    {s(i)}," for i in seeded.post_ids]
    lines += ["  },", "  users = {"]
    lines += [f"    {{ id = {s(u['id'])}, email = {s(u['email'])} }}," for u in seeded.users]
    lines += ["  },", "  tokens = {"]
    lines += [f"    {{ id = {s(t['id'])}, token = {s(t['token'])} }}," for t in seeded.tokens]
    lines += ["  },", "}", ""]
    path.write_text("\n".join(lines))


def probe(server: Server, wl: Workload, ctx: ProbeContext) -> tuple[str | None, object]:
    """One request like the workload's: (why it is n/a or None, decoded JSON body)."""
    method, path, headers, body = wl.probe(ctx)
    try:
        with httpx.Client(base_url=server.base_url, timeout=30.0) as client:
            resp = client.request(method, path, headers=headers, json=body)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}", None
    try:
        payload = resp.json()
    except ValueError:
        payload = resp.text[:200]
    if resp.status_code >= 300:
        message = payload.get("message", "") if isinstance(payload, dict) else payload[:80]
        return f"HTTP {resp.status_code}{': ' + message if message else ''}", payload
    return None, payload


class Outcome:
    """What happened to one workload on one server: measured rounds, or why n/a."""

    def __init__(self) -> None:
        self.runs: list[dict] = []
        self.na: str | None = None
        self.diffs: list[str] = []  # how its probe answer differs from PocketBase's


class Bench:
    """One benchmark run: servers, their seeded data, and the outcomes so far."""

    def __init__(self, args: argparse.Namespace, argv: list[str] | None):
        self.args = args
        self.argv = argv if argv is not None else sys.argv[1:]
        self.started = datetime.now(UTC)
        self.stamp = self.started.strftime("%Y%m%dT%H%M%SZ")
        self.t0 = time.monotonic()
        self.workloads = select(args.workloads)
        self.sizes = dataset.QUICK_SIZES if args.quick else dataset.FULL_SIZES
        self.settings = wrkrun.WrkSettings(
            threads=args.threads, connections=args.connections, duration=args.duration, warmup=args.warmup
        )
        self.run_dir = WORK_ROOT / self.stamp
        self.machine = report.machine_info()
        self.wrk_exe = ""
        self.pb_version = "not run"
        self.roost_skipped = ""
        self.servers: list[Server] = []
        self.server_info: dict[str, dict] = {}  # per server key: versions, memory, seeding
        self.seeded: dict[str, seed.SeedResult] = {}
        self.data_files: dict[str, Path] = {}  # per server key: generated lua data for wrk
        self.results: dict[str, dict[str, Outcome]] = {}
        self.interrupted = False

    # --- setup ----------------------------------------------------------------

    def find_servers(self) -> None:
        """Decide what runs: PocketBase (installed if needed) and Roost if it can."""
        args = self.args
        self.wrk_exe = wrkrun.ensure_wrk()
        if not args.no_pocketbase:
            pb_cmd = pocketbase_command()
            out = subprocess.run(pb_cmd + ["--version"], capture_output=True, text=True).stdout
            self.pb_version = out.split()[-1] if out.strip() else "unknown"
            self.servers.append(
                Server(
                    "pocketbase", "PocketBase", pb_cmd, self.run_dir / "pocketbase", version=self.pb_version
                )
            )
        if args.no_roost:
            self.roost_skipped = "--no-roost given"
        else:
            roost_cmd, message = (shlex.split(args.roost_cmd), "") if args.roost_cmd else roost_command()
            if roost_cmd is None:
                self.roost_skipped = f"the roost package can't run yet ({message})"
            else:
                version = roost_version(roost_cmd)
                label = "Roost"
                if args.db:
                    label += " (PostgreSQL)"
                if args.instances > 1:
                    cluster = [sys.executable, str(BENCH_DIR / "harness" / "cluster.py")]
                    roost_cmd = [*cluster, "--instances", str(args.instances), "--", *roost_cmd]
                    label = f"Roost ×{args.instances} (PostgreSQL, Redis, HAProxy)"
                self.servers.append(
                    Server(
                        "roost",
                        label,
                        roost_cmd,
                        self.run_dir / "roost",
                        extra_args=shlex.split(args.roost_args)
                        + (["--db", args.db] if args.db else [])
                        + (["--quiet"] if args.no_request_logs else []),
                        env=roost_env(),
                        cwd=REPO_ROOT,
                        version=version,
                    )
                )
        if self.roost_skipped:
            print(f"[roost] SKIPPED: {self.roost_skipped}.", flush=True)
        if not self.servers:
            raise SystemExit("nothing to benchmark")
        self.results = {w.name: {s.key: Outcome() for s in self.servers} for w in self.workloads}

    def start_and_seed(self) -> None:
        """Start each server and give it the data set, one server at a time.

        A Roost that fails to start or to take the data is dropped with a
        message; PocketBase failing is fatal.
        """
        data = dataset.generate(self.sizes)
        s = self.settings
        print(
            f"[setup] run dir {self.run_dir}; data: {self.sizes}; wrk -t{s.threads} -c{s.connections} "
            f"-d{s.duration}s (+{s.warmup}s warm-up), {self.args.rounds} round(s)",
            flush=True,
        )
        for srv in list(self.servers):
            info = {
                "key": srv.key,
                "label": srv.label,
                "version": srv.version,
                "command": shlex.join(srv.cmd + ["serve", *srv.extra_args]),
            }
            try:
                srv.start()
                time.sleep(1.0)
                info["rss_start"] = tree_rss_bytes(srv.pid)
                seeded = seed.seed(srv.base_url, data, srv.key, request_logs=not self.args.no_request_logs)
            except (RuntimeError, seed.SeedError, httpx.HTTPError) as exc:
                if srv.key != "roost":
                    raise
                self.roost_skipped = f"failed to start or seed: {exc}"
                print(f"[roost] SKIPPED: {self.roost_skipped}", flush=True)
                srv.stop()
                self.servers.remove(srv)
                continue
            if srv.key == "roost" and self.args.db:
                info["db_upkeep"] = pgmaint.vacuum_analyze(self.args.db, list(seeded.counts))
                print(f"[roost] {info['db_upkeep']}", flush=True)
            time.sleep(2.0)  # let background work (WAL checkpoints, GC) settle
            info["rss_idle_seeded"] = tree_rss_bytes(srv.pid)
            info["data_dir_bytes"] = dir_size_bytes(str(srv.data_dir))
            info["seed"] = {"method": seeded.method, "seconds": seeded.seconds, "counts": seeded.counts}
            info["request_logs"] = seeded.request_logs
            self.server_info[srv.key] = info
            self.seeded[srv.key] = seeded
            self.data_files[srv.key] = srv.workdir / "bench_data.lua"
            write_lua_data(self.data_files[srv.key], seeded)
            print(
                f"[{srv.key}] seeded ({seeded.method}); idle RSS {info['rss_idle_seeded'] / 2**20:.0f} MiB",
                flush=True,
            )

    # --- measuring --------------------------------------------------------------

    def probe_all(self, wl: Workload) -> None:
        """Probe each server once; n/a where it fails; compare answers with PocketBase's."""
        answers = {}
        for srv in self.servers:
            sd = self.seeded[srv.key]
            why, answers[srv.key] = probe(srv, wl, ProbeContext(sd.post_ids, sd.users, sd.tokens))
            if why:
                print(f"[{srv.key}] {wl.name}: n/a ({why})", flush=True)
                self.results[wl.name][srv.key].na = why
        reference = self.results[wl.name].get("pocketbase")
        if reference is None or reference.na:
            return
        for srv in self.servers:
            outcome = self.results[wl.name][srv.key]
            if srv.key == "pocketbase" or outcome.na:
                continue
            outcome.diffs = compare(wl, answers["pocketbase"], answers[srv.key])
            for d in outcome.diffs:
                print(f"[{srv.key}] {wl.name}: ⚠ response differs from PocketBase: {d}", flush=True)

    def measure(self, wl: Workload, srv: Server, tag: str) -> dict | str:
        """One measured run of `wl` on `srv`: its figures, or why it is n/a."""
        quiet = [s.pid for s in self.servers if s.alive()]
        if wl.kind == "realtime":
            out = realtime.run(
                srv.base_url,
                srv.port,
                self.seeded[srv.key].tokens,
                srv.pid,
                subscribers=self.args.rt_subscribers,
                writes=self.args.rt_writes,
                quiet_pids=quiet,
            )
            print(
                f"{tag}: delivered to all (from send) p50 {out['all_send_p50_ms'] or 0:.2f} ms, "
                f"p99 {out['all_send_p99_ms'] or 0:.2f} ms; after response p50 "
                f"{out['all_p50_ms'] or 0:.2f} ms; missed {out['missed']}",
                flush=True,
            )
            return out
        out = wrkrun.run(
            self.wrk_exe,
            srv.base_url,
            wl.path,
            wl.script,
            self.data_files[srv.key],
            srv.pid,
            self.settings,
            auth=wl.auth,
            log=srv.workdir / "wrk.log",
            quiet_pids=quiet,
            # Roost's database server, when it runs here: its CPU is part of what a request costs
            db_pids=local_postgres_roots() if srv.key == "roost" and self.args.db else None,
        )
        if out["requests"] == 0:
            print(f"{tag}: no request completed", flush=True)
            return f"no request completed in {self.settings.duration} s"
        errs = (f", ⚠ {out['non2xx']} non-2xx" if out["non2xx"] else "") + (
            f", ⚠ {out['socket_errors']} socket errors" if out["socket_errors"] else ""
        )
        db_cpu = out["db_cpu_us_per_req"]
        print(
            f"{tag}: {out['rps']:,.0f} req/s, p50 {out['p50_ms']:.2f} ms, p99 {out['p99_ms']:.2f} ms, "
            f"{out['cpu_us_per_req']:,.0f} µs CPU/req"
            + (f" (+ PostgreSQL {db_cpu:,.0f})" if db_cpu is not None else "")
            + errs,
            flush=True,
        )
        if out["non2xx"] >= out["requests"]:
            return f"all {out['non2xx']:,} responses non-2xx"
        return out

    def run_workloads(self) -> None:
        """Each workload in turn (reads first); within it, rounds of A B A B ..."""
        for wl in self.workloads:
            if wl.kind == "wrk":
                self.probe_all(wl)
            for rnd in range(self.args.rounds):
                for srv in self.servers:
                    outcome = self.results[wl.name][srv.key]
                    if outcome.na:
                        continue
                    if not srv.alive():
                        outcome.na = f"server exited (code {srv.proc.returncode})"
                        continue
                    tag = f"[{srv.key}] {wl.name} round {rnd + 1}/{self.args.rounds}"
                    try:
                        out = self.measure(wl, srv, tag)
                    except realtime.RealtimeUnsupported as exc:
                        print(f"{tag}: n/a ({exc})", flush=True)
                        out = str(exc)
                    except (RuntimeError, OSError, subprocess.TimeoutExpired, httpx.HTTPError) as exc:
                        print(f"{tag}: failed: {exc}", flush=True)
                        out = f"error: {str(exc).splitlines()[0][:120]}"
                    if isinstance(out, str):
                        outcome.na = out
                    else:
                        outcome.runs.append(out)

    def stop(self) -> None:
        for srv in self.servers:
            srv.stop()
        if not self.args.keep_work and self.run_dir.exists():
            shutil.rmtree(self.run_dir, ignore_errors=True)

    # --- results ----------------------------------------------------------------

    def build_report(self) -> dict:
        wl_entries = []
        for wl in self.workloads:
            per_server = {}
            for key in self.server_info:
                outcome = self.results[wl.name][key]
                if outcome.runs:  # rounds that ran count even if a later one failed
                    per_server[key] = report.aggregate(outcome.runs, wl.kind)
                    per_server[key]["runs"] = outcome.runs
                    if outcome.na:
                        per_server[key]["partial"] = outcome.na
                    if outcome.diffs:
                        per_server[key]["response_diffs"] = outcome.diffs
                else:
                    per_server[key] = {"na": outcome.na or "not run"}
            wl_entries.append(
                {"name": wl.name, "title": wl.title, "kind": wl.kind, "path": wl.path, "results": per_server}
            )
        s = self.settings
        rep = {
            "meta": {
                "started": self.started.strftime("%Y-%m-%d %H:%M:%S UTC"),
                "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
                "elapsed_s": time.monotonic() - self.t0,
                "command": " ".join(["python benchmarks/run.py", shlex.join(self.argv)]).strip(),
                "quick": self.args.quick,
                "interrupted": self.interrupted,
                "rounds": self.args.rounds,
                "sizes": vars(self.sizes),
                "machine": self.machine,
                "loadavg_at_end": report.loadavg(),
                "pocketbase_version": self.pb_version,
                "roost_skipped": self.roost_skipped,
                "repo_commit": report.git_describe(REPO_ROOT),
                "wrk": {
                    "version": wrkrun.wrk_version(self.wrk_exe),
                    "threads": s.threads,
                    "connections": s.connections,
                    "duration": s.duration,
                    "warmup": s.warmup,
                    "timeout": s.timeout,
                },
                "realtime": {"subscribers": self.args.rt_subscribers, "writes": self.args.rt_writes},
                "roost_database": "PostgreSQL" if self.args.db else "SQLite",
                "roost_instances": self.args.instances,
            },
            "servers": list(self.server_info.values()),
            "workloads": wl_entries,
        }
        report.add_ratios(rep)
        return rep


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _on_sigterm)  # stop the servers on `kill` too
    bench = Bench(args, argv)
    bench.find_servers()
    try:
        bench.start_and_seed()
        bench.run_workloads()
    except KeyboardInterrupt:
        bench.interrupted = True
        print("\n[interrupted] stopping servers; writing partial results", flush=True)
    finally:
        bench.stop()

    paths = report.write_outputs(bench.build_report(), args.out, bench.stamp)
    print()
    print(paths["markdown"].read_text())
    for what, path in paths.items():
        print(f"[output] {what}: {path}")
    return 130 if bench.interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
