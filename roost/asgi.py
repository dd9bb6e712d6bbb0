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
import os
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
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    if self.app is not None:
                        await self.app.close()
                    if self.log_writer is not None:
                        self.log_writer.close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        handler = self.handler or await self._ensure()
        await handler(scope, receive, send)


app = LazyApp(
    os.environ.get("ROOST_DIR", "roost_data"),
    os.environ.get("ROOST_DB") or None,
    os.environ.get("ROOST_REDIS") or None,
    os.environ.get("ROOST_HOOKS_DIR") or None,
    os.environ.get("ROOST_AUTOMIGRATE_DIR") or None,
    os.environ.get("ROOST_LOG_FORMAT") or "text",
    os.environ.get("ROOST_QUIET", "") not in ("", "0", "false"),
)
