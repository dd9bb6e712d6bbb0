"""Records that belong to an auth record through `collectionRef` + `recordRef`: MFA sessions
(`_mfas`), OAuth2 links (`_externalAuths`) and known login origins (`_authOrigins`).

They are written through the ordinary record write path (hooks fire, as PocketBase's
`app.Save`), and follow their auth record: deleted with it, and a password change drops its MFA
sessions and known origins; deleting an auth collection deletes its rows here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roost.core.collections import Collection
from roost.core.events import CollectionEvent, RecordEvent, is_auth_record
from roost.core.record_shape import row_to_record, select_sql
from roost.core.record_write import WriteScope, delete, save
from roost.core.records import SUPERUSERS_ID, Caller

if TYPE_CHECKING:
    from roost.core.app import App

MFAS = "_mfas"
EXTERNAL_AUTHS = "_externalAuths"
AUTH_ORIGINS = "_authOrigins"
REF_COLLECTIONS = (MFAS, EXTERNAL_AUTHS, AUTH_ORIGINS)
HOOK_ID = "__authRefs__"


def system_caller(app: App) -> Caller:
    caller = Caller()
    caller.auth, caller.auth_coll = {"id": "system"}, app.registry.by_id[SUPERUSERS_ID]
    return caller


def ref_collection(app: App, name: str) -> Collection:
    coll = app.collection(name)
    if coll is None:
        raise LookupError(f"missing system collection {name}")
    return coll


async def create_ref(
    app: App, name: str, data: dict[str, Any], scope: WriteScope | None = None
) -> dict[str, Any]:
    return await save(app, ref_collection(app, name), system_caller(app), None, data, {}, False, None, scope)


async def delete_ref(app: App, name: str, record: dict[str, Any], scope: WriteScope | None = None) -> None:
    await delete(app, ref_collection(app, name), record, scope)


async def find_refs(
    app: App, name: str, where: dict[str, str], order: str = "", executor: Any = None
) -> list[dict[str, Any]]:
    coll = ref_collection(app, name)
    q = app.dialect.quote
    cond = " AND ".join(f"{q(k)} = ?" for k in where)
    sql = select_sql(coll, q) + f" WHERE {cond}"
    if order:
        desc = order.startswith("-")
        sql += f" ORDER BY {q(order.lstrip('-'))} {'DESC' if desc else 'ASC'}, {q('id')} ASC"
    rows = await (executor or app.db).fetch_all(sql, list(where.values()))
    return [row_to_record(coll, row) for row in rows]


async def find_ref(app: App, name: str, ref_id: str) -> dict[str, Any] | None:
    found = await find_refs(app, name, {"id": ref_id})
    return found[0] if found else None


async def _delete_where(tx: Any, names: tuple[str, ...], coll_id: str, record_id: str | None) -> None:
    q = tx.dialect.quote
    for name in names:
        sql = f"DELETE FROM {q(name)} WHERE {q('collectionRef')} = ?"
        params = [coll_id]
        if record_id is not None:
            sql += f" AND {q('recordRef')} = ?"
            params.append(record_id)
        await tx.execute(sql, params)


def bind_hooks(app: App) -> None:
    """Keep the ref records in step with their auth records (PocketBase's recordRefHooks)."""

    async def on_delete(e: RecordEvent) -> None:
        await e.next()
        if e.collection.is_auth and e.tx is not None:
            await _delete_where(e.tx, _present(app), e.collection.id, e.record.data["id"])

    async def on_update(e: RecordEvent) -> None:
        await e.next()
        if not e.collection.is_auth or e.tx is None:
            return
        if e.record.original().get("password") != e.record.data.get("password"):
            names = tuple(n for n in (MFAS, AUTH_ORIGINS) if n in _present(app))
            await _delete_where(e.tx, names, e.collection.id, e.record.data["id"])

    async def on_collection_deleted(e: CollectionEvent) -> None:
        if e.collection.is_auth:
            async with app.db.transaction() as tx:
                await _delete_where(tx, _present(app), e.collection.id, None)
        await e.next()

    app.hooks.record_delete_execute.bind(on_delete, id=HOOK_ID, priority=99, _when=is_auth_record)
    app.on_collection_after_delete_success().bind(on_collection_deleted, id=HOOK_ID, priority=99)
    app.hooks.record_update_execute.bind(on_update, id=HOOK_ID, priority=99, _when=is_auth_record)


def _present(app: App) -> tuple[str, ...]:
    return tuple(n for n in REF_COLLECTIONS if app.collection(n) is not None)
