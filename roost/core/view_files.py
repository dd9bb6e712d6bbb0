"""Files of view records: a view's file field serves the file of the record it was read from
(PocketBase's FindRecordByViewFile), following views of views up to 5 levels."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roost.core.collections import Collection
from roost.core.view_fields import suggested_fields
from roost.core.view_parse import ViewQueryError, normalize_select

if TYPE_CHECKING:
    from roost.core.app import App

MAX_LEVELS = 5


async def source_of_file(
    app: App, view: Collection, field_name: str, filename: str
) -> tuple[Collection, str] | None:
    """(collection, record id) whose file field holds `filename`, for a view's file field."""
    coll, name = view, field_name
    for _level in range(MAX_LEVELS):
        try:
            suggested = suggested_fields(
                app.registry, normalize_select(str(coll.spec.get("viewQuery") or ""))
            )
        except ViewQueryError:
            return None
        item = next(
            (
                q
                for q in suggested.values()
                if q.collection is not None and q.original is not None and q.spec["name"] == name
            ),
            None,
        )
        if item is None or item.collection is None or item.original is None:
            return None
        if not item.collection.is_view:
            return await _find(app, item.collection, item.original.name, item.original.is_multi, filename)
        coll, name = item.collection, item.original.name
    return None


async def _find(
    app: App, coll: Collection, column: str, multi: bool, filename: str
) -> tuple[Collection, str] | None:
    d = app.dialect
    q = d.quote
    col = f"{q(coll.table)}.{q(column)}"
    if multi:
        where = f"EXISTS (SELECT 1 FROM {d.json_each(col, '__je')} WHERE __je.value = ?)"
    else:
        where = f"{col} = ?"
    row = await app.db.fetch_one(
        f"SELECT {q(coll.table)}.{q('id')} FROM {q(coll.table)} WHERE {where} LIMIT 1", [filename]
    )
    return (coll, str(row[0])) if row else None
