"""The first-run installer, as PocketBase does it: while no superuser exists, `roost serve` keeps a
temporary superuser `__pbinstaller@example.com` (random password) and prints a link to the
dashboard's `#/pbinstall/<token>` screen carrying a 30-minute auth token of that account. The
screen creates the first real superuser through the public API with that token; creating any
other superuser deletes the installer account (so its token stops working). The screen can
instead upload and restore a backup with the token, as PocketBase's does; the restored data has no
installer account, so the token dies then too."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from roost.core.auth import new_token
from roost.core.events import RecordEvent
from roost.core.record_shape import row_to_record, select_sql
from roost.core.record_write import delete, save
from roost.core.records import SUPERUSERS_ID, Caller

if TYPE_CHECKING:
    from roost.core.app import App

INSTALLER_EMAIL = "__pbinstaller@example.com"
TOKEN_SECONDS = 30 * 60
HOOK_ID = "__pbInstaller__"


async def count_superusers(app: App) -> int:
    """Superusers, not counting the installer account."""
    coll = app.registry.by_id[SUPERUSERS_ID]
    q = app.dialect.quote
    row = await app.db.fetch_one(
        f"SELECT COUNT(*) FROM {q(coll.table)} WHERE LOWER({q('email')}) <> ?", (INSTALLER_EMAIL,)
    )
    return int(row[0]) if row else 0


async def _find_installer(app: App) -> dict[str, Any] | None:
    coll = app.registry.by_id[SUPERUSERS_ID]
    q = app.dialect.quote
    row = await app.db.fetch_one(select_sql(coll, q) + f" WHERE LOWER({q('email')}) = ?", (INSTALLER_EMAIL,))
    return row_to_record(coll, row) if row else None


async def installer_token(app: App) -> str | None:
    """A 30-minute, non-refreshable auth token of the installer superuser (created if needed),
    or None once a real superuser exists."""
    if await count_superusers(app):
        return None
    coll = app.registry.by_id[SUPERUSERS_ID]
    record = await _find_installer(app)
    if record is None:
        caller = Caller()
        caller.auth, caller.auth_coll = {"id": "system"}, coll
        password = secrets.token_urlsafe(24)
        data = {"email": INSTALLER_EMAIL, "password": password, "passwordConfirm": password}
        record = await save(app, coll, caller, None, data, {}, False, rule=None)
    return new_token(coll, record, refreshable=False, duration=TOKEN_SECONDS)


def bind_hooks(app: App) -> None:
    """Creating a real superuser removes the installer account, on the public record hooks."""

    async def after_create(e: RecordEvent) -> None:
        if str(e.record.data.get("email", "")).lower() != INSTALLER_EMAIL:
            installer = await _find_installer(e.app)
            if installer is not None:
                await delete(e.app, e.collection, installer)
        await e.next()

    app.on_record_after_create_success("_superusers").bind(after_create, id=HOOK_ID)
