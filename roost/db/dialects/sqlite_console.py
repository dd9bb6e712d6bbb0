"""The SQL console on SQLite (see roost/db/console.py).

A write runs on the app's writer inside its lock and one transaction; anything else runs on a
connection of its own, opened for the query and closed after it, so a stray `BEGIN` or
`PRAGMA` there never leaks into the connections that serve requests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import apsw

from roost.db.console import ConsoleColumn, ConsoleResult, show, unique_names
from roost.db.errors import DatabaseError

if TYPE_CHECKING:
    from roost.db.dialects.sqlite import SQLiteDialect


def _interrupt_after(conn: apsw.Connection, seconds: float) -> threading.Timer:
    # the writer runs on the event loop's thread, so the stop must come from another thread
    timer = threading.Timer(seconds, conn.interrupt)
    timer.daemon = True
    timer.start()
    return timer


def _guarded(conn: apsw.Connection, timeout: float, run: Callable[[], ConsoleResult]) -> ConsoleResult:
    timer = _interrupt_after(conn, timeout)
    try:
        return run()
    except apsw.InterruptError:
        raise DatabaseError(detail=f"the query ran longer than {timeout:g} seconds and was stopped") from None
    except apsw.Error as exc:
        raise DatabaseError(detail=str(exc)) from None
    finally:
        timer.cancel()


async def run_write(dialect: SQLiteDialect, sql: str, timeout: float) -> ConsoleResult:
    async with dialect.solo_transaction() as conn:

        def run() -> ConsoleResult:
            before = conn.total_changes()
            for _ in conn.execute(sql):  # RETURNING rows are read so every statement finishes
                pass
            return ConsoleResult(affected_rows=conn.total_changes() - before)

        return _guarded(conn, timeout, run)


def run_query(
    path: str, connect: Callable[[str], apsw.Connection], sql: str, max_rows: int, timeout: float
) -> ConsoleResult:
    """Rows of the script's last statement that has result columns, at most `max_rows`."""
    conn = connect(path)
    try:

        def run() -> ConsoleResult:
            result = ConsoleResult()

            def on_statement(cursor: apsw.Cursor, statement: str, bindings: Any) -> bool:
                description = cursor.get_description()
                if description:  # a later statement's rows replace an earlier one's
                    result.columns, result.rows = _columns(description), []
                return True

            cursor = conn.cursor()
            cursor.exec_trace = on_statement
            try:
                for row in cursor.execute(sql):
                    if len(result.rows) >= max_rows:
                        break
                    result.rows.append([show(v) for v in row])
            finally:
                cursor.close(force=True)
            return result

        return _guarded(conn, timeout, run)
    finally:
        conn.close()


def _columns(description: Any) -> list[ConsoleColumn]:
    names = unique_names([str(d[0]) for d in description])
    return [ConsoleColumn(name, str(d[1] or "")) for name, d in zip(names, description, strict=True)]
