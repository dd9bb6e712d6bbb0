"""The fields of a view collection, inferred from its query as PocketBase 0.40 infers them.

- `id` is always a required text primary key;
- `count(...)` is an integer number, `total(...)` a number, `cast(x as T)` follows T
  (real/decimal/numeric, int/integer, text, bool/boolean);
- a column read from a collection (`p.title`, or `title` of the first FROM table) copies that
  field under the column's name, with a new `_clone_` id; `x.id` becomes a single relation to x;
- anything else (sum, avg, CASE, COALESCE, literals...) is a json field.
The database decides which columns exist (the query runs as a temporary view); the reading of
the text decides their types. Errors carry PocketBase's messages."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from roost.core.collections import Collection, Registry
from roost.core.fields import Field
from roost.core.view_parse import CAST_RE, ViewQueryError, parse_identifiers
from roost.db.errors import InvalidViewQuery
from roost.security.ids import random_string

if TYPE_CHECKING:
    from roost.db.database import Executor

ID_NAME = "id"
VIEW_ID_FIELD: dict[str, Any] = {
    "autogeneratePattern": "",
    "hidden": False,
    "id": "text3208210256",
    "max": 0,
    "min": 0,
    "name": "id",
    "pattern": "^[a-z0-9]+$",
    "presentable": False,
    "primaryKey": True,
    "required": True,
    "system": True,
    "type": "text",
}
_MISSING_ID = "missing required id column (you can use `(ROW_NUMBER() OVER()) as id` if you don't have one)"
_NAME_RE = re.compile(r"^\w+$")
_EXCLUDED_NAMES = {"null", "true", "false", "_rowid_", "collectionId", "collectionName", "expand"}


@dataclass(slots=True)
class QueryField:
    spec: dict[str, Any]
    collection: Collection | None = None  # the collection the column was read from
    original: Field | None = None  # that collection's field


def _default(name: str) -> dict[str, Any]:
    if name == ID_NAME:
        return dict(VIEW_ID_FIELD)
    return {"name": name, "type": "json", "maxSize": 1}


def suggested_fields(registry: Registry, query: str) -> dict[str, QueryField]:
    """Per column alias, the field PocketBase's text reading suggests (no database access)."""
    parsed = parse_identifiers(query)
    by_alias: dict[str, Collection] = {}
    for table in parsed.tables:
        if "(" in table.alias:
            continue
        coll = registry.by_name.get(table.original.lower())
        if coll is not None and coll.name == table.original:
            by_alias[table.alias] = coll
    main_alias = parsed.tables[0].alias if parsed.tables else ""
    result: dict[str, QueryField] = {}
    for col in parsed.columns:
        if col.alias == "*":
            raise ViewQueryError(
                "wildcard columns (*) are not supported - manually type the collection field names "
                "you want the view query to have"
            )
        lower = col.original.lower()
        if col.alias == ID_NAME:
            result[col.alias] = QueryField(dict(VIEW_ID_FIELD))
            continue
        if lower.startswith("count("):
            result[col.alias] = QueryField({"name": col.alias, "type": "number", "onlyInt": True})
            continue
        if lower.startswith("total("):
            result[col.alias] = QueryField({"name": col.alias, "type": "number"})
            continue
        cast = CAST_RE.match(lower)
        spec = _cast_field(col.alias, cast.group(1)) if cast else None
        if spec is not None:
            result[col.alias] = QueryField(spec)
            continue
        parts = col.original.split(".")
        field_name, coll = (
            (parts[1], by_alias.get(parts[0])) if len(parts) == 2 else (parts[0], by_alias.get(main_alias))
        )
        if coll is None:
            result[col.alias] = QueryField(_default(col.alias))
            continue
        source = next((f for f in coll.fields if f.name.lower() == field_name.lower()), None)
        if source is None:
            result[col.alias] = QueryField(_default(col.alias), coll)
            continue
        if field_name.lower() == ID_NAME:
            spec = {"name": col.alias, "type": "relation", "maxSelect": 1, "collectionId": coll.id}
            result[col.alias] = QueryField(spec, coll)
            continue
        clone = source.to_json()
        clone["id"] = "_clone_" + random_string(4)
        clone["name"] = col.alias
        result[col.alias] = QueryField(clone, coll, source)
    return result


