"""Request and app logs as PocketBase keeps them: the `_logs` table in a store apart from the data
(`auxiliary.db` on SQLite, a table of the database on PostgreSQL), `settings.logs`, the cleanup
job, and the queries behind `/api/logs` (filter and sort in PocketBase's language, `data.*`
paths included)."""

from __future__ import annotations

import logging
import re
import time
from typing import TYPE_CHECKING, Any

from roost.db import Database, DatabaseError
from roost.db.dialects.base import AFF_NONE, JSON, NUMBER, TEXT
from roost.errors import BadRequest, NotFound
from roost.filter import FilterError, Identifier, compile_filter, compile_sort, parse, parse_sort
from roost.filter.compiler import ANY, NF_DISABLED, Context, Operand
from roost.logs import COLUMNS, TABLE, LogStore, level_of
from roost.logs.store import format_created

if TYPE_CHECKING:
    from roost.core.app import App

CLEANUP_JOB = "__pbLogsCleanup__"  # PocketBase's id and schedule
CLEANUP_SCHEDULE = "0 */6 * * *"
_COLUMNS = (("id", TEXT), ("level", NUMBER), ("message", TEXT), ("data", JSON), ("created", TEXT))
_KEY_RE = re.compile(r"[^\w.*\-_@#]+")  # the characters a JSON path key keeps (as record filters)


# --- opening ----------------------------------------------------------------------------------
async def open_logs(app: App) -> None:
    """Open the log store of `app` and start its writer; `settings.logs` applies from now on."""
    aux = await app.db.open_auxiliary(app.data_dir)
    try:
        await _ensure_table(aux)
    except BaseException:
        if aux is not app.db:
            await aux.close()
        raise
    app.logs_db = aux
    app.log_store = LogStore(aux.dialect.batch_writer(TABLE, COLUMNS), aux.dialect.json_stored_as_text)
    app.logger.addHandler(_StoreHandler(app.log_store))
    apply_settings(app)
    app.cron.add(CLEANUP_JOB, CLEANUP_SCHEDULE, lambda: delete_old_logs(app))


async def close_logs(app: App) -> None:
    store = app.log_store
    if store is not None:
        app.log_store = None
        await store.close()
    if app.logs_db is not None and app.logs_db is not app.db:
        await app.logs_db.close()
    app.logs_db = None


async def _ensure_table(db: Database) -> None:
    d = db.dialect
    if not await d.table_exists(db, TABLE):
        try:
            async with db.transaction() as tx:
                for sql in d.create_table(TABLE, list(_COLUMNS)):
                    await tx.execute(sql)
        except DatabaseError:
            if not await d.table_exists(db, TABLE):  # else another process created it meanwhile
                raise
    # No index beside the id's: each one costs every insert a B-tree write, while the readers
    # (the superusers' log pages, the cleanup job in the writer thread) can afford a scan of a few
    # days of logs. Ids grow with time, so inserts append to the id index (see logs/store.py).


def apply_settings(app: App) -> None:
    """Point the store at the current `settings.logs`."""
    store = app.log_store
    if store is None:
        return
    cfg = app.settings.get("logs", {})
    store.enabled = cfg.get("maxDays", 0) > 0
    store.min_level = int(cfg.get("minLevel", 0))
    store.log_ip = bool(cfg.get("logIP", True))
    store.log_auth_id = bool(cfg.get("logAuthId", False))
    store.max_data_size = int(cfg.get("maxDataSize", 0))
    # `userIP` through the trusted proxy headers, read from the policy current when written
    store.user_ip = lambda headers, peer: app.policy.real_ip_of(headers, peer)
    store.proxied = lambda: bool(app.policy.proxy_headers)


async def settings_saved(app: App) -> None:
    """As PocketBase on a settings change: apply them and delete the logs they no longer keep
    (older than maxDays, or under minLevel)."""
    apply_settings(app)
    cfg = app.settings["logs"]
    await _delete(app, "created <= ? OR level < ?", (_days_ago(cfg["maxDays"]), cfg["minLevel"]))


async def _delete(app: App, where: str, params: tuple[Any, ...] = ()) -> None:
    """A delete on the store, in order with the writes (on SQLite in a worker thread: a large
    delete never holds the event loop)."""
    store = app.log_store
    if store is not None:
        sql = f"DELETE FROM {app.dialect.quote(TABLE)}" + (f" WHERE {where}" if where else "")
        await store.execute(sql, params)


def _days_ago(days: int) -> str:
    return format_created(time.time() - days * 86400)


async def delete_old_logs(app: App) -> None:
    """The cleanup job: logs older than `settings.logs.maxDays` days go."""
    await _delete(app, "created <= ?", (_days_ago(app.settings["logs"]["maxDays"]),))


async def flush(app: App) -> None:
    """Wait until every log queued so far is stored."""
    if app.log_store is not None:
        await app.log_store.flush()


# --- app.logger -------------------------------------------------------------------------------
_RECORD_FIELDS = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class _StoreHandler(logging.Handler):
    """`app.logger.info("msg", extra={"key": value})`: the extras become the log's data."""

    def __init__(self, store: LogStore) -> None:
        super().__init__()
        self.store = store

    def emit(self, record: logging.LogRecord) -> None:
        try:
            data = {k: v for k, v in record.__dict__.items() if k not in _RECORD_FIELDS}
            if record.exc_info and record.exc_info[1] is not None:
                data["error"] = f"{type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
            self.store.app_log(record.created, level_of(record.levelno), record.getMessage(), data)
        except Exception:
            self.handleError(record)


