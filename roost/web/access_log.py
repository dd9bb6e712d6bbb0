"""Request and error logs: one line per request, as text or JSON lines, written off the event loop.

The request path only puts a tuple on a queue (well under a microsecond); a background thread
formats the lines and writes them in batches, so a slow terminal or pipe never stalls requests.
Query values that carry credentials (`?token=` and the like) are masked and headers are never
logged, so no token or password reaches the log.

JSON lines have stable keys: `time`, `level`, `msg`, then for requests `request_id`, `method`,
`url`, `status`, `duration_ms`, `remote_ip`, and for errors `logger`, `request_id` (when known)
and `error` (the traceback)."""

from __future__ import annotations

import contextvars
import itertools
import logging
import os
import queue
import sys
import threading
import time
from typing import Any, TextIO

import orjson

from roost.security.redact import SECRET_QUERY_KEYS, safe_query

FORMATS = ("text", "json")
__all__ = ["SECRET_QUERY_KEYS", "AccessLog", "LogWriter", "safe_query", "setup_logging"]

MAX_PENDING = 100_000  # lines kept while the output is blocked; later ones are counted and dropped
# the id of the request being answered: log records emitted while answering it carry it
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("roost_request_id", default=None)
BATCH_DELAY = 0.02  # seconds; a line reaches the output at most this much later
_STOP = object()


_REQUEST_IDS = itertools.count(1)
_PROCESS_TAG = os.urandom(4).hex()


def _new_process_tag() -> None:
    global _PROCESS_TAG
    _PROCESS_TAG = os.urandom(4).hex()


os.register_at_fork(after_in_child=_new_process_tag)  # forked workers must not share ids


def new_request_id() -> str:
    """16 hex characters, unique across processes: a random tag per process, then a counter
    (no system call per request, unlike `os.urandom`). Not a secret: it only names a request."""
    return f"{_PROCESS_TAG}{next(_REQUEST_IDS) & 0xFFFFFFFF:08x}"


_second: tuple[int, str] = (-1, "")  # the last second formatted, replaced as a whole


def _iso(ts: float) -> str:
    global _second
    second = int(ts)
    cached = _second
    if cached[0] != second:
        cached = _second = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
    return f"{cached[1]}.{int((ts - second) * 1000):03d}Z"


class LogWriter:
    """A queue drained by one daemon thread that writes whole lines to `stream`."""

    def __init__(self, stream: TextIO | None = None, fmt: str = "text") -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown log format {fmt!r}")
        self.stream = stream or sys.stdout
        self.json = fmt == "json"
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._dropped = 0
        self._thread = threading.Thread(target=self._run, name="roost-log", daemon=True)
        self._thread.start()

    def put(self, item: Any) -> None:
        if self._queue.qsize() < MAX_PENDING:
            self._queue.put(item)
        else:
            self._dropped += 1

    def close(self, timeout: float = 5.0) -> None:
        """Detach from the `roost` logger, write what is queued, then stop the thread."""
        logger = logging.getLogger("roost")
        for handler in [h for h in logger.handlers if getattr(h, "writer", None) is self]:
            logger.removeHandler(handler)
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            # let lines gather: one write and one wake-up per batch instead of per request
            time.sleep(BATCH_DELAY)
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            lines = []
            stop = False
            for item in batch:
                if item is _STOP:
                    stop = True
                else:
                    try:
                        lines.append(self._format(item))
                    except Exception as exc:  # a bad record must not end the logging thread
                        lines.append(f"unloggable record {type(exc).__name__}\n")
            if self._dropped:
                lines.append(self._format(("log", time.time(), "WARNING", "roost", None, self._lost(), "")))
            try:
                self.stream.write("".join(lines))
                self.stream.flush()
            except (OSError, ValueError):
                pass  # the output went away (closed pipe); keep draining so nothing blocks
            if stop:
                return

    def _lost(self) -> str:
        dropped, self._dropped = self._dropped, 0
        return f"{dropped} log lines dropped: the log output is not keeping up"

    def _format(self, item: tuple[Any, ...]) -> str:
        if item[0] == "req":
            _, ts, rid, method, path, query, status, seconds, ip = item
            url = path + "?" + safe_query(query) if query else path
            if self.json:
                ms = round(seconds * 1000, 2)
                return (
                    orjson.dumps(
                        {
                            "time": _iso(ts),
                            "level": "INFO",
                            "msg": "request",
                            "request_id": rid,
                            "method": method,
                            "url": url,
                            "status": status,
                            "duration_ms": ms,
                            "remote_ip": ip,
                        }
                    ).decode()
                    + "\n"
                )
            # no round(): it costs a float-to-text-and-back per request
            return (
                f"{_iso(ts)} INFO {method} {url} {status} {seconds * 1000:.2f}ms ip={ip} request_id={rid}\n"
            )
        _, ts, level, name, rid, message, error = item
        if self.json:
            entry: dict[str, Any] = {"time": _iso(ts), "level": level, "msg": message, "logger": name}
            if rid:
                entry["request_id"] = rid
            if error:
                entry["error"] = error
            return orjson.dumps(entry).decode() + "\n"
        line = f"{_iso(ts)} {level} {message}" + (f" request_id={rid}" if rid else "")
        return line + "\n" + (error + "\n" if error else "")


class AccessLog:
    """One line per finished request."""

    __slots__ = ("writer",)

    def __init__(self, writer: LogWriter) -> None:
        self.writer = writer

    def request(
        self, scope: dict[str, Any], request_id: str, status: int, seconds: float, ts: float = 0.0
    ) -> None:
        client = scope.get("client")
        self.writer.put(
            (
                "req",
                ts or time.time(),
                request_id,
                scope.get("method", "WS"),  # a WebSocket scope has no method
                scope["path"],
                scope.get("query_string", b""),
                status,
                seconds,
                client[0] if client else "",
            )
        )


class WriterHandler(logging.Handler):
    """Sends log records (errors, warnings) through the same writer as the request lines.
    A record gets the id of the request being answered when it was emitted (or the one given
    with `log.exception(..., extra={"request_id": ...})`)."""

    def __init__(self, writer: LogWriter) -> None:
        super().__init__()
        self.writer = writer
        self._tb = logging.Formatter()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            error = self._tb.formatException(record.exc_info) if record.exc_info else ""
            self.writer.put(
                (
                    "log",
                    record.created,
                    record.levelname,
                    record.name,
                    getattr(record, "request_id", None) or request_id_var.get(),
                    record.getMessage(),
                    error,
                )
            )
        except Exception:
            self.handleError(record)


def setup_logging(
    fmt: str = "text", quiet: bool = False, stream: TextIO | None = None
) -> tuple[LogWriter, AccessLog | None]:
    """Route the `roost` loggers through one writer; the access log is None when quiet."""
    writer = LogWriter(stream, fmt)
    logger = logging.getLogger("roost")
    for old in [h for h in logger.handlers if isinstance(h, WriterHandler)]:
        logger.removeHandler(old)
    logger.addHandler(WriterHandler(writer))
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False
    return writer, (None if quiet else AccessLog(writer))