def _cast_field(name: str, target: str) -> dict[str, Any] | None:
    if target in ("real", "decimal", "numeric"):
        return {"name": name, "type": "number"}
    if target in ("int", "integer"):
        return {"name": name, "type": "number", "onlyInt": True}
    if target == "text":
        return {"name": name, "type": "text"}
    if target in ("boolean", "bool"):
        return {"name": name, "type": "bool"}
    return None


@dataclass(slots=True)
class Inferred:
    """The fields of a query, as far as they could be read, and the first error met (if any)."""

    fields: list[dict[str, Any]]
    columns: list[tuple[str, str]]  # (name, declared type) as the database reports them
    error: str | None = None


async def infer(registry: Registry, tx: Executor, query: str) -> Inferred:
    """CreateViewFields: the view's fields (partial when an error is reported, as PocketBase's)."""
    try:
        suggested = suggested_fields(registry, query)
        aliases = [c.alias for c in parse_identifiers(query).columns]
        columns = await tx.dialect.query_columns(tx, query, schema_names(registry), aliases)
    except (ViewQueryError, InvalidViewQuery) as exc:
        return Inferred([], [], str(exc))
    fields: list[dict[str, Any]] = []
    for name, _type in columns:
        hit = suggested.get(name)
        fields.append(hit.spec if hit is not None else _default(name))
    if not any(name == ID_NAME for name, _ in columns):
        return Inferred(fields, columns, _MISSING_ID)
    return Inferred(fields, columns)


def schema_names(registry: Registry) -> dict[str, str]:
    """Lower-cased collection and field names -> their spelling (for engines that keep case)."""
    names: dict[str, str] = {}
    for c in registry.all():
        names.setdefault(c.name.lower(), c.name)
        for f in c.fields:
            names.setdefault(f.name.lower(), f.name)
    return names


def field_settings_error(spec: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The settings check PocketBase runs on each generated field: (raw text, API error) or None."""
    name = str(spec.get("name", ""))
    if not name:
        return "name: cannot be blank", _err("validation_required", "Cannot be blank.")
    if len(name) > 100:
        return (
            "name: the length must be between 1 and 100",
            _err("validation_length_out_of_range", "The length must be between 1 and 100.", min=1, max=100),
        )
    if not _NAME_RE.match(name):
        return "name: must be in a valid format", _err(
            "validation_match_invalid", "Must be in a valid format."
        )
    if name in _EXCLUDED_NAMES:
        return "name: must not be in list", _err("validation_not_in_invalid", "Must not be in list.")
    if "_via_" in name.lower():
        return (
            'name: the value cannot contain "_via_"',
            _err("validation_found_via", 'The value cannot contain "_via_".'),
        )
    return None


def _err(code: str, message: str, **params: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code, "message": message}
    if params:
        out["params"] = params
    return out


def normalize_id(query: str, columns: list[tuple[str, str]]) -> str:
    """PocketBase's normalizeViewQueryId: a query whose id column is not TEXT is wrapped so that
    its id is cast to text (record ids are strings)."""
    query = query.strip().strip(";")
    if any(n.lower() == ID_NAME and t.upper() == "TEXT" for n, t in columns):
        return query
    cols = [
        f"CAST(`{c.alias}` as TEXT) `{c.alias}`" if c.alias == ID_NAME else f"`{c.alias}`"
        for c in parse_identifiers(query).columns
    ]
    return f"SELECT {','.join(cols)} FROM ({query})"


def checksum_id(type_: str, name: str) -> str:
    return f"pbc_{zlib.crc32((type_ + name).encode())}"
