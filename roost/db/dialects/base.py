"""The Dialect: connections, driver error mapping and the SQL vocabulary that differs per engine."""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from roost.db.console import ConsoleResult

# Storage kinds of record columns; core/fields maps each field type to one of these.
TEXT, NUMBER, BOOL, JSON = "text", "number", "bool", "json"

# SQLite type affinities of filter operands (https://sqlite.org/datatype3.html#affinity):
# columns have their declared type's, other expressions (functions, CASE, literals) have none.
AFF_TEXT, AFF_NUMERIC, AFF_NONE = "text", "numeric", "none"
# How a value is held by the engine, for engines that must emulate SQLite's comparisons:
# "text", "num" (a number), "bool", "jsonraw" (a JSON column read as its text), "json" (a JSON value
# whose SQLite storage class depends on its JSON type, as JSON_EXTRACT returns it).
NO_CONST = object()


@dataclass(slots=True)
class Val:
    """One side of a comparison: its SQL, SQLite affinity, engine shape and, for literals, its value."""

    sql: str
    params: list[Any] = field(default_factory=list)
    aff: str = AFF_NONE
    shape: str = "text"
    const: Any = NO_CONST  # the value of a literal (str, float, int) known at compile time
    coalesce: bool = False  # COALESCE(sql, ''): NULL reads as '' and the affinity is lost


class BatchWriter(Protocol):
    """Appends rows to one table for a single background task: `insert(rows)` in one transaction,
    `execute` for other statements on that table (deletes), `close()` when done."""

    async def insert(self, rows: list[tuple[Any, ...]]) -> None: ...
    async def execute(self, sql: str, params: Sequence[Any]) -> int: ...
    def close(self) -> None: ...


class RequestLogWriter(BatchWriter, Protocol):
    """A BatchWriter of PocketBase's `_logs` table that builds the rows of plain successful
    requests itself, in the database engine, from a few values each (the log store's hot path):

    `rows`: (unix time, method, url, status, execTime in ms, ip, user agent, referer, auth
    collection name or ""); the row written for the i-th is id = `first_id + i` as 13 hex digits
    then `suffix`, level 0, message "METHOD url", data {auth, execTime, method, referer, remoteIP
    = ip, status, type "request", url, userAgent, userIP = ip} in that key order, and created as
    PocketBase's datetime text of the time, to the millisecond. Raises TypeError for a value
    that cannot be sent as it is (text that is not valid Unicode)."""

    async def insert_requests(self, rows: list[tuple[Any, ...]], first_id: int, suffix: str) -> None: ...


def insert_sql(dialect: Dialect, table: str, columns: Sequence[str]) -> str:
    cols = ", ".join(dialect.quote(c) for c in columns)
    return f"INSERT INTO {dialect.quote(table)} ({cols}) VALUES ({', '.join('?' for _ in columns)})"


