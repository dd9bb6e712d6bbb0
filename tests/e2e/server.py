"""Start `roost serve` as a subprocess on a free port, for end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def run_worker_script(script: str, data_dir: str, **env: str) -> Any:
    """Run `script` in a fresh Python process set up as a `roost serve` worker (roost/asgi.py
    reads its ROOST_* environment) on a database of its own, and give back the JSON object its
    last line of output prints."""
    import asyncio
    import json

    from tests.conftest import drop_db_url, new_db_url

    url = await new_db_url()
    full_env = {**os.environ, "ROOST_DIR": data_dir, "ROOST_DB": url or "", "ROOST_QUIET": "1", **env}
    try:
        proc = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-c", script],
            env=full_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        await drop_db_url(url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def roost_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "roost", *args]


class RoostServer:
    def __init__(self, data_dir: str, db_url: str | None = None, extra: tuple[str, ...] = ()) -> None:
        self.data_dir = data_dir
        self.db_url = db_url
        self.extra = extra
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = os.path.join(os.path.dirname(os.path.abspath(data_dir)), f"server-{self.port}.log")

    def storage_args(self) -> list[str]:
        return ["--dir", self.data_dir] + (["--db", self.db_url] if self.db_url else [])

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            roost_cmd(*args, *self.storage_args()), capture_output=True, text=True, timeout=60
        )

    def start(self) -> RoostServer:
        with open(self.log_path, "ab") as log:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                roost_cmd("serve", "--http", f"127.0.0.1:{self.port}", *self.storage_args(), *self.extra),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"roost serve exited with {self.proc.returncode}: {self.log()}")
            try:
                if httpx.get(self.url + "/api/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"roost serve did not answer in 30 s: {self.log()}")

    def log(self) -> str:
        try:
            with open(self.log_path, errors="replace") as fh:
                return fh.read()[-3000:]
        except FileNotFoundError:
            return ""

    def kill9(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            raise

    def __enter__(self) -> RoostServer:
        return self.start()

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        try:
            self.stop()
        except subprocess.TimeoutExpired:
            if exc_type is None:  # (a test that failed already keeps its own error)
                raise AssertionError(
                    f"roost serve did not stop within 20 s of SIGTERM: {self.log()}"
                ) from None
