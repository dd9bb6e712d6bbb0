"""Applying and reverting migrations, with the applied ones recorded in `_migrations`
(file, applied in Unix microseconds), as PocketBase records them.

Each migration's changes are saved one by one (a collection save is its own transaction), so
a migration that fails halfway keeps the saves before the failure; it is not recorded as
applied, and the run stops there."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson

from roost.core.system_tables import MIGRATIONS, create_statements
from roost.db import DatabaseError
from roost.migrations.files import MigrationError, MigrationFile, list_files

if TYPE_CHECKING:
    from roost.core.app import App

log = logging.getLogger("roost.migrations")

TABLE = MIGRATIONS


async def ensure_table(app: App) -> None:
    if await app.dialect.table_exists(app.db, TABLE):
        return
    try:
        for sql in create_statements(app.dialect, TABLE):
            await app.db.execute(sql)
    except DatabaseError:
        # another instance starting at the same moment created it (PostgreSQL reports the
        # race as a unique violation on its catalog)
        if not await app.dialect.table_exists(app.db, TABLE):
            raise


async def applied(app: App) -> list[str]:
    """Applied files, the most recent first."""
    await ensure_table(app)
    q = app.dialect.quote
    rows = await app.db.fetch_all(
        f"SELECT {q('file')} FROM {q(TABLE)} ORDER BY {q('applied')} DESC, {q('file')} DESC"
    )
    return [str(r[0]) for r in rows]


async def record_applied(app: App, file: str) -> None:
    await ensure_table(app)
    q = app.dialect.quote
    await app.db.execute(
        f"INSERT INTO {q(TABLE)} ({q('file')}, {q('applied')}) VALUES (?, ?)",
        (file, time.time_ns() // 1000),
    )


async def forget(app: App, file: str) -> None:
    q = app.dialect.quote
    await app.db.execute(f"DELETE FROM {q(TABLE)} WHERE {q('file')} = ?", (file,))


async def pending(app: App, directory: str) -> list[MigrationFile]:
    done = set(await applied(app))
    return [f for f in list_files(directory) if f.file not in done]


async def up(app: App, directory: str, report: Callable[[str], None] | None = None) -> list[str]:
    """Apply every migration not applied yet, in file name order; returns their names."""
    done: list[str] = []
    for migration in await pending(app, directory):
        await _call(app, migration, "up")
        await record_applied(app, migration.file)
        done.append(migration.file)
        if report:
            report(f"Applied {migration.file}")
    return done


async def down(
    app: App, directory: str, count: int = 1, report: Callable[[str], None] | None = None
) -> list[str]:
    """Revert the `count` most recently applied migrations, newest first."""
    files = {f.file: f for f in list_files(directory)}
    reverted: list[str] = []
    for name in (await applied(app))[: max(count, 0)]:
        migration = files.get(name)
        if migration is None:
            raise MigrationError(
                f"The applied migration {name} is not in {directory}; restore the file, "
                "or run `roost migrate history-sync` to forget it."
            )
        await _call(app, migration, "down")
        await forget(app, name)
        reverted.append(name)
        if report:
            report(f"Reverted {name}")
    return reverted


async def history_sync(app: App, directory: str) -> list[str]:
    """Forget applied migrations whose file no longer exists; returns their names."""
    present = {f.file for f in list_files(directory)}
    gone = [name for name in await applied(app) if name not in present]
    for name in gone:
        await forget(app, name)
    return gone


async def _call(app: App, migration: MigrationFile, fn_name: str) -> None:
    fn = getattr(migration.load(), fn_name)
    try:
        if inspect.iscoroutinefunction(fn):
            await fn(app)
        else:
            # a plain function runs on a thread and sees the app through a blocking facade
            result = await asyncio.to_thread(fn, BlockingApp(app, asyncio.get_running_loop()))
            if inspect.isawaitable(result):
                await result
    except Exception as exc:
        message = getattr(exc, "message", None) or str(exc)
        data = getattr(exc, "data", None)
        detail = f" {orjson.dumps(data, default=str).decode()}" if data else ""
        raise MigrationError(
            f"Migration {migration.file} failed in {fn_name}(): {type(exc).__name__}: {message}{detail}"
        ) from exc


class BlockingApp:
    """The app for a migration written with plain `def`: its async methods block until done
    (they still run on the event loop, where the database connections live)."""

    def __init__(self, app: App, loop: asyncio.AbstractEventLoop) -> None:
        self._app = app
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._app, name)
        if not inspect.iscoroutinefunction(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            return asyncio.run_coroutine_threadsafe(attr(*args, **kwargs), self._loop).result()

        return call
