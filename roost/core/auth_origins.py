"""Known login origins (`_authOrigins`, PocketBase's authAlert): each successful login with
`authAlert.enabled` records a fingerprint of the client's IP and User-Agent; at most five are
kept per auth record, the least recently used dropped first.

A login from an origin not seen before (other than the very first login) is when PocketBase
mails its "Login from a new location" alert. `app.auth_alert_sender`, when set by the mailer, is
awaited then with (app, collection, record, alert_info). When it fails, or there is no mailer,
the origin is not stored, as PocketBase does when its mail cannot go out, so the next login from
there tries again."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from roost.core import auth_refs
from roost.core.collections import Collection
from roost.core.fields.date import format_datetime

if TYPE_CHECKING:
    from roost.core.app import App

log = logging.getLogger("roost")

MAX_ORIGINS = 5


def fingerprint(ip: str, user_agent: str) -> tuple[str, str]:
    """(fingerprint, alert info) as PocketBase computes them."""
    if len(user_agent) > 200:
        user_agent = user_agent[:200] + "..."
    digest = hashlib.md5((ip + user_agent).encode(), usedforsecurity=False).hexdigest()
    return digest, f"{format_datetime(datetime.now(UTC))} - {ip} {user_agent}"


async def record_origin(app: App, coll: Collection, record: dict[str, Any], ip: str, user_agent: str) -> None:
    fp, alert_info = fingerprint(ip, user_agent)
    where = {"collectionRef": coll.id, "recordRef": record["id"]}
    origins = await auth_refs.find_refs(app, auth_refs.AUTH_ORIGINS, where, order="-updated")
    current = next((o for o in origins if o.get("fingerprint") == fp), None)
    if current is None and origins and record.get("email"):
        sender = getattr(app, "auth_alert_sender", None)
        if sender is None:
            # as PocketBase when its mail cannot go out: the origin stays unknown (and the
            # alert is due again next time)
            log.warning(
                "login from a new location of %s %s: no mailer to send the alert", coll.name, record["id"]
            )
            return
        await sender(app, coll, record, alert_info)
    if current is not None:
        # touch: `updated` says when this origin was last used (a plain UPDATE: every login of
        # a known origin comes here, so it stays off the full record write path)
        q = app.dialect.quote
        await app.db.execute(
            f"UPDATE {q(auth_refs.AUTH_ORIGINS)} SET {q('updated')} = ? WHERE {q('id')} = ?",
            (format_datetime(datetime.now(UTC)), current["id"]),
        )
        return
    if len(origins) >= MAX_ORIGINS:
        for old in origins[MAX_ORIGINS - 1 :]:
            try:
                await auth_refs.delete_ref(app, auth_refs.AUTH_ORIGINS, old)
            except Exception:
                log.warning("failed to delete an old auth origin %s", old.get("id"), exc_info=True)
    await auth_refs.create_ref(app, auth_refs.AUTH_ORIGINS, {**where, "fingerprint": fp})
