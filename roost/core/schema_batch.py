"""Several collection changes as one (`PUT /api/collections/import`): every create, update and
delete runs inside one database transaction (DDL included: SQLite and PostgreSQL both undo
CREATE/ALTER/DROP on rollback), so a failure at any step leaves the schema and the data exactly
as they were, even if the process dies half way.

The in-memory registry follows each step at once (later steps validate against the collections
created by earlier ones) and is put back on rollback. What others would notice waits for the
commit: telling other instances and the realtime hub (`collections_changed`), removing a deleted
collection's stored files, and the after-success hooks; after a rollback none of it happens.
Outside a batch, `after_commit` runs its callable at once."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roost.core.app import App

log = logging.getLogger("roost")

Deferred = Callable[[], Awaitable[None]]


class _Batch:
    __slots__ = ("deferred", "open")

    def __init__(self) -> None:
        self.deferred: list[Deferred] = []
        self.open = True


_current: ContextVar[_Batch | None] = ContextVar("roost_schema_batch", default=None)


async def after_commit(fn: Deferred) -> None:
    """Run `fn` now, or once the batch this task is in has committed (each one once)."""
    batch = _current.get()
    if batch is None or not batch.open:
        await fn()
    elif fn not in batch.deferred:  # `app.collections_changed` after each step: once is enough
        batch.deferred.append(fn)


@asynccontextmanager
async def schema_batch(app: App) -> AsyncIterator[None]:
    registry = app.registry
    by_id, by_name = dict(registry.by_id), dict(registry.by_name)
    batch = _Batch()
    token = _current.set(batch)
    try:
        async with app.db.outer_transaction():
            yield
    except BaseException:
        registry.by_id.clear()
        registry.by_id.update(by_id)
        registry.by_name.clear()
        registry.by_name.update(by_name)
        registry.version += 1  # compiled filters and rules of the undone schema are dropped
        raise
    finally:
        batch.open = False
        _current.reset(token)
    for fn in batch.deferred:
        try:
            await fn()
        except Exception:
            log.exception("a schema change's follow-up failed (the change was committed)")
