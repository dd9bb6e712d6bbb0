"""The log store's writer: request and app logs reach the database in batches, off the request path.

A request only appends one tuple to a deque (a fraction of a microsecond, no lock). A background
task wakes every FLUSH_INTERVAL seconds, turns the tuples into rows (id, JSON data, timestamp)
and inserts them BATCH_ROWS at a time through the dialect's batch writer, yielding to requests
between batches. It is a task on the event loop rather than a thread on purpose: a thread doing
this Python work would take the GIL from the loop in 5 ms slices and, with SQLite, once per
inserted row; measured under load, that cost far more (throughput and p99) than the same work
done cooperatively. On SQLite the rows go to `auxiliary.db` on a connection of their own; on
PostgreSQL to the `_logs` table through the pool. The queue is bounded: past MAX_PENDING tuples
new ones are counted as dropped, never waited for. Rows follow PocketBase's `_logs` table: id,
level (slog levels: -4 debug, 0 info, 4 warn, 8 error), message, data (JSON), created."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import unquote

import orjson

from roost.db.dialects.base import BatchWriter
from roost.db.errors import UniqueViolation
from roost.errors import RoostError
from roost.security.ids import LOWER_ALNUM, random_string
from roost.security.redact import safe_query

log = logging.getLogger("roost.logs")

TABLE = "_logs"
COLUMNS = ("id", "level", "message", "data", "created")
FLUSH_INTERVAL = 0.05  # seconds: a log is stored about this long after it happened (short: queued
# requests keep their headers alive, and fewer of them survive into older GC generations)
MAX_PENDING = 100_000  # tuples waiting to be written; past this, new logs are dropped and counted
BATCH_ROWS = 200  # rows per INSERT transaction; requests are answered between batches
DEFAULT_MAX_DATA_SIZE = 16 << 10  # PocketBase: serialised data over this is truncated
MAX_MESSAGE_SIZE = 8000
LEVEL_INFO, LEVEL_ERROR = 0, 8

REQUEST, APP, FLUSH, EXECUTE, STOP = "request", "app", "flush", "execute", "stop"
_last_micros = 0
_SUFFIX = random_string(2, LOWER_ALNUM)  # this process's: no two processes share ids


def reserve_log_ids(n: int) -> int:
    """The first of `n` consecutive id numbers (microseconds, as `new_log_id`'s) for rows written
    now, taken from this process's sequence so later ids stay larger."""
    global _last_micros
    first = max(int(time.time() * 1_000_000), _last_micros + 1)
    _last_micros = first + n - 1
    return first


def new_log_id(ts: float | None = None) -> str:
    """15 characters of [a-z0-9], as PocketBase's ids: the time in microseconds as 13 hex digits,
    strictly increasing in this process (ids grow with time, so every insert lands at the end of
    the id index and writes stay cheap as the table grows), then 2 random characters (processes
    writing the same store at the same microsecond draw different ones)."""
    global _last_micros
    micros = int((time.time() if ts is None else ts) * 1_000_000)
    if micros <= _last_micros:
        micros = _last_micros + 1
    _last_micros = micros
    return f"{micros:013x}{_SUFFIX}"


_second: tuple[int, str] = (-1, "")
_milli: tuple[int, str] = (-1, "")


def format_created(ts: float) -> str:
    """PocketBase's datetime text: `2026-01-02 03:04:05.678Z` (the last second and millisecond
    formatted are kept: requests come many to a millisecond)."""
    global _second, _milli
    ms = int(ts * 1000)
    if _milli[0] == ms:
        return _milli[1]
    second = ms // 1000
    cached = _second
    if cached[0] != second:
        cached = _second = (second, time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(second)))
    text = f"{cached[1]}.{ms % 1000:03d}Z"
    _milli = (ms, text)
    return text


def level_of(levelno: int) -> int:
    """A Python logging level as a slog level: DEBUG -4, INFO 0, WARNING 4, ERROR 8, CRITICAL 12."""
    return (levelno - logging.INFO) * 4 // 10


def _cut(text: str, limit: int) -> str:
    return text[:limit] + "..." if len(text) > limit else text


def _detail_message(message: Any) -> Any:
    """A field error as PocketBase's validation errors print it: `cannot be blank`."""
    if isinstance(message, str) and message:
        return (message[0].lower() + message[1:]).rstrip(".")
    return message