class Dialect(abc.ABC):
    name: str
    system_name: str  # OpenTelemetry's db.system.name, for metrics
    # A lone write statement outside a transaction commits by itself, atomically, and costs less
    # that way than inside BEGIN ... COMMIT (a client-server engine: two round trips fewer).
    lone_writes_commit = False

    # --- connections -------------------------------------------------------------------
    @abc.abstractmethod
    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]: ...

    @abc.abstractmethod
    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Any] | None: ...

    @abc.abstractmethod
    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...

    async def fetch_scan(self, sql: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
        return await self.fetch_all(sql, params)

    @abc.abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Any]: ...

    @abc.abstractmethod
    async def close(self) -> None: ...

    def hint_concurrency(self, others_active: Callable[[], bool]) -> None:  # noqa: B027 optional
        """`others_active()` tells whether other work that may write is under way (the app: other
        requests in flight); an engine that batches commits waits for company only then."""

    def watch_tables(self, tables: Iterable[str]) -> Callable[[], bytes] | None:
        """A function whose value changes after any commit, by any process or instance on this
        database, that updated or deleted rows of `tables` (replacing the set watched before);
        None when this engine cannot tell, and rows of those tables must be read every time."""
        return None

    # --- backups ---------------------------------------------------------------------------
    # The name of this engine's whole-file snapshot format, or None when backups are a logical
    # dump written table by table (`snapshot_reader` + `copy_out`, restored with `copy_in`).
    snapshot_format: str | None = None

    async def snapshot_to(self, folder: str) -> list[str]:
        """Write a consistent copy of the whole database into `folder`; the file names written."""
        raise NotImplementedError

    async def replace_with(self, folder: str, old_folder: str) -> None:
        """Swap the database for the snapshot in `folder` (the current files go to `old_folder`)."""
        raise NotImplementedError

    def snapshot_reader(self) -> AbstractAsyncContextManager[Any]:
        """A read-only executor on one consistent view of every table."""
        return self.transaction()

    async def copy_out(self, executor: Any, table: str, path: str) -> list[str]:
        """Write every row of `table` to `path`; the columns, in the order written."""
        raise NotImplementedError

    async def copy_in(self, executor: Any, table: str, columns: Sequence[str], path: str) -> None:
        """Load a `copy_out` file into the empty `table`."""
        raise NotImplementedError

    async def open_auxiliary(self, data_dir: str) -> Dialect:
        """Where data kept apart from the records lives (request logs): a database of its own
        when the engine keeps one per file, else this one (its tables then sit beside the data)."""
        return self

    def batch_writer(self, table: str, columns: Sequence[str]) -> BatchWriter:
        """A writer that appends batches of rows to `table` (the request logs)."""
        return PoolWriter(self, table, columns)

    @abc.abstractmethod
    async def optimize(self) -> None:
        """Daily upkeep (the `__pbDBOptimize__` job): fold the write-ahead log back into the
        database file and refresh the query planner's statistics."""

    async def upkeep_warnings(self) -> list[str]:
        """What the operator should change in the database server's own upkeep, one sentence each
        saying what to do; empty when nothing needs it (always, for an embedded file)."""
        return []

    @abc.abstractmethod
    async def run_console(self, sql: str, *, write: bool, max_rows: int, timeout: float) -> ConsoleResult:
        """Run a superuser's SQL (roost/db/console.py): a write in one transaction, answered
        with the rows it changed; anything else answered with its rows, at most `max_rows`.
        Any failure is a DatabaseError carrying the engine's own message."""

    # --- identifiers and DDL -------------------------------------------------------------
    @staticmethod
    def quote(ident: str) -> str:
        """Identifiers come from the schema (validated as ^\\w+$); quoting is belt and braces."""
        return '"' + ident.replace('"', '""') + '"'

    @abc.abstractmethod
    def column_type(self, kind: str) -> str:
        """Column type and default for a storage kind, e.g. `TEXT DEFAULT '' NOT NULL`."""

    def create_table(self, table: str, columns: list[tuple[str, str]]) -> list[str]:
        cols = ", ".join(f"{self.quote(n)} {self.column_type(k)}" for n, k in columns if n != "id")
        sql = f"CREATE TABLE {self.quote(table)} ({self.quote('id')} TEXT PRIMARY KEY NOT NULL"
        return [
            sql + (", " + cols if cols else "") + self.extra_table_columns() + ")"
        ] + self.after_create_table(table)

    def extra_table_columns(self) -> str:
        return ""

    def after_create_table(self, table: str) -> list[str]:
        return []

    def add_column(self, table: str, column: str, kind: str) -> str:
        return f"ALTER TABLE {self.quote(table)} ADD COLUMN {self.quote(column)} {self.column_type(kind)}"

    def rename_column(self, table: str, old: str, new: str) -> str:
        return f"ALTER TABLE {self.quote(table)} RENAME COLUMN {self.quote(old)} TO {self.quote(new)}"

    def drop_column(self, table: str, column: str) -> str:
        return f"ALTER TABLE {self.quote(table)} DROP COLUMN {self.quote(column)}"

    def rename_table(self, old: str, new: str) -> str:
        return f"ALTER TABLE {self.quote(old)} RENAME TO {self.quote(new)}"

    def drop_table(self, table: str) -> str:
        return f"DROP TABLE IF EXISTS {self.quote(table)}"

    @abc.abstractmethod
    def convert_column(self, table: str, column: str, old_kind: str, new_kind: str) -> list[str]:
        """Statements that change a column's storage kind in place, keeping convertible data."""

    @abc.abstractmethod
    async def table_columns(self, executor: Any, table: str) -> list[str]: ...

    @abc.abstractmethod
    async def table_exists(self, executor: Any, table: str) -> bool: ...

    @abc.abstractmethod
    def index_sql(self, sql: str) -> str:
        """An index definition as users write it (PocketBase style, backticks) for this engine."""

    def drop_index(self, name: str) -> str:
        return f"DROP INDEX IF EXISTS {self.quote(name)}"

    # --- values ------------------------------------------------------------------------------
    @abc.abstractmethod
    def encode_json(self, value: Any) -> Any:
        """A Python value as the driver wants it for a JSON column."""

    # --- query vocabulary --------------------------------------------------------------------
    def like(self, left: str, pattern: str, negate: bool) -> str:
        """`left LIKE pattern`, case-insensitive for ASCII letters only (SQLite's LIKE)."""
        return f"{left} {'NOT ' if negate else ''}LIKE {pattern} ESCAPE '\\'"

    def insertion_order(self, table_sql: str) -> str:
        """The ORDER BY of a list without `sort`: none, which is rowid order on SQLite."""
        return ""

    def sort_term(self, sql: str, desc: bool, nullable: bool) -> str:
        """An ORDER BY term; NULLs sort first ascending (SQLite's order)."""
        return f"{sql} {'DESC' if desc else 'ASC'}"

    def bool_text(self, sql: str) -> str:
        """A bool column as text: '1' or '0', as SQLite stores it."""
        return self.cast_text(sql)

    @abc.abstractmethod
    def json_extract_text(self, column_sql: str, path: list[str]) -> str: ...

    @abc.abstractmethod
    def json_array_length(self, column_sql: str) -> str: ...

    @abc.abstractmethod
    def json_each(self, column_sql: str, alias: str) -> str:
        """A FROM item yielding one row per array element, its text in `alias.value`."""

    def join_each(self, column_sql: str, alias: str) -> str:
        """`json_each` as the right side of a JOIN that reads columns of the rows to its left."""
        return self.json_each(column_sql, alias)

    @abc.abstractmethod
    def cast_text(self, sql: str) -> str: ...

    @abc.abstractmethod
    def cast_number(self, sql: str) -> str: ...

    @abc.abstractmethod
    def bool_literal_param(self, value: bool) -> Any: ...

    rowid = '"_rowid_"'
    scalar_min = "MIN"  # the two-argument scalar forms
    scalar_max = "MAX"

    json_values_typed = True  # whether JSON path extraction yields numbers/bools (not only text)
    # whether a JSON column holds the JSON as text, so Roost writes PocketBase's own text (sorted keys,
    # whole numbers without a fraction) that filters compare against; else the engine's JSON type
    json_stored_as_text = False

    def text_as_bool(self, sql: str) -> str:
        return sql

    def typed_param(self, kind: str) -> str:
        """A placeholder for a value of `kind` where the engine cannot infer its type."""
        return "?"

    def row_param(self, kind: str) -> str:
        """A placeholder typed like a stored column of `kind` (see `literal_row`)."""
        return "?"

    def value_param(self, kind: str) -> str:
        """A placeholder for a value bound as it is, typed only where the engine must know
        its type (a value of `kind` selected into an INSERT)."""
        return "?"

    def literal_row(self, table: str, columns: Sequence[tuple[str, str]], typed: bool = True) -> str:
        """A FROM item named `table` holding one row of bound values, one `?` per (name, kind)
        in order. `typed`: compared as the table's columns would be, so rules can be checked
        against a record that is no longer stored (realtime delete events on other instances);
        else as the bound values themselves (PocketBase's create rule check, whose row is a
        common table expression of bound values: SQLite gives it no column affinity)."""
        param = self.row_param if typed else self.value_param
        cols = ", ".join(f"{param(kind)} AS {self.quote(name)}" for name, kind in columns)
        return f"(SELECT {cols}) AS {self.quote(table)}"

    def orders_kind(self, kind: str) -> bool:
        """Whether `<`/`>` work on values of this kind directly (else they compare as text)."""
        return True

    def is_not_distinct(self, a: str, b: str) -> str:
        return f"{a} IS {b}"

    def is_distinct(self, a: str, b: str) -> str:
        return f"{a} IS NOT {b}"

    random = "RANDOM()"

    def compare(self, left: Val, op: str, right: Val) -> tuple[str, list[Any]]:
        """`left op right` with SQLite's comparison rules (affinity, storage classes, NULL);
        `op` is one of = <> < <= > >= IS, IS NOT. SQLite itself needs nothing more."""
        lsql = f"COALESCE({left.sql}, '')" if left.coalesce else left.sql
        rsql = f"COALESCE({right.sql}, '')" if right.coalesce else right.sql
        return f"{lsql} {op} {rsql}", left.params + right.params

    def text_of(self, value: Val) -> tuple[str, list[Any]]:
        """A value as the text SQLite reads where it wants text (LIKE, ||)."""
        sql = f"COALESCE({value.sql}, '')" if value.coalesce else value.sql
        return sql, list(value.params)

    def json_value(self, column_sql: str, path: list[str], any_text: bool = False) -> str:
        """A JSON column's value at `path` ([] for the whole value) as JSON_EXTRACT returns it.
        `any_text`: the column may hold text that is not JSON (a view's column), read as PocketBase
        reads it there: as a JSON string."""
        tail = "".join(f"[{p}]" if p.isdigit() else f'."{p}"' for p in path)
        if not any_text:
            return f"JSON_EXTRACT({column_sql}, '${tail}')"
        return (
            f"(CASE WHEN json_valid({column_sql}) THEN JSON_EXTRACT({column_sql}, '${tail}') "
            f"ELSE JSON_EXTRACT(json_object('pb', {column_sql}), '$.pb{tail}') END)"
        )

    def clamp_unit(self, sql: str) -> str:
        """`sql` limited to [-1, 1] (rounding can leave a cosine just outside), NULL staying NULL."""
        return f"{self.scalar_min}(1, {self.scalar_max}(-1, {sql}))"

    def json_sort_value(self, sql: str) -> str:
        """A `json_value` as an ORDER BY term that sorts as SQLite sorts JSON_EXTRACT's values."""
        return sql

    def json_text(self, sql: str) -> str:
        """A `json_value` as the text SQLite functions (LOWER) read from it."""
        return sql

    def literal_sql(self, value: Any) -> tuple[str, list[Any]]:
        """A literal of the filter text: numbers bound as reals (PocketBase's float64), 1/0 inline."""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value), []
        return "?", [value]

    @abc.abstractmethod
    def strftime(self, args_sql: list[str]) -> str:
        """SQLite's strftime(format, time value, modifiers...) semantics, NULL when invalid."""

    def setup_statements(self) -> list[str]:
        """Statements run once when the database is first prepared (functions the SQL relies on)."""
        return []

    @abc.abstractmethod
    def lower(self, sql: str) -> str: ...

    # --- view collections ----------------------------------------------------------------------
    # View queries are written in SQLite's dialect (PocketBase's); `names` maps lower-cased
    # collection and field names to their spelling, for engines that do not ignore case.
    @abc.abstractmethod
    async def query_columns(
        self, executor: Any, query: str, names: dict[str, str], aliases: list[str]
    ) -> list[tuple[str, str]]:
        """(name, declared type) of each column of `query`, which must be one read-only SELECT;
        raises InvalidViewQuery with the engine's explanation otherwise."""

    @abc.abstractmethod
    def view_select(
        self, query: str, columns: Sequence[tuple[str, str]], names: dict[str, str], aliases: list[str]
    ) -> str:
        """The SELECT a view runs for `query`, its columns typed by their (name, storage kind)."""

    def create_view(self, name: str, select: str) -> str:
        return f"CREATE VIEW {self.quote(name)} AS {select}"

    async def save_view(self, executor: Any, name: str, select: str) -> None:
        """Create the view `name` running `select` (from `view_select`)."""
        await executor.execute(self.create_view(name, select))

    def drop_view(self, name: str) -> str:
        return f"DROP VIEW IF EXISTS {self.quote(name)}"

    def unsorted_view_order(self, table_sql: str) -> str:
        """The ORDER BY of an unsorted list of a view: the query's own order."""
        return ""


class PoolWriter:
    """Engines with an async driver: each batch is one transaction on a pooled connection."""

    def __init__(self, dialect: Dialect, table: str, columns: Sequence[str]) -> None:
        self.dialect = dialect
        self.sql = insert_sql(dialect, table, columns)

    async def insert(self, rows: list[tuple[Any, ...]]) -> None:
        async with self.dialect.transaction() as tx:
            await tx.execute_many(self.sql, rows)

    async def execute(self, sql: str, params: Sequence[Any]) -> int:
        return await self.dialect.execute(sql, params)

    def close(self) -> None:
        pass
