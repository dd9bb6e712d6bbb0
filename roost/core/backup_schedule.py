"""Scheduled backups: `settings.backups.cron` runs a backup as the system job `__pbAutoBackup__`
(PocketBase's id, listed by GET /api/crons) and keeps the newest `cronMaxKeep` of them.

The job is (re)registered whenever settings are loaded or saved; an empty `cron` removes it.
Scheduled backups are named `@auto_pb_backup_<app name>_<UTC time>.zip`; pruning looks at
those only, so backups made by hand or uploaded are never deleted by it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from roost.core.backups import AUTO_PREFIX
from roost.storage import StorageError

if TYPE_CHECKING:
    from roost.core.app import App

log = logging.getLogger("roost.backups")

JOB_ID = "__pbAutoBackup__"


def sync_job(app: App) -> None:
    """Register, change or remove the job to match the current settings."""
    expression = str(app.settings.get("backups", {}).get("cron") or "")
    if not expression:
        app.cron.remove(JOB_ID)
        return

    async def run() -> None:
        await auto_backup(app)

    try:
        app.cron.add(JOB_ID, expression, run)
    except ValueError:  # stored before validation existed; the settings API refuses it now
        log.error("[Backup cron] Invalid schedule %r: scheduled backups are off", expression)
        app.cron.remove(JOB_ID)


async def auto_backup(app: App) -> None:
    name = app.backups.new_name(AUTO_PREFIX)
    try:
        await app.backups.create(name)
    except Exception as exc:
        log.error("[Backup cron] Failed to create backup %s: %s", name, getattr(exc, "message", exc))
    await prune(app)


async def prune(app: App) -> list[str]:
    """Delete the oldest scheduled backups beyond `cronMaxKeep` (0: keep all); the keys deleted."""
    max_keep = int(app.settings.get("backups", {}).get("cronMaxKeep") or 0)
    if max_keep <= 0:
        return []
    store = app.backups.store
    try:
        # S3 keeps whole seconds: the name (which carries the time) breaks ties
        autos = sorted(await store.list(AUTO_PREFIX), key=lambda b: (b.modified, b.key), reverse=True)
    except StorageError as exc:
        log.error("[Backup cron] Failed to list the scheduled backups: %s", exc)
        return []
    removed = []
    for old in autos[max_keep:]:
        if await store.delete(old.key) is None:
            removed.append(old.key)
            log.info("[Backup cron] Removed old scheduled backup %s", old.key)
    return removed
