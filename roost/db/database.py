"""The Database facade: fetch/execute/transaction, whatever the engine."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from time import perf_counter
from types import TracebackType
from typing import Any, Protocol

from roost.db import joined
from roost.db.dialects.base import Dialect
from roost.db.stats import QueryStats, Timings


class Executor(Protocol):
    """What both the database and an open transaction offer."""

    dialect: Dialect

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]: ...
    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Any] | None: ...
    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int: ...


class Database:
    """Engine-neutral entry point; the dialect owns connections and driver details."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.stats = QueryStats()  # durations by kind, for /api/metrics

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
        started = perf_counter()
        try:
            return await self.dialect.fetch_all(sql, params)
        finally:
            self.stats.read.observe(perf_counter() - started)

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Any] | None:
        started = perf_counter()
        try:
            return await self.dialect.fetch_one(sql, params)
        finally:
            self.stats.read.observe(perf_counter() - started)

    async def fetch_scan(self, sql: str, params: Sequence[Any] = ()) -> list[Sequence[Any]]:
        """A read that may scan many rows (filters, sorts, counts): engines that would block the
        event loop run it elsewhere; the answer is the same as fetch_all's."""
        started = perf_counter()
        try:
            return await self.dialect.fetch_scan(sql, params)
        finally:
            self.stats.scan.observe(perf_counter() - started)

    async def fetch_val(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return row[0] if row else None

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        started = perf_counter()
        try:
            return await self.dialect.execute(sql, params)
        finally:
            self.stats.write.observe(perf_counter() - started)

    def transaction(self) -> AbstractAsyncContextManager[Executor]:
        outer = joined.current.get()
        if outer is not None and outer.joins(self):
            return joined.savepoint(outer.tx)
        return _Timed(self.dialect.transaction(), self.stats.transaction)

    def writes_alone(self) -> bool:
        """Whether one write statement run outside a transaction commits by itself here, and
        more cheaply: the engine does so (`Dialect.lone_writes_commit`) and no outer transaction
        of this task has to take it in."""
        if not self.dialect.lone_writes_commit:
            return False
        outer = joined.current.get()
        return outer is None or not outer.joins(self)

    @asynccontextmanager
    async def outer_transaction(self) -> AsyncIterator[Executor]:
        """One transaction that every `transaction()` this task opens inside joins as a savepoint
        (roost/db/joined.py): the whole block commits or rolls back at once."""
        async with self.transaction() as tx, joined.opened(self, tx):
            yield tx

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Executor]:
        """Where reads see this task's own uncommitted changes: inside an outer transaction, a
        savepoint of it (a failing read leaves it usable); elsewhere the database itself."""
        outer = joined.current.get()
        if outer is not None and outer.joins(self):
            async with joined.savepoint(outer.tx) as tx:
                yield tx
        else:
            yield self

    async def open_auxiliary(self, data_dir: str) -> Database:
        """The database for data kept apart from the records (request logs): on SQLite the file
        `auxiliary.db` in the data folder, as PocketBase; on PostgreSQL this same database."""
        aux = await self.dialect.open_auxiliary(data_dir)
        return self if aux is self.dialect else Database(aux)

    async def close(self) -> None:
        await self.dialect.close()


class _Timed:
    """A dialect's transaction whose duration goes into `timings`. A class rather than a
    generator-based context manager: every write passes through it."""

    __slots__ = ("inner", "started", "timings")

    def __init__(self, inner: AbstractAsyncContextManager[Executor], timings: Timings) -> None:
        self.inner = inner
        self.timings = timings

    async def __aenter__(self) -> Executor:
        self.started = perf_counter()
        try:
            return await self.inner.__aenter__()
        except BaseException:
            self.timings.observe(perf_counter() - self.started)
            raise

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        try:
            return await self.inner.__aexit__(exc_type, exc, tb)
        finally:
            self.timings.observe(perf_counter() - self.started)


async def open_database(url: str | None, data_dir: str) -> Database:
    """`url` is None (SQLite in data_dir/data.db), `sqlite:///path` or `postgresql://...`."""
    if url and url.startswith(("postgres://", "postgresql://")):
        from roost.db.dialects.postgres import PostgresDialect

        dialect: Dialect = await PostgresDialect.connect(url)
    else:
        import os

        from roost.db.dialects.sqlite import SQLiteDialect

        path = (
            url[len("sqlite:///") :]
            if url and url.startswith("sqlite:///")
            else os.path.join(data_dir, "data.db")
        )
        dialect = await SQLiteDialect.connect(path)
    return Database(dialect)
