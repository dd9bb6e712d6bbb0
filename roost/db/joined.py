"""One transaction that the nested ones join: `Database.outer_transaction()` opens it, and every
`Database.transaction()` the same task opens meanwhile runs inside it as a SAVEPOINT (standard
SQL on both engines), so a failed step undoes only itself and the caller can still roll back
everything at once.

Only the task that opened it joins (tasks it starts inherit the context variable, but not the
connection: they wait for the transaction as any other writer would), and only while it is
open. Without one, `Database.transaction()` pays a single context-variable read."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from roost.db.database import Database, Executor


class Outer:
    __slots__ = ("db", "open", "task", "tx")

    def __init__(self, db: Database, tx: Executor) -> None:
        self.db = db
        self.tx = tx
        self.task = asyncio.current_task()
        self.open = True

    def joins(self, db: Database) -> bool:
        return self.open and self.db is db and asyncio.current_task() is self.task


current: ContextVar[Outer | None] = ContextVar("roost_outer_transaction", default=None)
_names = itertools.count(1)


@asynccontextmanager
async def savepoint(tx: Executor) -> AsyncIterator[Executor]:
    name = f"roost_sp_{next(_names)}"
    await tx.execute(f"SAVEPOINT {name}")
    try:
        yield tx
    except BaseException:
        await tx.execute(f"ROLLBACK TO SAVEPOINT {name}")
        await tx.execute(f"RELEASE SAVEPOINT {name}")
        raise
    await tx.execute(f"RELEASE SAVEPOINT {name}")


@asynccontextmanager
async def opened(db: Database, tx: Executor) -> AsyncIterator[Any]:
    outer = Outer(db, tx)
    token = current.set(outer)
    try:
        yield tx
    finally:
        outer.open = False
        current.reset(token)
