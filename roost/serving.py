"""How `roost serve` runs as processes: storage prepared in a short-lived child, the address
checked before binding, granian's supervisor and workers started, and a watch on the hook files.
The command itself (options, banner, restarts) is in roost/cli.py."""

from __future__ import annotations

import errno
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import click

T = TypeVar("T")


def in_child(work: Callable[[], T]) -> T:
    """`work()` in a forked process, its result (or exception) handed back. This process then
    only supervises the workers, and never holds the app's modules (about 20 MB) it would
    otherwise keep for the server's whole life; the workers load them themselves."""
    import pickle

    if not hasattr(os, "fork"):
        return work()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: do the work, send the outcome, exit without cleanup handlers
        os.close(read_end)
        try:
            outcome: tuple[bool, object] = (True, work())
        except BaseException as exc:  # handed to the parent, which raises it
            outcome = (False, exc)
        with os.fdopen(write_end, "wb") as out:
            try:
                out.write(pickle.dumps(outcome))
            except Exception as exc:  # an exception that does not pickle
                out.write(pickle.dumps((False, click.ClickException(str(exc)))))
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as src:
        data = src.read()
    os.waitpid(pid, 0)
    if not data:
        raise click.ClickException("preparing the storage failed (the process died)")
    ok, value = pickle.loads(data)  # noqa: S301 our own child's answer, through our own pipe
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


def metrics_dir(data_dir: str) -> str:
    from roost.metrics.shared import prepare_dir

    return prepare_dir(os.path.join(data_dir, ".roost_temp"), os.getpid())


def check_address_free(host: str, port: int) -> None:
    """Exit 1 when something already listens on the address, as PocketBase does.

    The server's own sockets use SO_REUSEPORT, which would let a second server share the port
    with the first and split the requests between two data folders. A plain socket (with
    SO_REUSEADDR only, so connections closing from a previous run do not count) cannot bind a
    port that another socket listens on, whatever options that one has."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(addr)
        except OSError as exc:
            reason = "address already in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
            raise click.ClickException(f"cannot listen on {host_port(host, port)}: {reason}") from None


def host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def run_server(host: str, port: int, workers: int, watch_dir: str | None = None) -> bool:
    """Granian's regular server: a supervisor process and `workers` worker processes, each
    loading `roost.asgi:app` (configured through the ROOST_* environment set above).

    Granian's embedded server (the app on this process's own loop) is marked experimental by
    granian itself; the regular server is the mode granian supports for production, and stops
    gracefully on SIGINT/SIGTERM (requests in flight finish, then the lifespan shutdown closes
    storage). Its cost is the supervisor process: idle, about 9 MB more memory actually used
    (PSS 42 MB for both processes instead of 33 MB for the embedded one; the RSS sum, which
    counts shared pages twice, 76 MB instead of 44 MB); throughput is the same, as the same
    Rust server and event loop answer the requests.

    With `watch_dir`, a change to a hook file there stops the server gracefully and this returns
    True, so the caller starts a fresh process."""
    from granian import Granian
    from granian.constants import Interfaces, Loops
    from granian.log import LogLevels

    use_uvloop = sys.platform != "win32" and os.environ.get("ROOST_LOOP", "uvloop") == "uvloop"
    changed = watch_in_background(watch_dir) if watch_dir else None
    Granian(
        target="roost.asgi:app",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        loop=Loops.uvloop if use_uvloop else Loops.asyncio,
        log_level=LogLevels.warning,  # the banner says where it listens; granian reports problems
        log_access=False,  # Roost logs requests itself (roost.web.access_log)
        websockets=True,
        backlog=1024,
        backpressure=connection_limit(),
    ).serve()
    return changed is not None and changed.is_set()


def connection_limit() -> int:
    """How many connections one worker serves at once. Granian's default (its backlog, 1024)
    would park the 1025th realtime stream, and every request after it, until a stream closed.
    Like PocketBase (Go raises its own soft limit), the open-file limit is raised to the hard
    limit and nearly all of it is allowed, with room for database, log and upload files.
    ROOST_MAX_CONNECTIONS overrides it."""
    override = os.environ.get("ROOST_MAX_CONNECTIONS", "")
    if override.isdigit() and int(override) > 0:
        return int(override)
    try:
        import resource
    except ImportError:  # not on Unix
        return 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > 1_048_576:
        hard = 1_048_576
    if soft == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return max(1024, min(soft, hard) - 256)


def watch_in_background(folder: str) -> threading.Event:
    """A daemon thread that sends this process SIGTERM once a hook file in `folder` changes (the
    server then stops as on Ctrl+C); the returned event tells the caller why it stopped."""
    from roost.plugins.hooks_dir import snapshot

    changed = threading.Event()

    def poll() -> None:
        before = snapshot(folder)
        while snapshot(folder) == before:
            time.sleep(0.5)
        changed.set()
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=poll, name="roost-hooks-watch", daemon=True).start()
    return changed
