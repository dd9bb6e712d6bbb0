"""The SQL console on PostgreSQL (see roost/db/console.py).

A write runs in one transaction and answers the rows its last statement changed; a query runs
as a prepared statement read through a cursor, so no more than `max_rows` rows are fetched.
Scripts of several statements that are not writes run as they are and answer no rows."""

from __future__ import annotations

import asyncpg

from roost.db.console import ConsoleColumn, ConsoleResult, show, unique_names
from roost.db.dialects.postgres_pool import ConnectionPool
from roost.db.errors import DatabaseError


async def run(pool: ConnectionPool, sql: str, write: bool, max_rows: int, timeout: float) -> ConsoleResult:
    async with pool.acquire() as conn:
        try:
            if write:
                async with conn.transaction():
                    status = await conn.execute(sql, timeout=timeout)
                return ConsoleResult(affected_rows=_affected(status))
            return await _query(conn, sql, max_rows, timeout)
        except TimeoutError:
            raise DatabaseError(
                detail=f"the query ran longer than {timeout:g} seconds and was stopped"
            ) from None
        except (asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise DatabaseError(detail=str(exc)) from None


async def _query(conn: asyncpg.Connection, sql: str, max_rows: int, timeout: float) -> ConsoleResult:
    try:
        statement = await conn.prepare(sql, timeout=timeout)
    except asyncpg.PostgresSyntaxError as exc:
        if "multiple commands" not in str(exc):
            raise
        await conn.execute(sql, timeout=timeout)  # a script: run it, it has no single result
        return ConsoleResult()
    attributes = statement.get_attributes()
    if not attributes:
        await statement.fetch(timeout=timeout)  # VACUUM and the like cannot run in a transaction
        return ConsoleResult()
    names = unique_names([a.name for a in attributes])
    result = ConsoleResult(
        columns=[ConsoleColumn(n, a.type.name.upper()) for n, a in zip(names, attributes, strict=True)]
    )
    async with conn.transaction():  # a cursor lives in a transaction
        async for row in statement.cursor(prefetch=min(max_rows, 200), timeout=timeout):
            if len(result.rows) >= max_rows:
                break
            result.rows.append([show(v) for v in row])
    return result


def _affected(status: str) -> int:
    """asyncpg's command tag (`UPDATE 2`, `INSERT 0 3`) ends with the row count, if any."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0