def new_logger() -> logging.Logger:
    """The app's own logger (not in logging's global registry): its records go to the log store
    and on to the `roost` console log."""
    logger = logging.Logger("roost.app", logging.DEBUG)
    logger.parent = logging.getLogger("roost")
    return logger


# --- queries ----------------------------------------------------------------------------------
class LogResolver:
    """PocketBase's filter fields for logs: id, created, level, message, data and `data.*`."""

    def __init__(self, table_sql: str) -> None:
        self.table_sql = table_sql

    def resolve(self, ident: Identifier, ctx: Context) -> Operand:
        d = ctx.dialect
        name = ident.path[0]
        if len(ident.path) == 1 and not ident.modifier:
            if name in ("id", "created", "message"):
                return Operand(f"{self.table_sql}.{d.quote(name)}", [], TEXT)
            if name == "level":
                return Operand(f"{self.table_sql}.{d.quote(name)}", [], NUMBER)
        if name == "data" and all(p and _KEY_RE.sub("", p) == p for p in ident.path[1:]):
            keys = list(ident.path[1:])
            if ident.modifier:
                if not keys:
                    raise FilterError(f"Invalid filter identifier '{ident.raw}'.")
                keys[-1] += ":" + ident.modifier  # a colon is part of the key, as PocketBase reads it
            column = f"{self.table_sql}.{d.quote('data')}"
            return Operand(d.json_value(column, keys), [], ANY, aff=AFF_NONE, shape="json", nf=NF_DISABLED)
        raise FilterError(f"Invalid filter identifier '{ident.raw}'.")


def _where(app: App, text: str) -> tuple[str, list[Any]]:
    if not text:
        return "", []
    d = app.dialect
    compiled = compile_filter(parse(text), LogResolver(d.quote(TABLE)), d)
    return " WHERE " + compiled.sql, compiled.bind(None)


def _log_json(row: Any) -> dict[str, Any]:
    data = row[3]
    if isinstance(data, (str, bytes)):
        import orjson

        data = orjson.loads(data)
    return {"id": row[0], "created": row[4], "data": data, "message": row[2], "level": int(row[1])}


def _db(app: App) -> Database:
    if app.logs_db is None:
        raise NotFound()
    return app.logs_db


async def list_logs(app: App, query: dict[str, str]) -> dict[str, Any]:
    from roost.core.records import page_params, skip_total_param

    db = _db(app)
    d = app.dialect
    page, per_page = page_params(query)
    skip_total = skip_total_param(query)
    table = d.quote(TABLE)
    try:
        where, params = _where(app, query.get("filter", ""))
        order, order_params = d.insertion_order(table), []
        if query.get("sort"):
            sort, _ = compile_sort(parse_sort(query["sort"]), LogResolver(table), d, f"{table}.{d.rowid}")
            order, order_params = " ORDER BY " + sort.sql, sort.bind(None)
        cols = ", ".join(f"{table}.{d.quote(c)}" for c in COLUMNS)
        rows = await db.fetch_scan(
            f"SELECT {cols} FROM {table}{where}{order} LIMIT ? OFFSET ?",
            [*params, *order_params, per_page, (page - 1) * per_page],
        )
        total = (
            -1
            if skip_total
            else int((await db.fetch_scan(f"SELECT COUNT(*) FROM {table}{where}", params))[0][0])
        )
    except (FilterError, DatabaseError):
        raise BadRequest() from None
    return {
        "items": [_log_json(r) for r in rows],
        "page": page,
        "perPage": per_page,
        "totalItems": total,
        "totalPages": -1 if skip_total else (total + per_page - 1) // per_page,
    }


async def view_log(app: App, log_id: str) -> dict[str, Any]:
    d = app.dialect
    cols = ", ".join(d.quote(c) for c in COLUMNS)
    row = await _db(app).fetch_one(f"SELECT {cols} FROM {d.quote(TABLE)} WHERE id = ?", (log_id,))
    if row is None:
        raise NotFound()
    return _log_json(row)


async def logs_stats(app: App, text: str) -> list[dict[str, Any]]:
    """Logs per hour, oldest first: [{date: "2026-01-02 03:00:00.000Z", total}]."""
    d = app.dialect
    try:
        where, params = _where(app, text)
    except FilterError:
        raise BadRequest("Invalid filter format.") from None
    hour = d.strftime(["'%Y-%m-%d %H:00:00'", d.quote("created")])
    try:
        rows = await _db(app).fetch_scan(
            f"SELECT COUNT(*), {hour} FROM {d.quote(TABLE)}{where} GROUP BY 2 ORDER BY 2", params
        )
    except DatabaseError:
        raise BadRequest("Failed to generate logs stats.") from None
    return [{"date": f"{r[1]}.000Z", "total": int(r[0])} for r in rows if r[1] is not None]


async def truncate_logs(app: App) -> None:
    _db(app)
    await _delete(app, "")
