"""`?expand=`: related records attached under `expand`, each filtered by its collection's viewRule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roost.core.collections import Collection
from roost.core.fields import RelationField
from roost.core.fields.multi import as_list
from roost.core.record_shape import row_to_record, select_sql

if TYPE_CHECKING:
    from roost.core.app import App
    from roost.core.records import Caller

MAX_BACK_RELATIONS = 1000


async def _visible(
    app: App, target: Collection, caller: Caller, where: str, params: list[Any]
) -> list[dict[str, Any]]:
    """Records of `target` matching `where` that the caller may view (a null viewRule hides all)."""
    q = app.dialect.quote
    rule = target.rules["viewRule"]
    if not caller.superuser:
        if rule is None:
            return []
        if rule:
            c = app.compile_filter(target, rule, caller.auth_coll, client=False, superuser=False)
            old_ctx = caller.info.context
            caller.info.context = "expand"
            try:
                params = params + c.bind(caller.info)
            finally:
                caller.info.context = old_ctx
            where = f"({where}) AND ({c.sql})"
    rows = await app.db.fetch_all(select_sql(target, q) + f" WHERE {where}", params)
    return [row_to_record(target, r) for r in rows]


async def expand_tree(
    app: App, coll: Collection, records: list[dict[str, Any]], tree: dict[str, Any], caller: Caller
) -> None:
    from roost.core.records import to_json

    q = app.dialect.quote
    d = app.dialect
    for name, subtree in tree.items():
        f = coll.field(name)
        if isinstance(f, RelationField):
            target = app.registry.find(f.collection_id)
            if target is None:
                continue
            ids = list(dict.fromkeys(i for r in records for i in as_list(r.get(f.name))))
            if not ids:
                continue
            marks = ", ".join("?" for _ in ids)
            related = await _visible(app, target, caller, f"{q(target.table)}.{q('id')} IN ({marks})", ids)
            if subtree and related:
                for r in related:
                    r.setdefault("@expand", {})
                await expand_tree(app, target, related, subtree, caller)
            by_id = {r["id"]: r for r in related}
            for r in records:
                vals = [by_id[i] for i in as_list(r.get(f.name)) if i in by_id]
                if not vals:
                    continue
                exported = [to_json(target, v, caller) for v in vals]
                r.setdefault("@expand", {})[name] = exported if f.is_multi else exported[0]
            continue
        # back-relation: `comments_via_post`
        if "_via_" not in name:
            continue
        other_name, _, field_name = name.partition("_via_")
        other = app.registry.find(other_name)
        back = other.field(field_name) if other else None
        if other is None or not isinstance(back, RelationField) or back.collection_id != coll.id:
            continue
        ids = [r["id"] for r in records]
        marks = ", ".join("?" for _ in ids)
        col = f"{q(other.table)}.{q(back.name)}"
        if back.is_multi:
            where = f"EXISTS (SELECT 1 FROM {d.json_each(col, '__je')} WHERE __je.value IN ({marks}))"
        else:
            where = f"{col} IN ({marks})"
        related = await _visible(app, other, caller, where, ids)
        if subtree and related:
            for r in related:
                r.setdefault("@expand", {})
            await expand_tree(app, other, related, subtree, caller)
        # a back-relation through a single relation with a UNIQUE index expands to one record
        single = not back.is_multi and has_unique_index(other, back.name)
        for r in records:
            matches = [x for x in related if r["id"] in as_list(x.get(back.name))][:MAX_BACK_RELATIONS]
            if matches:
                exported = [to_json(other, v, caller) for v in matches]
                r.setdefault("@expand", {})[name] = exported[0] if single else exported


def has_unique_index(coll: Collection, column: str) -> bool:
    from roost.core.collection_schema import parse_index

    for raw in coll.indexes:
        idx = parse_index(raw)
        if idx is not None and idx.unique and idx.columns == (column,):
            return True
    return False
