"""The ASGI entry point the server loads in each worker process.

Configuration comes from the environment (set by `roost serve`), so every worker builds the
same app: ROOST_DIR (data folder), ROOST_DB (database URL, empty for SQLite), ROOST_REDIS
(Redis URL: realtime events and schema changes then travel between processes), ROOST_HOOKS_DIR
(hook files, loaded once per worker; see roost/boot.py), ROOST_AUTOMIGRATE_DIR (where automigrate
writes a migration per collection change; empty turns it off), ROOST_LOG_FORMAT (`text` or
`json` request and error lines on stdout), ROOST_QUIET (`1`: no request lines), ROOST_METRICS_SECRET (a bearer secret that may read
/api/metrics), ROOST_METRICS_DIR (the folder the workers share their metrics in)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from typing import Any

from roost.boot import start
from roost.core.app import App
from roost.web.access_log import LogWriter, setup_logging
from roost.web.collector import tune_for_serving


class LazyApp:
    """Opens storage on lifespan startup (or the first request) and closes it on shutdown."""

    def __init__(
        self,
        data_dir: str,
        db_url: str | None,
        redis_url: str | None = None,
        hooks_dir: str | None = None,
        automigrate_dir: str | None = None,
        log_format: str | None = None,
        quiet: bool = False,
    ) -> None:
        """`log_format` (`text`/`json`) turns on request and error logs; `quiet` keeps only errors."""
        self.data_dir = data_dir
        self.db_url = db_url
        self.redis_url = redis_url
        self.hooks_dir = hooks_dir
        self.automigrate_dir = automigrate_dir
        self.log_format = log_format
        self.quiet = quiet
        self.log_writer: LogWriter | None = None
        self.app: App | None = None
        self.handler: Any = None
        self._lock = asyncio.Lock()
        self._restore_signals: Callable[[], None] = lambda: None

    async def _ensure(self) -> Any:
        if self.handler is None:
            async with self._lock:
                if self.handler is None:
                    access_log = None
                    if self.log_format:
                        self.log_writer, access_log = setup_logging(self.log_format, self.quiet)
                    self.app, self.handler = await start(
                        self.data_dir,
                        self.db_url,
                        self.redis_url,
                        self.hooks_dir,
                        self.automigrate_dir,
                        access_log,
                        os.environ.get("ROOST_METRICS_SECRET", ""),
                        os.environ.get("ROOST_METRICS_DIR", ""),
                    )
        return self.handler

    def stopping(self) -> None:
        """The server was told to stop: end the realtime connections, which would otherwise
        hold it open (see Hub.disconnect_all)."""
        if self.app is not None and self.app.realtime is not None:
            self.app.realtime.disconnect_all()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    try:
                        await self._ensure()
                    except Exception as exc:  # report why the server cannot start
                        await send({"type": "lifespan.startup.failed", "message": str(exc)})
                        return
                    tune_for_serving()
                    self._restore_signals = _end_streams_on_signal(self)
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    self._restore_signals()
                    if self.app is not None:
                        await self.app.close()
                    if self.log_writer is not None:
                        self.log_writer.close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        handler = self.handler or await self._ensure()
        await handler(scope, receive, send)


def _end_streams_on_signal(lazy: LazyApp) -> Callable[[], None]:
    """End the realtime connections as soon as SIGTERM or SIGINT arrives, as PocketBase does;
    gives back what puts the handlers before it back. Granian's worker stays in charge of
    stopping: its handler runs from the event loop's wake-up descriptor, which the signal
    reaches whatever Python-level handler is set, so this one only adds to it. Without it, a
    stopping server would wait for every subscriber to hang up first."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    loop = asyncio.get_running_loop()
    before: dict[int, Any] = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}

    def on_signal(num: int, frame: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed already
            loop.call_soon_threadsafe(lazy.stopping)
        handler = before[num]
        if callable(handler):
            handler(num, frame)

    for signum in before:
        signal.signal(signum, on_signal)

    def restore() -> None:
        for signum, handler in before.items():
            if signal.getsignal(signum) is on_signal:
                signal.signal(signum, handler)

    return restore


app = LazyApp(
    os.environ.get("ROOST_DIR", "roost_data"),
    os.environ.get("ROOST_DB") or None,
    os.environ.get("ROOST_REDIS") or None,
    os.environ.get("ROOST_HOOKS_DIR") or None,
    os.environ.get("ROOST_AUTOMIGRATE_DIR") or None,
    os.environ.get("ROOST_LOG_FORMAT") or "text",
    os.environ.get("ROOST_QUIET", "") not in ("", "0", "false"),
)
