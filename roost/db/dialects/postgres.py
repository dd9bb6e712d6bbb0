"""PostgreSQL through asyncpg, on a pool of our own (postgres_pool.py).

Queries outside a transaction take an idle connection, run, and give it back with no reset
(Roost uses no session state on pooled connections). asyncpg prepares each statement once per
connection and keeps it in its statement cache, keyed by the SQL text: the record SQL is built
once per collection (cached on the collection), so the cache hits on every request after the
first on each connection."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
import orjson

from roost.db.console import ConsoleResult
from roost.db.dialects import postgres_console, sqlite_values
from roost.db.dialects.base import BOOL, JSON, NUMBER, TEXT, BatchWriter, Dialect, Val
from roost.db.dialects.postgres_batch import PoolLogWriter
from roost.db.dialects.postgres_changes import RowChanges
from roost.db.dialects.postgres_pool import ConnectionPool
from roost.db.dialects.postgres_views import VIEW_FUNCTIONS, translate
from roost.db.errors import (
    DatabaseError,
    InvalidSchema,
    InvalidViewQuery,
    UniqueViolation,
    UnstorableValue,
    ViewDependency,
)

_KEY_RE = re.compile(r"Key \((.+?)\)=")


# SQLite's strftime() for filters: the same formats and the common modifiers, NULL when invalid.
# (No `?` in here: statements go through the `?` -> `$n` placeholder rendering.)
_STRFTIME_FUNCTION = r"""
CREATE OR REPLACE FUNCTION roost_strftime(fmt text, val text DEFAULT 'now', VARIADIC mods text[] DEFAULT '{}')
RETURNS text LANGUAGE plpgsql STABLE AS $fn$
DECLARE
    ts timestamp; result text := ''; piece text; i int := 1; c text; m text;
BEGIN
    IF fmt IS NULL OR val IS NULL OR val = '' THEN RETURN NULL; END IF;
    IF val = 'now' THEN
        ts := now() AT TIME ZONE 'UTC';
    ELSIF val ~ '^-{0,1}[0-9]+(\.[0-9]+){0,1}$' THEN
        IF 'unixepoch' = ANY(mods) THEN
            ts := to_timestamp(val::float8) AT TIME ZONE 'UTC';
        ELSE  -- a bare number is a Julian day number, as in SQLite
            ts := to_timestamp((val::float8 - 2440587.5) * 86400) AT TIME ZONE 'UTC';
        END IF;
    ELSE
        BEGIN
            ts := val::timestamptz AT TIME ZONE 'UTC';
        EXCEPTION WHEN others THEN
            RETURN NULL;
        END;
    END IF;
    FOREACH m IN ARRAY mods LOOP
        m := lower(trim(m));
        IF m = 'unixepoch' THEN NULL;  -- applied when reading the value
        ELSIF m = 'start of day' THEN ts := date_trunc('day', ts);
        ELSIF m = 'start of month' THEN ts := date_trunc('month', ts);
        ELSIF m = 'start of year' THEN ts := date_trunc('year', ts);
        ELSIF m ~ '^[+-]{0,1}[0-9]+(\.[0-9]+){0,1} +(second|minute|hour|day|month|year)s{0,1}$' THEN
            ts := ts + m::interval;
        ELSE RETURN NULL;
        END IF;
    END LOOP;
    WHILE i <= length(fmt) LOOP
        c := substr(fmt, i, 1);
        IF c = '%' AND i < length(fmt) THEN
            i := i + 1;
            c := substr(fmt, i, 1);
            piece := CASE c
                WHEN 'd' THEN to_char(ts, 'DD') WHEN 'f' THEN to_char(ts, 'SS.MS') WHEN 'H' THEN to_char(ts, 'HH24')
                WHEN 'j' THEN to_char(ts, 'DDD') WHEN 'm' THEN to_char(ts, 'MM') WHEN 'M' THEN to_char(ts, 'MI')
                WHEN 'S' THEN to_char(ts, 'SS') WHEN 'Y' THEN to_char(ts, 'YYYY')
                WHEN 's' THEN floor(extract(epoch FROM ts))::bigint::text
                WHEN 'w' THEN extract(dow FROM ts)::int::text
                WHEN 'J' THEN (extract(epoch FROM ts) / 86400.0 + 2440587.5)::text
                WHEN '%' THEN '%'
                ELSE NULL END;
            IF piece IS NULL THEN RETURN NULL; END IF;
            result := result || piece;
        ELSE
            result := result || c;
        END IF;
        i := i + 1;
    END LOOP;
    RETURN result;
