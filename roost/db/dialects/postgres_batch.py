"""The request logs on PostgreSQL: the rows of plain successful requests are built by the server
from one JSON array a batch (`RequestLogWriter.insert_requests`), as SQLite builds them
(sqlite_batch.py). One statement a batch instead of a Bind and Execute a row, and no JSON made
and parsed again in Python for every row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from roost.db.dialects.base import Dialect, PoolWriter
from roost.db.errors import UnstorableValue

# (id, level, message, data, created) from [time, method, url, status, execTime, ip, userAgent,
# referer, auth] (see base.RequestLogWriter); `?`s in order: the first id, the suffix, the batch
_REQUEST_ROWS = """SELECT lpad(to_hex(CAST(? AS bigint) + e.o - 1), 13, '0') || CAST(? AS text), 0,
 (e.v->>1) || ' ' || (e.v->>2),
 jsonb_build_object('auth', e.v->8, 'execTime', e.v->4, 'method', e.v->1, 'referer', e.v->7,
  'remoteIP', e.v->5, 'status', e.v->3, 'type', 'request', 'url', e.v->2, 'userAgent', e.v->6,
  'userIP', e.v->5),
 to_char(to_timestamp(floor((e.v->>0)::float8 * 1000) / 1000) AT TIME ZONE 'UTC',
  'YYYY-MM-DD HH24:MI:SS.MS"Z"')
FROM jsonb_array_elements(CAST(CAST(? AS text) AS jsonb)) WITH ORDINALITY AS e(v, o)"""


class PoolLogWriter(PoolWriter):
    def __init__(self, dialect: Dialect, table: str, columns: Sequence[str]) -> None:
        super().__init__(dialect, table, columns)
        names = ", ".join(dialect.quote(c) for c in columns)
        self.request_sql = f"INSERT INTO {dialect.quote(table)} ({names}) {_REQUEST_ROWS}"

    async def insert_requests(self, rows: list[tuple[Any, ...]], first_id: int, suffix: str) -> None:
        batch = orjson.dumps(rows).decode()  # TypeError for text that is not valid Unicode
        try:
            await self.dialect.execute(self.request_sql, [first_id, suffix, batch])
        except UnstorableValue as exc:  # text PostgreSQL refuses (a NUL): the general way
            raise TypeError(str(exc)) from None
