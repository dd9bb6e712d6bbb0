"""Running wrk against one server and measuring the server while it runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .procs import RssSampler, tree_cpu_seconds, wait_idle

WRK_DIR = Path(__file__).resolve().parents[1] / "wrk"


@dataclass(frozen=True)
class WrkSettings:
    threads: int = 2
    connections: int = 50
    duration: float = 10.0  # measured seconds
    warmup: float = 3.0  # unmeasured seconds right before each measured run
    timeout: float = 10.0  # per-request timeout (bcrypt logins queue for seconds)


def ensure_wrk() -> str:
    """Path of wrk, installing Debian's package if it is missing."""
    exe = shutil.which("wrk")
    if exe:
        return exe
    print("[setup] wrk not found; installing it with apt-get", flush=True)
    try:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    except (OSError, subprocess.CalledProcessError):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    exe = shutil.which("wrk")
    if not exe:
        raise SystemExit("wrk is not installed and could not be installed (apt-get install wrk)")
    return exe


def wrk_version(exe: str) -> str:
    out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    # "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer" -> "wrk debian/4.1.0-3+b2 [epoll]"
    return out.split("Copyright")[0].strip() if out else "unknown"


def _wrk(
    exe: str, url: str, script: str, env: dict, settings: WrkSettings, seconds: float, log: Path | None
) -> dict:
    # wrk takes whole seconds for -d; sub-second warm-ups round up to 1 s.
    argv = [
        exe,
        f"-t{settings.threads}",
        f"-c{settings.connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={settings.timeout:g}s",
        "--latency",
        "-s",
        str(WRK_DIR / script),
        url,
    ]
    proc = subprocess.run(
        argv, capture_output=True, text=True, env=env, timeout=seconds + settings.timeout + 60
    )
    if log is not None:
        with open(log, "a") as f:
            f.write(f"$ {' '.join(argv)}\n{proc.stdout}{proc.stderr}\n")
    if proc.returncode != 0:
        raise RuntimeError(f"wrk exited {proc.returncode}: {proc.stderr.strip()[-1000:]}")
    for line in proc.stdout.splitlines():
        if line.startswith("WRKJSON "):
            return json.loads(line[len("WRKJSON ") :])
    raise RuntimeError(f"wrk printed no WRKJSON line:\n{proc.stdout[-1500:]}{proc.stderr[-500:]}")


def _ms(us: float | None) -> float | None:
    return None if us is None else us / 1000


def run(
    exe: str,
    base_url: str,
    path: str,
    script: str,
    data_file: Path,
    server_pid: int,
    settings: WrkSettings,
    auth: bool = False,
    log: Path | None = None,
    quiet_pids: list[int] | None = None,
    db_pids: list[int] | None = None,
) -> dict:
    """Warm up, then one measured wrk run; returns wrk's numbers plus server CPU and RSS, and
    with `db_pids` (the database server's process trees) the database's CPU per request too.

    Before the warm-up and again before the measured run, waits until every
    server in `quiet_pids` is idle. CPU per request = (server tree CPU right
    after wrk exits - right before it starts) / requests completed.
    """
    quiet_pids = quiet_pids or [server_pid]
    env = dict(os.environ)
    env.update(BENCH_DATA=str(data_file), BENCH_WRK_DIR=str(WRK_DIR), BENCH_AUTH="1" if auth else "0")
    url = base_url + path
    waited = wait_idle(quiet_pids)
    if settings.warmup > 0:
        _wrk(exe, url, script, env, settings, settings.warmup, log)
        waited += wait_idle(quiet_pids)

    db_pids = db_pids or []
    db_before = sum(tree_cpu_seconds(p) for p in db_pids)
    cpu_before = tree_cpu_seconds(server_pid)
    with RssSampler(server_pid) as rss:
        out = _wrk(exe, url, script, env, settings, settings.duration, log)
    cpu = tree_cpu_seconds(server_pid) - cpu_before
    db_cpu = sum(tree_cpu_seconds(p) for p in db_pids) - db_before

    requests = out["requests"]
    seconds = out["duration_us"] / 1e6
    if requests == 0:  # wrk's empty histogram reports 0 for every percentile
        for key in ("p50_us", "p90_us", "p99_us", "latency_mean_us", "latency_max_us"):
            out[key] = None
    socket_errors = out["errors_connect"] + out["errors_read"] + out["errors_write"] + out["errors_timeout"]
    return {
        "requests": requests,
        "rps": requests / seconds if seconds else 0.0,
        "p50_ms": _ms(out["p50_us"]),
        "p90_ms": _ms(out["p90_us"]),
        "p99_ms": _ms(out["p99_us"]),
        "mean_ms": _ms(out["latency_mean_us"]),
        "max_ms": _ms(out["latency_max_us"]),
        "non2xx": out["errors_status"],
        "socket_errors": socket_errors,
        "timeouts": out["errors_timeout"],
        "cpu_s": cpu,
        "cpu_us_per_req": cpu / requests * 1e6 if requests else None,
        "db_cpu_us_per_req": db_cpu / requests * 1e6 if requests and db_pids else None,
        # Up to `connections` requests are still in flight when wrk stops: their
        # CPU so far is counted, they are not. This bounds that share.
        "inflight_share": settings.connections / requests if requests else None,
        "peak_rss": rss.peak,
        "bytes": out["bytes"],
        "idle_wait_s": waited,
    }