END
$fn$
"""


# A JSON value's text as PocketBase stores it on SQLite (Go's encoding/json): object keys in byte
# order, no spaces, whole numbers without a fraction. Filters compare it as text.
_JSON_TEXT_FUNCTION = r"""
CREATE OR REPLACE FUNCTION roost_json_text(j jsonb) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $fn$
DECLARE
    t text := jsonb_typeof(j); r text; k text; v jsonb; sep text := ''; n numeric;
BEGIN
    IF j IS NULL THEN RETURN NULL; END IF;
    IF t = 'object' THEN
        r := '{';
        FOR k, v IN SELECT e.key, e.value FROM jsonb_each(j) e ORDER BY e.key COLLATE "C" LOOP
            r := r || sep || roost_json_text(to_jsonb(k)) || ':' || roost_json_text(v);
            sep := ',';
        END LOOP;
        RETURN r || '}';
    ELSIF t = 'array' THEN
        r := '[';
        FOR v IN SELECT e.value FROM jsonb_array_elements(j) WITH ORDINALITY e(value, o) ORDER BY e.o LOOP
            r := r || sep || roost_json_text(v);
            sep := ',';
        END LOOP;
        RETURN r || ']';
    ELSIF t = 'string' THEN
        RETURN replace(replace(j::text, chr(8232), '\u2028'), chr(8233), '\u2029');
    ELSIF t = 'number' THEN
        n := j::text::numeric;
        IF n = trunc(n) AND abs(n) < 1e21 THEN RETURN trunc(n)::text; END IF;
        RETURN j::text;
    END IF;
    RETURN j::text;
