"""Tables and indexes that follow a collection definition, altered in place without data loss."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from roost.core.collections import Collection
from roost.db.dialects.base import JSON, TEXT
from roost.db.errors import ViewDependency

_INDEX_RE = re.compile(
    r"^\s*CREATE\s+(?P<unique>UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?[`\"'\[]?(?P<name>\w+)[`\"'\]]?\s+"
    r"ON\s+[`\"'\[]?(?P<table>\w+)[`\"'\]]?\s*\((?P<columns>[^()]+)\)\s*(?:WHERE\s+(?P<where>.+?))?\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_COL_RE = re.compile(r"^[`\"'\[]?(\w+)[`\"'\]]?(?:\s+COLLATE\s+\w+)?(?:\s+(?:ASC|DESC))?$", re.IGNORECASE)


@dataclass(frozen=True)
class IndexDef:
    name: str
    table: str
    unique: bool
    columns: tuple[str, ...]
    where: str | None

    def render(self, quote: Any) -> str:
        cols = ", ".join(quote(c) for c in self.columns)
        sql = f"CREATE {'UNIQUE ' if self.unique else ''}INDEX {quote(self.name)} ON {quote(self.table)} ({cols})"
        if self.where:
            sql += f" WHERE {self.where}"
        return sql


def parse_index(sql: str) -> IndexDef | None:
    m = _INDEX_RE.match(sql)
    if not m:
        return None
    cols = []
    for part in m.group("columns").split(","):
        cm = _COL_RE.match(part.strip())
        if not cm:
            return None
        cols.append(cm.group(1))
    return IndexDef(m.group("name"), m.group("table"), bool(m.group("unique")), tuple(cols), m.group("where"))


def auth_indexes(collection_id: str, table: str) -> list[str]:
    return [
        f"CREATE UNIQUE INDEX `idx_tokenKey_{collection_id}` ON `{table}` (`tokenKey`)",
        f"CREATE UNIQUE INDEX `idx_email_{collection_id}` ON `{table}` (`email`) WHERE `email` != ''",
    ]


def _index_statements(dialect: Any, coll: Collection) -> list[str]:
    out = []
    for raw in coll.indexes:
        idx = parse_index(raw)
        if idx is None:
            continue
        where = idx.where.replace("`", '"') if idx.where else None
        out.append(IndexDef(idx.name, coll.table, idx.unique, idx.columns, where).render(dialect.quote))
    return out


def _index_names(coll: Collection) -> list[str]:
    return [idx.name for raw in coll.indexes if (idx := parse_index(raw)) is not None]


async def create_table(tx: Any, coll: Collection) -> None:
    d = tx.dialect
    for sql in d.create_table(coll.table, [(f.name, f.kind) for f in coll.columns]):
        await tx.execute(sql)
    for sql in _index_statements(d, coll):
        await tx.execute(sql)


async def drop_table(tx: Any, coll: Collection) -> None:
    await tx.execute(tx.dialect.drop_table(coll.table))


async def sync_table(tx: Any, old: Collection, new: Collection) -> None:
    """Alter `old`'s table into `new`'s: rename, add, drop and convert columns; rebuild indexes.

    Fields are matched by id, so a renamed field keeps its data."""
    d = tx.dialect
    for name in _index_names(old):
        await tx.execute(d.drop_index(name))
    if old.table != new.table:
        await tx.execute(d.rename_table(old.table, new.table))
    table = new.table
    old_by_id = {f.id: f for f in old.columns}
    new_ids = {f.id for f in new.columns}
    for f in old.columns:
        if f.id not in new_ids and f.name != "id":
            try:
                await tx.execute(d.drop_column(table, f.name))
            except ViewDependency as exc:  # a view reads the column (PocketBase's message)
                raise ViewDependency(f"failed to drop column {f.name} - {exc.message}") from None
    # renames go through temporary names so that swapping two names works
    renames = [
        (old_by_id[f.id], f) for f in new.columns if f.id in old_by_id and old_by_id[f.id].name != f.name
    ]
    for prev, nf in renames:
        await tx.execute(d.rename_column(table, prev.name, f"__tmp_{nf.id}"))
    for _prev, nf in renames:
        await tx.execute(d.rename_column(table, f"__tmp_{nf.id}", nf.name))
    for f in new.columns:
        of = old_by_id.get(f.id)
        if of is None:
            await tx.execute(d.add_column(table, f.name, f.kind))
        elif of.kind != f.kind:
            for sql in d.convert_column(table, f.name, of.kind, f.kind):
                await tx.execute(sql)
            await _convert_values(tx, table, f.name, of, f)
    for sql in _index_statements(d, new):
        await tx.execute(sql)


async def _convert_values(tx: Any, table: str, column: str, old: Any, new: Any) -> None:
    """Between single and multi values (e.g. maxSelect 1 -> 5) the stored shape changes."""
    d = tx.dialect
    q = d.quote
    if old.kind == TEXT and new.kind == JSON and new.is_multi:
        rows = await tx.fetch_all(f"SELECT {q('id')}, {q(column)} FROM {q(table)}")
        for rid, raw in rows:
            value = new.from_db(raw)
            if isinstance(value, str):
                value = [value] if value else []
            elif not isinstance(value, list):
                value = [] if value is None else [str(value)]
            await tx.execute(
                f"UPDATE {q(table)} SET {q(column)} = ? WHERE {q('id')} = ?", (d.encode_json(value), rid)
            )
    elif old.kind == JSON and new.kind == TEXT and old.is_multi:
        rows = await tx.fetch_all(f"SELECT {q('id')}, {q(column)} FROM {q(table)}")
        for rid, raw in rows:
            value = old.from_db(raw)
            last = value[-1] if isinstance(value, list) and value else ""
            await tx.execute(f"UPDATE {q(table)} SET {q(column)} = ? WHERE {q('id')} = ?", (str(last), rid))
