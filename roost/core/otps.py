"""One-time passwords: the `_otps` system collection, as PocketBase 0.40 has it.

An OTP row holds the bcrypt hash of the code, the auth record it signs in (`collectionRef`,
`recordRef`) and the address the code was mailed to (`sentTo`). It expires `otp.duration`
seconds after `created`; an hourly system job (`__pbOTPCleanup__`) deletes expired rows, and a
record's OTPs go when the record is deleted or its tokenKey changes (a password change)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from roost.core.collections import Collection
from roost.core.events import RecordEvent, is_auth_record
from roost.core.records import SUPERUSERS_ID, Caller, fetch_record
from roost.core.system_collections import OTPS_ID as ID
from roost.core.system_collections import OTPS_NAME as NAME

if TYPE_CHECKING:
    from roost.core.app import App

CLEANUP_JOB = "__pbOTPCleanup__"
# auth-with-otp attempts per record and client address: PocketBase's fixed rule
MAX_ATTEMPTS = 5
ATTEMPTS_WINDOW = 180.0


def collection(app: App) -> Collection:
    coll = app.registry.by_id.get(ID)
    if coll is None:
        raise RuntimeError("the _otps system collection is missing")
    return coll


def _system_caller(app: App) -> Caller:
    return Caller(auth={"id": ""}, auth_coll=app.registry.by_id[SUPERUSERS_ID])


def _created_at(otp: dict[str, Any]) -> float:
    text = str(otp.get("created", ""))
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()
    except ValueError:
        return 0.0


def has_expired(otp: dict[str, Any], duration: int) -> bool:
    return time.time() - _created_at(otp) > duration


async def create(app: App, auth_coll: Collection, record_id: str, password: str) -> dict[str, Any]:
    from roost.core.record_write import save

    data = {"collectionRef": auth_coll.id, "recordRef": record_id, "password": password}
    return await save(app, collection(app), _system_caller(app), None, data, {}, False, rule=None)


async def find(app: App, otp_id: str) -> dict[str, Any] | None:
    return await fetch_record(app, collection(app), otp_id)


async def recent_for(app: App, auth_coll: Collection, record_id: str) -> list[dict[str, Any]]:
    """The record's OTPs, newest first."""
    from roost.core.record_shape import row_to_record, select_sql

    coll, q = collection(app), app.dialect.quote
    rows = await app.db.fetch_all(
        select_sql(coll, q) + f" WHERE {q('collectionRef')} = ? AND {q('recordRef')} = ?"
        f" ORDER BY {q('created')} DESC, {q('id')} DESC",
        (auth_coll.id, record_id),
    )
    return [row_to_record(coll, r) for r in rows]


async def set_sent_to(app: App, otp_id: str, address: str) -> None:
    from roost.core.record_write import save

    otp = await find(app, otp_id)
    if otp is None or otp.get("sentTo"):
        return
    await save(app, collection(app), _system_caller(app), otp, {"sentTo": address}, {}, False, rule=None)


async def delete(app: App, otp: dict[str, Any]) -> None:
    from roost.core.record_write import delete as delete_record

    await delete_record(app, collection(app), otp)


async def delete_expired(app: App) -> int:
    """Delete the expired OTPs of every auth collection (enabled or not); returns how many."""
    from roost.core.fields.date import format_datetime

    coll, q = collection(app), app.dialect.quote
    count = 0
    for auth in app.registry.all():
        if not auth.is_auth:
            continue
        duration = int(auth.options.get("otp", {}).get("duration", 0) or 0)
        oldest = format_datetime(datetime.fromtimestamp(time.time() - duration, UTC))
        rows = await app.db.fetch_all(
            f"SELECT {q('id')} FROM {q(NAME)} WHERE {q('collectionRef')} = ? AND {q('created')} < ?",
            (auth.id, oldest),
        )
        for (otp_id,) in rows:
            otp = await fetch_record(app, coll, str(otp_id))
            if otp is not None:
                await delete(app, otp)
                count += 1
    return count


def register(app: App) -> None:
    """The cleanup job and the handlers that drop a record's OTPs with it or with its tokenKey."""

    async def cleanup() -> None:
        await delete_expired(app)

    app.cron.add(CLEANUP_JOB, "0 * * * *", cleanup)

    async def _drop(e: RecordEvent, record: dict[str, Any]) -> None:
        q = app.dialect.quote
        await e.tx.execute(
            f"DELETE FROM {q(NAME)} WHERE {q('collectionRef')} = ? AND {q('recordRef')} = ?",
            (e.record.collection.id, record.get("id")),
        )

    async def on_update(e: RecordEvent) -> None:
        await e.next()
        # only auth records, and no copy of the record: changes() compares with what was loaded
        if e.record.collection.is_auth and e.tx is not None and "tokenKey" in e.record.changes():
            await _drop(e, e.record.data)

    async def on_delete(e: RecordEvent) -> None:
        if e.record.collection.is_auth and e.tx is not None and ID in app.registry.by_id:
            await _drop(e, e.record.data)
        await e.next()

    app.hooks.record_update_execute.bind(
        on_update, id="__pbOTPsOnTokenKeyChange__", priority=99, _when=is_auth_record
    )
    app.hooks.record_delete_execute.bind(
        on_delete, id="__pbOTPsOnRecordDelete__", priority=99, _when=is_auth_record
    )