END
$fn$
"""


# PostgreSQL type names as SQLite would declare them (only TEXT matters: a view's id must be text)
_DECLARED = {
    "text": "TEXT",
    "varchar": "TEXT",
    "bpchar": "TEXT",
    "int2": "INTEGER",
    "int4": "INTEGER",
    "int8": "INTEGER",
    "float4": "REAL",
    "float8": "REAL",
    "numeric": "NUMERIC",
    "bool": "BOOLEAN",
    "jsonb": "JSON",
    "json": "JSON",
}


@lru_cache(maxsize=4096)
def render(sql: str) -> str:
    """`?` placeholders to `$n`, leaving any `?` inside quoted literals or identifiers alone."""
    if "?" not in sql:
        return sql
    out: list[str] = []
    n = 0
    quote = ""
    for ch in sql:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "?":
            n += 1
            out.append(f"${n}")
            continue
        out.append(ch)
    return "".join(out)


def _translate(exc: Exception) -> Exception:
    if isinstance(exc, asyncpg.UniqueViolationError):
        detail = getattr(exc, "detail", "") or ""
        m = _KEY_RE.search(detail)
        cols = tuple(c.strip().strip('"').strip("(").strip(")") for c in m.group(1).split(",")) if m else ()
        return UniqueViolation(
            getattr(exc, "table_name", "") or "",
            cols,
            detail,
            index=getattr(exc, "constraint_name", "") or "",
        )
    if isinstance(exc, asyncpg.DependentObjectsStillExistError) or (
        isinstance(exc, asyncpg.FeatureNotSupportedError) and "used by a view" in str(exc)
    ):
        detail = getattr(exc, "detail", "") or ""
        return ViewDependency(f"{exc}" + (f" ({detail})" if detail else ""))
    if isinstance(exc, (asyncpg.CharacterNotInRepertoireError, asyncpg.UntranslatableCharacterError)):
        return UnstorableValue(detail=str(exc))
    if isinstance(exc, (asyncpg.SyntaxOrAccessError, asyncpg.DataError, asyncpg.FeatureNotSupportedError)):
        return InvalidSchema(detail=str(exc))
    return DatabaseError(detail=str(exc))


async def _init_connection(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec(
        "jsonb", encoder=lambda v: orjson.dumps(v).decode(), decoder=orjson.loads, schema="pg_catalog"
    )


class _Pooled:
    """Queries outside a transaction: each on an idle pooled connection, given back after it (or
    closed if the query was interrupted, which may leave the connection mid-protocol)."""

    def __init__(self, dialect: PostgresDialect, pool: ConnectionPool) -> None:
        self.dialect = dialect
        self.pool = pool

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
        pool = self.pool
        conn = await pool.take()
        try:
            rows: list[Sequence[Any]] = await conn.fetch(render(sql), *params)
        except asyncpg.PostgresError as exc:
            pool.give(conn)
            raise _translate(exc) from None
        except BaseException:
            pool.drop(conn)
            raise
        pool.give(conn)
        return rows

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Any] | None:
        pool = self.pool
        conn = await pool.take()
        try:
            row: Sequence[Any] | None = await conn.fetchrow(render(sql), *params)
        except asyncpg.PostgresError as exc:
            pool.give(conn)
            raise _translate(exc) from None
        except BaseException:
            pool.drop(conn)
            raise
        pool.give(conn)
        return row

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self.pool.acquire() as conn:
            return await _Tx(self.dialect, conn).execute(sql, params)


# whether the server vacuums and analyzes tables by itself (autovacuum needs both settings)
AUTOVACUUM_ON_SQL = "SELECT current_setting('autovacuum') = 'on' AND current_setting('track_counts') = 'on'"


async def _autovacuum_on(conn: Any) -> bool:
    return bool(await conn.fetchval(AUTOVACUUM_ON_SQL))


class _Tx:
    """Queries on one connection (inside a transaction)."""

    def __init__(self, dialect: PostgresDialect, conn: Any) -> None:
        self.dialect = dialect
        self.conn = conn

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
        try:
            return await self.conn.fetch(render(sql), *params)
        except asyncpg.PostgresError as exc:
            raise _translate(exc) from None

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Any] | None:
        try:
            return await self.conn.fetchrow(render(sql), *params)
        except asyncpg.PostgresError as exc:
            raise _translate(exc) from None

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        try:
            status = await self.conn.execute(render(sql), *params)
        except asyncpg.PostgresError as exc:
            raise _translate(exc) from None
        tail = status.rsplit(" ", 1)[-1]
        return int(tail) if tail.isdigit() else 0

    async def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        try:
            await self.conn.executemany(render(sql), rows)
        except asyncpg.PostgresError as exc:
            raise _translate(exc) from None


class PostgresDialect(Dialect):
    name = "postgres"
    system_name = "postgresql"
    _UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def _ascii_lower(self, sql: str) -> str:
        # SQLite's LOWER() and LIKE fold ASCII letters only; PostgreSQL's would fold every script
        return f"translate({sql}, '{self._UPPER}', '{self._UPPER.lower()}')"

    def like(self, left: str, pattern: str, negate: bool) -> str:
        return f"{self._ascii_lower(left)} {'NOT ' if negate else ''}LIKE {self._ascii_lower(pattern)} ESCAPE '\\'"

    def insertion_order(self, table_sql: str) -> str:
        # PostgreSQL has no rowid order: the _rowid column keeps lists in insertion order, as SQLite
        return f" ORDER BY {table_sql}.{self.rowid}"

    def sort_term(self, sql: str, desc: bool, nullable: bool) -> str:
        if not nullable:  # plain NOT NULL columns: keep the form an index can serve
            return f"{sql} {'DESC' if desc else 'ASC'}"
        return f"{sql} {'DESC NULLS LAST' if desc else 'ASC NULLS FIRST'}"

    def bool_text(self, sql: str) -> str:
        return f"(CASE WHEN {sql} THEN '1' ELSE '0' END)"

    rowid = '"_rowid"'
    lone_writes_commit = True
    scalar_min = "LEAST"
    scalar_max = "GREATEST"
    _PARAM_TYPES = {"text": "?::text", "number": "?::float8", "bool": "?::boolean", "json": "?::text"}

    json_values_typed = False

    def text_as_bool(self, sql: str) -> str:
        return f"(LOWER({sql}) IN ('true', '1'))"

    def typed_param(self, kind: str) -> str:
        return self._PARAM_TYPES.get(kind, "?::text")

    def row_param(self, kind: str) -> str:
        return {TEXT: "?::text", NUMBER: "?::float8", BOOL: "?::boolean", JSON: "?::jsonb"}[kind]

    # PostgreSQL must know every parameter's type: the column's own (the filters already compare
    # values as SQLite's storage classes would, whatever the column's affinity)
    value_param = row_param

    def orders_kind(self, kind: str) -> bool:
        return kind not in (JSON,)

    def compare(self, left: Val, op: str, right: Val) -> tuple[str, list[Any]]:
        # typed columns: SQLite's affinity and storage-class rules are emulated
        return sqlite_values.render(left, op, right)

    def literal_sql(self, value: Any) -> tuple[str, list[Any]]:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value), []
        return ("?::float8" if isinstance(value, float) else "?::text"), [value]

    def text_of(self, value: Val) -> tuple[str, list[Any]]:
        return sqlite_values.text_of(value)

    def clamp_unit(self, sql: str) -> str:
        # LEAST/GREATEST skip NULLs, SQLite's MIN/MAX return NULL: the value is named once instead
        return (
            "(SELECT CASE WHEN __v > 1 THEN 1 WHEN __v < -1 THEN -1 ELSE __v END "
            f"FROM (SELECT ({sql})::float8 AS __v) __clamp)"
        )

    def json_sort_value(self, sql: str) -> str:
        return sqlite_values.sort_value(Val(sql, [], shape="json"))

    def json_text(self, sql: str) -> str:
        text, _ = sqlite_values.text_of(Val(sql, [], shape="json"))
        return text

    def json_value(self, column_sql: str, path: list[str], any_text: bool = False) -> str:
        # a view's json columns are jsonb here too (roost_view_json), so `any_text` changes nothing
        if not path:
            return column_sql
        return f"({column_sql} #> '{{{','.join(path)}}}')"

    def is_not_distinct(self, a: str, b: str) -> str:
        return f"{a} IS NOT DISTINCT FROM {b}"

    def is_distinct(self, a: str, b: str) -> str:
        return f"{a} IS DISTINCT FROM {b}"

    def __init__(self, pool: ConnectionPool, connect: Callable[[], Awaitable[asyncpg.Connection]]) -> None:
        self.pool = pool
        self._pooled = _Pooled(self, pool)
        self.changes = RowChanges(connect)

    @classmethod
    async def connect(cls, url: str, min_size: int = 2, max_size: int = 10) -> PostgresDialect:
        # `?search_path=name` selects a schema (each test run uses its own)
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        settings = {"search_path": query.pop("search_path")} if "search_path" in query else {}
        url = urlunsplit(parts._replace(query=urlencode(query)))

        async def connect() -> asyncpg.Connection:
            conn = await asyncpg.connect(url, server_settings=settings)
            await _init_connection(conn)
            return conn

        try:
            pool = await ConnectionPool.create(connect, min_size, max_size)
        except (OSError, asyncpg.PostgresError) as exc:
            raise DatabaseError(f"Cannot connect to PostgreSQL at {url.split('@')[-1]}: {exc}.") from None
        return cls(pool, connect)

    def watch_tables(self, tables: Iterable[str]) -> Callable[[], bytes] | None:
        self.changes.watch(tables)
        return self.changes.stamp

    # --- connections: outside a transaction each query takes a pooled connection ------------
    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
        return await self._pooled.fetch_all(sql, params)

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Any] | None:
        return await self._pooled.fetch_one(sql, params)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return await self._pooled.execute(sql, params)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_Tx]:
        async with self.pool.acquire() as conn:
            try:
                async with conn.transaction():
                    yield _Tx(self, conn)
            except asyncpg.PostgresError as exc:
                raise _translate(exc) from None

    def batch_writer(self, table: str, columns: Sequence[str]) -> BatchWriter:
        return PoolLogWriter(self, table, columns)

    async def optimize(self) -> None:
        # autovacuum keeps the tables; fresh statistics help a schema that changed at run time.
        # Where it is off, the daily job vacuums too: without it, dead rows pile up and counts read
        # every heap page instead of the visibility map (see upkeep_warnings)
        async with self.pool.acquire() as conn:
            await conn.execute("ANALYZE" if await _autovacuum_on(conn) else "VACUUM (ANALYZE)")

    async def upkeep_warnings(self) -> list[str]:
        async with self.pool.acquire() as conn:
            if await _autovacuum_on(conn):
                return []
        return [
            "PostgreSQL's autovacuum is off on this server (`autovacuum` or `track_counts` is off): "
            "without it tables keep their dead rows and stale statistics, and lists and counts slow "
            "down as records change. Turn both on in postgresql.conf and reload the server; until "
            "then Roost's upkeep job (__pbDBOptimize__) runs VACUUM (ANALYZE) once a day."
        ]

    async def run_console(self, sql: str, *, write: bool, max_rows: int, timeout: float) -> ConsoleResult:
        return await postgres_console.run(self.pool, sql, write, max_rows, timeout)

    async def close(self) -> None:
        await self.changes.close()
        await self.pool.close()

    # --- backups: a logical dump, table by table, with COPY ---------------------------------------
    @asynccontextmanager
    async def snapshot_reader(self) -> AsyncIterator[_Tx]:
        """One read-only REPEATABLE READ transaction: every table as of the same moment, while
        writers carry on (MVCC; nothing is locked beyond ACCESS SHARE)."""
        async with self.pool.acquire() as conn:
            try:
                async with conn.transaction(isolation="repeatable_read", readonly=True):
                    yield _Tx(self, conn)
            except asyncpg.PostgresError as exc:
                raise _translate(exc) from None

    async def copy_out(self, executor: Any, table: str, path: str) -> list[str]:
        """Every row of `table` into the file `path` in COPY's text format (which any PostgreSQL
        version reads back); returns the columns in the order written, `_rowid` included."""
        conn = executor.conn
        try:
            rows = await conn.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = $1 ORDER BY ordinal_position",
                table,
            )
            columns = [str(r[0]) for r in rows]
            await conn.copy_from_table(table, output=path, columns=columns, format="text")
        except asyncpg.PostgresError as exc:
            raise _translate(exc) from None
        return columns

    async def copy_in(self, executor: Any, table: str, columns: Sequence[str], path: str) -> None:
        """Load a `copy_out` file into `table` (created empty beforehand), then move the
        `_rowid` sequence past the loaded rows so new records keep the insertion order."""
        conn = executor.conn
        try:
            await conn.copy_to_table(table, source=path, columns=list(columns), format="text")
            if "_rowid" in columns:
                await conn.execute(
                    "SELECT setval(pg_get_serial_sequence($1, '_rowid'), "
                    f"COALESCE((SELECT MAX({self.rowid}) FROM {self.quote(table)}), 0) + 1, false)",
                    self.quote(table),
                )
        except asyncpg.PostgresError as exc:
            raise _translate(exc) from None

    # --- DDL -------------------------------------------------------------------------------------
    def column_type(self, kind: str) -> str:
        return {
            TEXT: "TEXT DEFAULT '' NOT NULL",
            NUMBER: "DOUBLE PRECISION DEFAULT 0 NOT NULL",
            BOOL: "BOOLEAN DEFAULT FALSE NOT NULL",
            JSON: "JSONB DEFAULT NULL",
        }[kind]

    def extra_table_columns(self) -> str:
        # PostgreSQL has no rowid; this keeps "no sort" listing in insertion order, as SQLite does.
        return ', "_rowid" BIGSERIAL'

    def after_create_table(self, table: str) -> list[str]:
        return [f'CREATE INDEX {self.quote("_rowid_" + table)} ON {self.quote(table)} ("_rowid")']

    def convert_column(self, table: str, column: str, old_kind: str, new_kind: str) -> list[str]:
        t, c = self.quote(table), self.quote(column)
        using = {
            TEXT: {NUMBER: f"{c}::text", BOOL: f"{c}::text", JSON: f"COALESCE({c}#>>'{{}}', '')"},
            NUMBER: {
                TEXT: f"CASE WHEN {c} ~ '^\\s*-{{0,1}}[0-9]+(\\.[0-9]+){{0,1}}\\s*$' THEN {c}::double precision ELSE 0 END",
                BOOL: f"CASE WHEN {c} THEN 1 ELSE 0 END",
                JSON: "0",
            },
            BOOL: {TEXT: f"{c} IN ('1','true','TRUE')", NUMBER: f"{c} <> 0", JSON: "false"},
            JSON: {TEXT: f"to_jsonb({c})", NUMBER: f"to_jsonb({c})", BOOL: f"to_jsonb({c})"},
        }[new_kind][old_kind]
        return [
            f"ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT",
            f"ALTER TABLE {t} ALTER COLUMN {c} DROP NOT NULL",
            f"ALTER TABLE {t} ALTER COLUMN {c} TYPE {self.column_type(new_kind).split(' DEFAULT')[0]} USING {using}",
            f"UPDATE {t} SET {c} = DEFAULT WHERE {c} IS NULL" if new_kind != JSON else "SELECT 1",
            f"ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {self.column_type(new_kind).split('DEFAULT ')[1].split(' NOT')[0]}",
        ] + ([f"ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL"] if new_kind != JSON else [])

    async def table_columns(self, executor: Any, table: str) -> list[str]:
        rows = await executor.fetch_all(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [r[0] for r in rows if r[0] != "_rowid"]

    async def table_exists(self, executor: Any, table: str) -> bool:
        row = await executor.fetch_one(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?",
            (table,),
        )
        return row is not None

    def index_sql(self, sql: str) -> str:
        # PocketBase writes identifiers in backticks; PostgreSQL wants double quotes.
        return sql.replace("`", '"')

    def encode_json(self, value: Any) -> Any:
        return value

    # --- query vocabulary ----------------------------------------------------------------------
    def json_extract_text(self, column_sql: str, path: list[str]) -> str:
        keys = ",".join(p for p in path)
        return f"({column_sql} #>> '{{{keys}}}')"

    def json_array_length(self, column_sql: str) -> str:
        return f"(CASE WHEN jsonb_typeof({column_sql}) = 'array' THEN jsonb_array_length({column_sql}) ELSE 0 END)"

    def json_each(self, column_sql: str, alias: str) -> str:
        return (
            f"jsonb_array_elements_text(CASE WHEN jsonb_typeof({column_sql}) = 'array' THEN {column_sql} "
            f"ELSE '[]'::jsonb END) AS {alias}(value)"
        )

    def join_each(self, column_sql: str, alias: str) -> str:
        return "LATERAL " + self.json_each(column_sql, alias)

    def cast_text(self, sql: str) -> str:
        return f"CAST({sql} AS TEXT)"

    def cast_number(self, sql: str) -> str:
        return f"CAST(NULLIF(regexp_replace(CAST({sql} AS TEXT), '[^0-9.eE+-]', '', 'g'), '') AS DOUBLE PRECISION)"

    def bool_literal_param(self, value: bool) -> Any:
        return value

    def strftime(self, args_sql: list[str]) -> str:
        return f"roost_strftime({', '.join(args_sql)})"

    def setup_statements(self) -> list[str]:
        # workers start together; concurrent CREATE OR REPLACE FUNCTION fails ("tuple concurrently
        # updated"), so the transaction first takes a lock that serialises bootstraps
        return [
            "SELECT pg_advisory_xact_lock(5402091)",
            _STRFTIME_FUNCTION,
            _JSON_TEXT_FUNCTION,
            *VIEW_FUNCTIONS,
        ]

    def lower(self, sql: str) -> str:
        return self._ascii_lower(sql)

    # --- view collections: SQLite's SELECT translated (postgres_views.py) -------------------------
    async def query_columns(
        self, executor: Any, query: str, names: dict[str, str], aliases: list[str]
    ) -> list[tuple[str, str]]:
        sql = f'SELECT * FROM ({translate(query, names, aliases)}) AS "_q" LIMIT 0'
        conn = executor.conn
        try:
            async with conn.transaction():  # a savepoint: a failure leaves the transaction usable
                # a prepared statement is one statement; nothing runs, PostgreSQL only plans it
                stmt = await conn.prepare(render(sql))
                attrs = stmt.get_attributes()
        except asyncpg.PostgresError as exc:
            raise InvalidViewQuery(f"PostgreSQL cannot run this query: {exc}") from None
        return [(a.name, _DECLARED.get(a.type.name, a.type.name.upper())) for a in attrs]

    def view_select(
        self, query: str, columns: Sequence[tuple[str, str]], names: dict[str, str], aliases: list[str]
    ) -> str:
        inner = translate(query, names, aliases)
        cols = []
        for name, kind in columns:
            ref = f'"_q".{self.quote(name)}'
            if name == "id":
                expr = f"CAST({ref} AS TEXT)"
            else:
                expr = {
                    TEXT: f"COALESCE(roost_text({ref}), '')",
                    NUMBER: f"COALESCE(roost_num({ref}), 0)",
                    BOOL: f"COALESCE(roost_num({ref}) <> 0, FALSE)",
                    JSON: f"roost_view_json({ref})",
                }[kind]
            cols.append(f"{expr} AS {self.quote(name)}")
        return f'SELECT {", ".join(cols)} FROM ({inner}) AS "_q"'

    def unsorted_view_order(self, table_sql: str) -> str:
        return ""
