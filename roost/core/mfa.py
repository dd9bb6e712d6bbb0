"""Multi-factor authentication (PocketBase's checkMFA): with `mfa.enabled`, a first successful
method answers 401 `{mfaId}` and stores an `_mfas` session; a second, different method that
sends that `mfaId` (query or body) completes the login. Sessions expire after `mfa.duration`
seconds; an hourly system job (`__pbMFACleanup__`) deletes expired ones."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from roost.core import auth_refs, records
from roost.core.collections import Collection
from roost.core.fields.date import format_datetime
from roost.errors import BadRequest

if TYPE_CHECKING:
    from roost.core.app import App

log = logging.getLogger("roost")

CLEANUP_JOB = "__pbMFACleanup__"


def _expired(mfa: dict[str, Any], duration: int) -> bool:
    created = str(mfa.get("created") or "")
    try:
        when = datetime.strptime(created, "%Y-%m-%d %H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        return True
    return datetime.now(UTC) - when > timedelta(seconds=duration)


async def _wants_mfa(app: App, coll: Collection, record: dict[str, Any], caller: records.Caller) -> bool:
    rule = str(coll.options.get("mfa", {}).get("rule") or "")
    if not rule:
        return True
    try:
        return await records.rule_matches(app, coll, rule, record["id"], caller)
    except Exception as exc:  # a broken rule must not let the login through
        raise BadRequest("Failed to authenticate.") from exc


async def check_mfa(
    app: App, coll: Collection, record: dict[str, Any], method: str, mfa_id: str, caller: records.Caller
) -> str:
    """ "" when the login may complete; else the id of the new MFA session to answer with.
    Raises BadRequest for an unknown, expired, foreign or same-method session."""
    mfa_opts = coll.options.get("mfa", {})
    if not mfa_opts.get("enabled") or not method:
        return ""
    if not await _wants_mfa(app, coll, record, caller):
        return ""
    if not mfa_id:
        created = await auth_refs.create_ref(
            app, auth_refs.MFAS, {"collectionRef": coll.id, "recordRef": record["id"], "method": method}
        )
        return str(created["id"])
    mfa = await auth_refs.find_ref(app, auth_refs.MFAS, mfa_id)
    if mfa is None or _expired(mfa, int(mfa_opts.get("duration") or 0)):
        if mfa is not None:
            await _delete_quietly(app, mfa)
        raise BadRequest("Invalid or expired MFA session.")
    if mfa.get("recordRef") != record["id"] or mfa.get("collectionRef") != coll.id:
        raise BadRequest("Invalid MFA session.")
    if mfa.get("method") == method:
        raise BadRequest("A different authentication method is required.")
    await _delete_quietly(app, mfa)
    return ""


async def _delete_quietly(app: App, mfa: dict[str, Any]) -> None:
    try:
        await auth_refs.delete_ref(app, auth_refs.MFAS, mfa)
    except Exception:
        log.warning("failed to delete the MFA session %s", mfa.get("id"), exc_info=True)


async def delete_expired(app: App) -> None:
    """Expired MFA sessions of every auth collection (even with MFA now off)."""
    if app.collection(auth_refs.MFAS) is None:
        return
    for coll in app.registry.all():
        if not coll.is_auth:
            continue
        duration = int(coll.options.get("mfa", {}).get("duration") or 0)
        cutoff = format_datetime(datetime.now(UTC) - timedelta(seconds=duration))
        q = app.dialect.quote
        rows = await app.db.fetch_all(
            f"SELECT {q('id')} FROM {q(auth_refs.MFAS)} WHERE {q('collectionRef')} = ? AND {q('created')} < ?",
            (coll.id, cutoff),
        )
        for (mfa_id,) in rows:
            mfa = await auth_refs.find_ref(app, auth_refs.MFAS, mfa_id)
            if mfa is not None:
                await auth_refs.delete_ref(app, auth_refs.MFAS, mfa)


def register_cleanup(app: App) -> None:
    async def run() -> None:
        try:
            await delete_expired(app)
        except Exception:
            log.warning("failed to delete expired MFA sessions", exc_info=True)

    app.cron.add(CLEANUP_JOB, "0 * * * *", run)
