#!/usr/bin/env python3
"""Several `roost serve` instances behind one load balancer, started as one command.

    python benchmarks/harness/cluster.py --instances 2 -- python -m roost serve --http H:P --db URL ...

The harness runs this in Roost's place (`run.py --instances 2`). Any subcommand other than
`serve` (`superuser upsert`, `--version`) runs once, as is. For `serve`, it starts a Redis server of
its own (unless `--redis URL` is given: other processes on the machine that use Redis would
otherwise see this run's realtime traffic), N instances on free ports with the same arguments
plus `--redis URL` (realtime events and subscriptions cross instances through Redis; cron ticks
are claimed in the shared database), then HAProxy in TCP
mode on the requested address, round-robin over the instances (each wrk connection stays on the
instance it was given). Everything runs in this process's group, so the harness measures the CPU
and memory of the whole set (instances and balancer) and stops them all with one signal.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_haproxy() -> str:
    """Path of haproxy, installing Debian's package if it is missing (as the harness does wrk)."""
    exe = shutil.which("haproxy")
    if exe:
        return exe
    print("[cluster] haproxy not found; installing it with apt-get", flush=True)
    try:
        subprocess.run(["apt-get", "install", "-y", "-qq", "haproxy"], check=True)
    except (OSError, subprocess.CalledProcessError):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "haproxy"], check=True)
    exe = shutil.which("haproxy")
    if not exe:
        raise SystemExit("haproxy is not installed and could not be installed (apt-get install haproxy)")
    return exe


def haproxy_config(host: str, port: int, backends: list[int], maxconn: int = 4000) -> str:
    servers = "\n".join(f"    server r{i} 127.0.0.1:{p}" for i, p in enumerate(backends))
    return f"""global
    maxconn {maxconn}
    nbthread 1
defaults
    mode tcp
    timeout connect 5s
    timeout client 1h
    timeout server 1h
frontend roost
    bind {host}:{port}
    default_backend instances
backend instances
    balance roundrobin
{servers}
"""


def wait_healthy(port: int, procs: list[subprocess.Popen[bytes]], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        for p in procs:
            if p.poll() is not None:
                raise SystemExit(f"[cluster] an instance exited with code {p.returncode} during startup")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"[cluster] the instance on port {port} did not answer within {timeout:.0f}s")
        time.sleep(0.2)


def start_redis(children: list[subprocess.Popen[bytes]]) -> str:
    exe = shutil.which("redis-server")
    if exe is None:
        raise SystemExit(
            "[cluster] redis-server not found: install Debian's redis-server or pass --redis URL"
        )
    port = free_port()
    argv = [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    children.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL))
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return f"redis://127.0.0.1:{port}/0"
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("[cluster] redis-server did not start") from None
            time.sleep(0.1)


def serve(
    instances: int, redis: str | None, cmd: list[str], serve_args: list[str], maxconn: int = 4000
) -> int:
    at = serve_args.index("--http")
    host, _, port = serve_args[at + 1].rpartition(":")
    rest = serve_args[:at] + serve_args[at + 2 :]
    children: list[subprocess.Popen[bytes]] = []

    def stop(signum: int = signal.SIGTERM, frame: object = None, code: int = 0) -> None:
        for p in reversed(children):  # the balancer first, Redis last
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in reversed(children):
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        sys.exit(code)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    haproxy = ensure_haproxy()  # before anything starts: a failed install must not leave instances behind
    redis = redis or start_redis(children)
    ports = [free_port() for _ in range(instances)]
    for i, p in enumerate(ports):
        argv = [*cmd, "serve", "--http", f"127.0.0.1:{p}", *rest, "--redis", redis]
        print(f"[cluster] instance {i + 1}: {' '.join(argv)}", flush=True)
        children.append(subprocess.Popen(argv))
        if i == 0:  # the first one creates the schema; the others then find it ready
            wait_healthy(p, children)
    for p in ports[1:]:
        wait_healthy(p, children)
    conf = os.path.join(tempfile.mkdtemp(prefix="roost-cluster-"), "haproxy.cfg")
    with open(conf, "w") as fh:
        fh.write(haproxy_config(host, int(port), ports, maxconn))
    children.append(subprocess.Popen([haproxy, "-db", "-f", conf]))
    print(f"[cluster] haproxy on {host}:{port} -> {', '.join(map(str, ports))}", flush=True)
    while all(p.poll() is None for p in children):
        time.sleep(0.5)
    print("[cluster] a process exited; stopping the others", flush=True)
    stop(code=1)
    return 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--instances", type=int, default=2)
    p.add_argument(
        "--redis", default=None, help="Redis URL for the instances (default: a redis-server of our own)"
    )
    p.add_argument(
        "--maxconn",
        type=int,
        default=4000,
        help="HAProxy's connection limit (realtime at scale holds one per subscriber; HAProxy, as "
        "root, raises its own open-file limit to match)",
    )
    p.add_argument("command", nargs=argparse.REMAINDER, help="-- <roost command> <subcommand> ...")
    args = p.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if "serve" not in command:
        os.execvp(command[0], command)  # superuser upsert, --version, --help: once, as is
    at = command.index("serve")
    return serve(args.instances, args.redis, command[:at], command[at + 1 :], args.maxconn)


if __name__ == "__main__":
    sys.exit(main())
