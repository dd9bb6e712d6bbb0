"""Superuser accounts from the command line, through the same write path as the API."""

from __future__ import annotations

from typing import Any

from roost.core.app import App
from roost.core.record_shape import row_to_record, select_sql
from roost.core.record_write import delete, save
from roost.core.records import SUPERUSERS_ID, Caller
from roost.errors import NotFound


async def _find(app: App, email: str) -> dict[str, Any] | None:
    coll = app.registry.by_id[SUPERUSERS_ID]
    q = app.dialect.quote
    row = await app.db.fetch_one(select_sql(coll, q) + f" WHERE LOWER({q('email')}) = LOWER(?)", (email,))
    return row_to_record(coll, row) if row else None


async def upsert_superuser(data_dir: str, db_url: str | None, email: str, password: str) -> None:
    app = await App.open(data_dir, db_url)
    try:
        coll = app.registry.by_id[SUPERUSERS_ID]
        existing = await _find(app, email)
        caller = Caller()
        caller.auth, caller.auth_coll = {"id": "cli"}, coll  # acts as a superuser
        data = {"email": email, "password": password, "passwordConfirm": password, "verified": True}
        await save(app, coll, caller, existing, data, {}, False, rule=None)
    finally:
        await app.close()


async def delete_superuser(data_dir: str, db_url: str | None, email: str) -> None:
    app = await App.open(data_dir, db_url)
    try:
        existing = await _find(app, email)
        if existing is None:
            raise NotFound(f"No superuser with email {email!r}.")
        await delete(app, app.registry.by_id[SUPERUSERS_ID], existing)
    finally:
        await app.close()
