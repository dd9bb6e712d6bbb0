"""Deleting a record: the cascade, the delete hooks (also for cascaded records) and what runs
once the transaction commits (files removed, after-success hooks) or a batch fails."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roost.core.collections import Collection
from roost.core.events import RecordEvent
from roost.core.fields import RelationField
from roost.core.fields.multi import as_list
from roost.core.record import Record
from roost.core.record_shape import row_to_record, select_sql
from roost.core.record_write import WriteScope, log, trigger_error, write_scope
from roost.errors import BadRequest

if TYPE_CHECKING:
    from roost.core.app import App


async def delete_record(
    app: App, coll: Collection, record: dict[str, Any], scope: WriteScope | None = None
) -> None:
    """Delete with cascade: cascadeDelete relations go too, others drop the id or block the delete.
    on_record_delete wraps it; the cascade runs inside the transaction (on_record_delete_execute)."""
    hooks = app.hooks
    event = RecordEvent(app, Record(coll, record, original=record))
    deleted: list[tuple[Collection, dict[str, Any]]] = []

    async def default(e: RecordEvent) -> None:
        async with write_scope(app, scope) as ws:
            await _delete_one(app, ws.tx, e, deleted, depth=0)
            if deleted:
                ws.after_commit.append(lambda: _after_delete(app, coll, deleted))
                if scope is not None:
                    ws.on_failure.append(lambda exc: _deletes_failed(app, deleted, exc))

    try:
        await hooks.record_delete.trigger(event, default)
    except Exception as exc:
        await trigger_error(app, hooks.record_after_delete_error, event.record, exc)
        raise


async def _deletes_failed(
    app: App, deleted: list[tuple[Collection, dict[str, Any]]], exc: BaseException
) -> None:
    for c, r in deleted:
        await trigger_error(app, app.hooks.record_after_delete_error, Record(c, r, original=r), exc)


async def _after_delete(app: App, coll: Collection, deleted: list[tuple[Collection, dict[str, Any]]]) -> None:
    from roost.core.record_files import delete_record_files

    if coll.is_auth:
        app.token_cache.clear()
        app.auth_records.clear()
    hook = app.hooks.record_after_delete_success
    for c, r in deleted:
        try:
            await delete_record_files(app, c, r)
        except Exception:
            log.exception("removing the files of a deleted record failed")
        if hook.handlers:
            try:
                await hook.trigger(RecordEvent(app, Record(c, r, original=r)))
            except Exception:
                log.exception("after-delete handler failed (the delete was committed)")


async def _delete_one(
    app: App, tx: Any, e: RecordEvent, deleted: list[tuple[Collection, dict[str, Any]]], depth: int
) -> None:
    e.tx = tx
    try:
        await app.hooks.record_delete_execute.trigger(
            e, lambda _: _delete_in_tx(app, tx, e.collection, e.record.data, deleted, depth)
        )
    finally:
        e.tx = None


async def _delete_in_tx(
    app: App,
    tx: Any,
    coll: Collection,
    record: dict[str, Any],
    deleted: list[tuple[Collection, dict[str, Any]]],
    depth: int,
) -> None:
    if depth > 32:
        raise BadRequest("Failed to delete record: the cascade is too deep.")
    q = app.dialect.quote
    d = app.dialect
    rid = record["id"]
    for other in app.registry.all():
        for f in other.fields:
            if not isinstance(f, RelationField) or f.collection_id != coll.id:
                continue
            col = f"{q(other.table)}.{q(f.name)}"
            if f.is_multi:
                je = "__je"
                cond = f"EXISTS (SELECT 1 FROM {d.json_each(col, je)} WHERE {je}.value = ?)"
            else:
                cond = f"{col} = ?"
            rows = await tx.fetch_all(select_sql(other, q) + f" WHERE {cond}", (rid,))
            for row in rows:
                ref = row_to_record(other, row)
                if other is coll and ref["id"] == rid:
                    continue
                remaining = [v for v in as_list(ref.get(f.name)) if v != rid]
                if f.options.get("cascadeDelete") and not remaining:
                    child = RecordEvent(app, Record(other, ref, original=ref))

                    async def cascade(e: RecordEvent, depth: int = depth) -> None:
                        await _delete_one(app, tx, e, deleted, depth + 1)

                    await app.hooks.record_delete.trigger(child, cascade)
                    continue
                if f.required and not remaining:
                    raise BadRequest(
                        "Failed to delete record. Make sure that the record is not part of a required relation reference."
                    )
                value = remaining if f.is_multi else ""
                await tx.execute(
                    f"UPDATE {q(other.table)} SET {q(f.name)} = ? WHERE {q('id')} = ?",
                    (f.to_db(value, d), ref["id"]),
                )
    await tx.execute(f"DELETE FROM {q(coll.table)} WHERE {q('id')} = ?", (rid,))
    deleted.append((coll, record))