def error_details(exc: BaseException | None) -> Any:
    """The `details` of a failed request: field errors as {field: message}, the text of an
    unexpected error, else null."""
    if exc is None:
        return None
    if isinstance(exc, RoostError):
        if not exc.data:
            return None
        return _details_of(exc.data)
    return f"{type(exc).__name__}: {exc}"


def _details_of(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and "code" in value and "message" in value:
            out[key] = _detail_message(value["message"])
        elif isinstance(value, dict):
            out[key] = _details_of(value)
        else:
            out[key] = value
    return out


class LogStore:
    """The queue and its writer task. The attributes below follow `settings.logs` (see
    core/logs.py): `enabled` is maxDays > 0; the others are read when a batch is written."""

    def __init__(self, writer: BatchWriter, json_as_text: bool) -> None:
        """`json_as_text`: the data column takes JSON text (else a JSON-ready value). Made on the
        event loop that runs the writer task."""
        self.enabled = True
        self.min_level = 0
        self.log_ip = True
        # (raw headers, socket peer) -> the client's IP behind trusted proxies (`userIP`); set by
        # the core from `settings.trustedProxy`, called here in the writer, never per request
        self.user_ip: Callable[[Sequence[tuple[bytes, bytes]], str], str] | None = None
        self.log_auth_id = False
        self.max_data_size = 0
        # whether `user_ip` may differ from the socket peer (trusted proxy headers are set)
        self.proxied: Callable[[], bool] = lambda: self.user_ip is not None
        self.dropped = 0  # logs not stored because the queue was full
        self.written = 0
        self.failed = 0  # logs lost to a failed insert
        self._writer = writer
        # plain successful requests become rows in the database engine, when it can (SQLite)
        self._insert_requests = getattr(writer, "insert_requests", None)
        self._json_as_text = json_as_text
        self._pending: deque[tuple[Any, ...]] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = asyncio.get_running_loop().create_task(self._run())

    # --- producers (the request path calls `request`) ------------------------------------------
    def request(self, record: tuple[Any, ...]) -> None:
        """One finished request: (REQUEST, ts, method, path, query, status, seconds, headers,
        client ip, auth (collection, record) or None, error body or None, exception or None)."""
        if len(self._pending) < MAX_PENDING:
            self._pending.append(record)
        else:
            self.dropped += 1

    def app_log(self, ts: float, level: int, message: str, data: dict[str, Any]) -> None:
        """A log from code (`app.logger`): stored if its level is at least minLevel."""
        if not self.enabled or level < self.min_level:
            return
        if len(self._pending) < MAX_PENDING:
            self._pending.append((APP, ts, level, message, data))
        else:
            self.dropped += 1

    @property
    def pending(self) -> int:
        return len(self._pending)

    async def flush(self) -> None:
        """Wait until everything queued so far is written."""
        await self._submit((FLUSH,))

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement on the store (a delete) after the logs queued before it are written."""
        return int(await self._submit((EXECUTE, sql, params)))

    async def _submit(self, item: tuple[Any, ...]) -> Any:
        if self._task is None:
            raise RuntimeError("the log store is closed")
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending.append((*item, done))
        self._wake.set()
        return await done

    async def close(self) -> None:
        """Write what is queued, then stop the writer."""
        task, self._task = self._task, None
        if task is not None:
            self._pending.append((STOP,))
            self._wake.set()
            await task

    # --- the writer task -----------------------------------------------------------------------
    async def _run(self) -> None:
        try:
            while True:
                try:
                    await asyncio.wait_for(self._wake.wait(), FLUSH_INTERVAL)
                except TimeoutError:
                    pass
                self._wake.clear()
                if await self._drain():
                    return
        finally:
            self._writer.close()

    def _plain_requests_ok(self) -> bool:
        """Whether the settings let the engine build plain requests' rows (`_plain_row`): every
        field logged as it is, nothing computed per row in Python."""
        return (
            self._insert_requests is not None
            and self.min_level <= LEVEL_INFO
            and self.log_ip
            and not self.log_auth_id
            and (not self.max_data_size or self.max_data_size >= DEFAULT_MAX_DATA_SIZE)
            and not self.proxied()
        )

    async def _drain(self) -> bool:
        """Write what is queued, BATCH_ROWS at a time; requests are answered between batches."""
        rows: list[tuple[Any, ...]] = []
        plain: list[tuple[Any, ...]] = []  # successful requests with nothing to escape or cut
        plain_ok = self._plain_requests_ok()
        stop = False
        pop = self._pending.popleft
        while True:
            try:
                item = pop()
            except IndexError:
                break
            kind = item[0]
            try:
                if kind is REQUEST:
                    # (REQUEST, ts, method, path, query, status, seconds, headers, ip, auth, body, exc)
                    uri = _plain_uri(item[3], item[4]) if plain_ok and item[10] is None else None
                    if uri is not None:  # the URL, query included, goes in as the path
                        plain.append((*item[:3], uri, b"", *item[5:]) if item[4] else item)
                    else:
                        row = self._request_row(item)
                        if row is not None:
                            rows.append(row)
                elif kind is APP:
                    rows.append(self._row(item[1], item[2], item[3], item[4]))
                elif kind is FLUSH or kind is EXECUTE:
                    if rows or plain:  # what came before is written first
                        await self._write_all(rows, plain)
                        rows, plain = [], []
                    await self._answer(item)
                elif kind is STOP:
                    stop = True
            except Exception:  # a bad record must not end the writer
                log.exception("a log could not be prepared for storage")
            if len(rows) + len(plain) >= BATCH_ROWS:
                await self._write_all(rows, plain)
                rows, plain = [], []
                await asyncio.sleep(0)
        if rows or plain:
            await self._write_all(rows, plain)
        return stop

    async def _write_all(self, rows: list[tuple[Any, ...]], plain: list[tuple[Any, ...]]) -> None:
        """The rows made in Python first, then the plain ones, whose ids are taken now: ids
        then grow in the order rows are inserted."""
        values, taken = [], []
        for item in plain:
            try:
                value = _plain_row(item)
                if value is None:  # headers long enough to need measuring
                    row = self._request_row(item)
                    if row is not None:
                        rows.append(row)
                else:
                    values.append(value)
                    taken.append(item)
            except Exception:  # a bad record must not end the writer
                log.exception("a log could not be prepared for storage")
        if rows:
            await self._write(rows)
        if values and not await self._write_plain(values):
            await self._write([r for r in map(self._request_row_or_none, taken) if r is not None])

    def _request_row_or_none(self, item: tuple[Any, ...]) -> tuple[Any, ...] | None:
        try:
            return self._request_row(item)
        except Exception:  # a bad record must not end the writer
            log.exception("a log could not be prepared for storage")
            return None

    async def _write_plain(self, values: list[tuple[Any, ...]]) -> bool:
        """Rows built by the engine; False when these values must go the general way."""
        assert self._insert_requests is not None
        for attempt in range(2):
            # another process with the same suffix may have written the same ids: once more
            # with a suffix of its own
            suffix = _SUFFIX if attempt == 0 else random_string(2, LOWER_ALNUM)
            try:
                await self._insert_requests(values, reserve_log_ids(len(values)), suffix)
                self.written += len(values)
                return True
            except UniqueViolation:
                continue
            except TypeError:  # text that is not valid Unicode
                return False
            except Exception as exc:
                self.failed += len(values)
                log.warning("%d logs could not be stored: %s", len(values), exc)
                return True
        self.failed += len(values)
        return True

    async def _answer(self, item: tuple[Any, ...]) -> None:
        done: asyncio.Future[Any] = item[-1]
        try:
            result = await self._writer.execute(item[1], item[2]) if item[0] is EXECUTE else None
        except Exception as exc:
            if not done.done():
                done.set_exception(exc)
            return
        if not done.done():
            done.set_result(result)

    async def _write(self, rows: list[tuple[Any, ...]]) -> None:
        for _ in range(2):
            try:
                await self._writer.insert(rows)
                self.written += len(rows)
                return
            except UniqueViolation:
                # a process with the same suffix wrote in the same microsecond: new ids, once more
                rows = [(new_log_id()[:13] + random_string(2, LOWER_ALNUM), *row[1:]) for row in rows]
            except Exception as exc:
                self.failed += len(rows)
                log.warning("%d logs could not be stored: %s", len(rows), exc)
                return
        self.failed += len(rows)

    def _request_row(self, item: tuple[Any, ...]) -> tuple[Any, ...] | None:
        _, ts, method, path, query, status, seconds, headers, ip, auth, body, exc = item
        level = LEVEL_ERROR if body is not None else LEVEL_INFO
        if level < self.min_level:
            return None
        uri = path + "?" + safe_query(query) if query else path
        if len(uri) > 3000:
            uri = _cut(uri, 3000)
        agent, referer = _agent_and_referer(headers)
        agent, referer = _cut(agent, 2000), _cut(referer, 2000)
        if len(method) > 50:
            method = _cut(method, 50)
        message = f"{method} {unquote(uri) if '%' in uri else uri}"
        user_ip = self.user_ip(headers, ip) if self.user_ip is not None and self.log_ip else ip
        # built in key order (as PocketBase's JSON has them), so no sorting is needed
        if body is None and self.log_ip and not (auth and self.log_auth_id):
            # the common case as one dict display (the cheapest way to build it)
            data = {
                "auth": auth[0].name if auth else "",
                "execTime": seconds * 1000.0,
                "method": method,
                "referer": referer,
                "remoteIP": ip,
                "status": status,
                "type": "request",
                "url": uri,
                "userAgent": agent,
                "userIP": user_ip,
            }
            limit = self.max_data_size or DEFAULT_MAX_DATA_SIZE
            if self._json_as_text and 6 * (len(uri) + len(agent) + len(referer)) + 500 < limit:
                # surely under the size limit (a character escapes to 6 bytes at most; the other
                # values take under 500): no need to measure
                return (new_log_id(ts), level, message, orjson.dumps(data).decode(), format_created(ts))
            return self._row(ts, level, message, data, False)
        data = {"auth": auth[0].name if auth else ""}
        if auth and self.log_auth_id:
            data["authId"] = auth[1].get("id", "")
        if body is not None:
            data["details"] = error_details(exc)
            try:
                data["error"] = orjson.loads(body).get("message", "")
            except (orjson.JSONDecodeError, AttributeError):
                data["error"] = ""
        data["execTime"] = seconds * 1000.0
        data["method"] = method
        data["referer"] = referer
        if self.log_ip:
            data["remoteIP"] = ip
        data["status"] = status
        data["type"] = "request"
        data["url"] = uri
        data["userAgent"] = agent
        if self.log_ip:
            data["userIP"] = user_ip
        return self._row(ts, level, message, data, False)

    def _row(
        self, ts: float, level: int, message: str, data: dict[str, Any], sort: bool = True
    ) -> tuple[Any, ...]:
        limit = self.max_data_size or DEFAULT_MAX_DATA_SIZE
        raw = orjson.dumps(data, option=orjson.OPT_SORT_KEYS if sort else None, default=str)
        if len(raw) > limit:
            raw = orjson.dumps(_truncate(data, limit), option=orjson.OPT_SORT_KEYS, default=str)
        # the serialised text, or the same value as plain JSON types (code may log any object)
        stored = raw.decode() if self._json_as_text else orjson.loads(raw)
        return (new_log_id(ts), level, message[:MAX_MESSAGE_SIZE], stored, format_created(ts))


def _agent_and_referer(headers: Sequence[tuple[bytes, bytes]]) -> tuple[str, str]:
    """The User-Agent and Referer of a request's raw headers ("" when absent; the last wins)."""
    agent = referer = ""
    for key, value in headers:
        if key == b"user-agent":
            agent = value.decode("latin-1")
        elif key == b"referer":
            referer = value.decode("latin-1")
    return agent, referer


def _plain_uri(path: str, query: bytes) -> str | None:
    """The URL of a request as it is logged (credentials in the query masked) when it is plain:
    nothing to unescape for the message, and short; else None."""
    uri = path + "?" + safe_query(query) if query else path
    return uri if len(uri) <= 500 and "%" not in uri else None


def _plain_row(item: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """A plain request's values for `RequestLogWriter.insert_requests`; None when its headers are
    long enough that its data could pass the size limit (the general path measures and cuts).
    With the URL's 500 characters, at most 2,500 characters that escape to 6 bytes at worst
    plus under 500 bytes of the rest stay under DEFAULT_MAX_DATA_SIZE."""
    _, ts, method, path, _, status, seconds, headers, ip, auth, _, _ = item
    agent, referer = _agent_and_referer(headers)
    if len(agent) + len(referer) > 2000 or len(method) > 50:
        return None
    return (ts, method, path, status, seconds * 1000.0, ip, agent, referer, auth[0].name if auth else "")


def _truncate(data: dict[str, Any], limit: int) -> dict[str, Any]:
    """The data cut to fit `limit` bytes: whole keys in order while they fit, then PocketBase's
    `__pb_truncated__` marker."""
    out: dict[str, Any] = {"__pb_truncated__": True}
    size = len(b'{"__pb_truncated__":true}')
    for key, value in sorted(data.items()):
        part = len(orjson.dumps({key: value}, default=str)) - 1
        if size + part > limit:
            continue
        out[key] = value
        size += part
    return out
