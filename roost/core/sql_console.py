"""`POST /api/sql`: a superuser's SQL run as PocketBase 0.39+ runs it.

Queries that start with INSERT, UPDATE, DELETE, REPLACE, CREATE, DROP or ALTER (after any
comments) run in one transaction and answer `affectedRows`; anything else answers its rows,
at most 1000, every cell as text. A query stops after 3 minutes. Every query is logged with
who ran it, not with its rows."""

from __future__ import annotations

import logging
from time import perf_counter
from typing import Any

from roost.core.app import App
from roost.db.console import MAX_ROWS, TIMEOUT_SECONDS, is_write
from roost.db.errors import DatabaseError
from roost.errors import BadRequest, ValidationError, field_error

MAX_QUERY_LENGTH = 5000
log = logging.getLogger("roost.sql")


async def run_sql(app: App, body: Any, superuser_id: str) -> dict[str, Any]:
    """The answer to one console request; bad input and failing SQL are 400s."""
    query = body.get("query") if isinstance(body, dict) else None
    if query is not None and not isinstance(query, str):
        raise BadRequest("An error occurred while loading the submitted data.")
    if not query:
        raise ValidationError({"query": field_error("validation_required", "Cannot be blank.")})
    if len(query) > MAX_QUERY_LENGTH:
        raise ValidationError(
            {
                "query": field_error(
                    "validation_length_too_long",
                    f"The length must be no more than {MAX_QUERY_LENGTH}.",
                    max=MAX_QUERY_LENGTH,
                    min=0,
                )
            }
        )
    write = is_write(query)
    started = perf_counter()
    try:
        result = await app.dialect.run_console(query, write=write, max_rows=MAX_ROWS, timeout=TIMEOUT_SECONDS)
    except DatabaseError as exc:
        log.info("sql console query failed (superuser %s, %d characters)", superuser_id, len(query))
        raise BadRequest(f"Failed to execute query. Raw error:\n{exc.detail.rstrip('.')}.") from None
    ms = int((perf_counter() - started) * 1000)
    log.info(
        "sql console query by superuser %s: %s, %d ms, %d rows",
        superuser_id,
        "write" if write else "read",
        ms,
        result.affected_rows if write else len(result.rows),
    )
    return {
        "execTime": ms,
        "affectedRows": result.affected_rows,
        "columns": [c.to_json() for c in result.columns],
        "rows": result.rows,
    }
