"""Automigrate: every collection created, changed or deleted while serving writes a migration
file that replays the change (`up`) and undoes it (`down`), recorded as applied here.

A schema built in the dashboard can then be committed and applied elsewhere with
`roost migrate up` (or by `roost serve` at startup), on SQLite or PostgreSQL alike."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from roost.core.collections import Collection
from roost.core.events import CollectionRequestEvent
from roost.migrations import runner, templates
from roost.migrations.files import new_file_name, normalize_name, write_file

if TYPE_CHECKING:
    from roost.core.app import App

log = logging.getLogger("roost.migrations")


HOOK_ID = "__roostAutomigrate__"


def enable(app: App, directory: str) -> None:
    """Write a migration into `directory` for every collection created, updated or deleted
    through the API, as PocketBase's automigrate does: it wraps the collection request hooks,
    so changes made by migrations, scripts or hooks write none."""

    async def on_request(e: CollectionRequestEvent) -> None:
        old = e.collection
        await e.next()
        saved = e.collection
        if saved is None:
            return
        new = app.registry.by_id.get(saved.id)  # None once deleted
        try:
            await write_change(app, directory, old, new)
        except Exception:  # the change itself is committed; the request still succeeds
            log.exception("automigrate: could not write the migration for %r", saved.name)

    for hook in (
        app.on_collection_create_request,
        app.on_collection_update_request,
        app.on_collection_delete_request,
    ):
        hook().bind(on_request, id=HOOK_ID)


async def write_change(
    app: App, directory: str, old: Collection | None, new: Collection | None
) -> str | None:
    """Write the migration for one change; returns its file name (None when nothing changed)."""
    if new is not None and old is None:
        text, action = templates.created(new), f"created_{new.name}"
    elif new is not None and old is not None:
        maybe = templates.updated(old, new)
        if maybe is None:
            return None
        text, action = maybe, f"updated_{old.name}"
    elif old is not None:
        text, action = templates.deleted(old), f"deleted_{old.name}"
    else:
        return None
    file = new_file_name(directory, normalize_name(action))
    # recorded first: a file this instance wrote must never be applied to it again
    await runner.record_applied(app, file)
    try:
        write_file(directory, file, text)
    except OSError:
        await runner.forget(app, file)
        raise
    log.info("automigrate: wrote %s", os.path.join(directory, file))
    return file
