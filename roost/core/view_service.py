"""View collections: checking a query (dry run), saving it as a database view, and keeping the
views that read a collection in step when that collection changes.

A view collection stores no records: its `viewQuery` (PocketBase's SQLite dialect) runs as a
database view named after the collection, and its fields are inferred from the query
(core/view_fields.py). On SQLite the view is PocketBase's own SQL; other engines translate it
(db/dialects/*). Records of a view are read like any others, so rules, filters, sorts, expand
and `fields` apply unchanged; writes answer 400 (core/records.py)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import orjson

from roost.core.collections import Collection
from roost.core.fields import make_field
from roost.core.record_shape import export, row_to_record
from roost.core.view_fields import (
    ID_NAME,
    Inferred,
    checksum_id,
    field_settings_error,
    infer,
    normalize_id,
    schema_names,
)
from roost.core.view_parse import ViewQueryError, normalize_select, parse_identifiers
from roost.db.errors import InvalidViewQuery
from roost.errors import BadRequest, field_error
from roost.security.ids import random_string

if TYPE_CHECKING:
    from roost.core.app import App
    from roost.db.database import Executor

log = logging.getLogger("roost")

SAMPLE_SIZE = 10
MAX_QUERY_LENGTH = 5000


class ViewError(Exception):
    """A query the dry run refuses; `str()` is PocketBase's raw error text."""


def _aliases(query: str) -> list[str]:
    try:
        return [c.alias for c in parse_identifiers(query).columns]
    except ViewQueryError:
        return []


async def infer_fields(app: App, query: str, executor: Executor | None = None) -> Inferred:
    """The fields of `query` (PocketBase's CreateViewFields), checked against the database."""
    if executor is not None:
        return await infer(app.registry, executor, query)
    async with app.db.transaction() as tx:
        return await infer(app.registry, tx, query)


def _kinds(fields: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(f["name"], make_field(f).kind) for f in fields]


def view_select(app: App, query: str, fields: list[dict[str, Any]], columns: list[tuple[str, str]]) -> str:
    """The SELECT the database view runs: the query with its id as text, typed per field."""
    query = normalize_id(query, columns)
    return app.dialect.view_select(query, _kinds(fields), schema_names(app.registry), _aliases(query))


async def dry_run(app: App, query: str, sample_size: int = SAMPLE_SIZE) -> dict[str, Any]:
    """PocketBase's DryRunView: the inferred fields and up to `sample_size` records."""
    try:
        query = normalize_select(query)
    except ViewQueryError as exc:
        raise ViewError(str(exc)) from None
    inferred = await infer_fields(app, query)
    if inferred.error is not None:
        raise ViewError(inferred.error)
    for i, spec in enumerate(inferred.fields):
        problem = field_settings_error(spec)
        if problem is not None:
            raise ViewError(f'invalid field "{spec.get("name", "")}" ({i}): {problem[0]}.')
    name = "temp_view_" + random_string(5)
    temp = Collection(
        {"id": checksum_id("view", name), "name": name, "type": "view", "fields": inferred.fields}
    )
    q = app.dialect.quote
    source = view_select(app, query, inferred.fields, inferred.columns)
    cols = ", ".join(f"{q(name)}.{q(f.name)}" for f in temp.columns)
    try:
        async with app.db.reading() as db:  # inside an import, its new tables are visible
            rows = await db.fetch_all(
                f"SELECT {cols} FROM ({source}) AS {q(name)} LIMIT ?", [int(sample_size)]
            )
    except InvalidViewQuery as exc:
        raise ViewError(f"failed to retrieve query records: {exc}") from None
    except Exception as exc:  # the engine refused to run what it planned (e.g. a bad cast)
        raise ViewError(f"failed to retrieve query records: {getattr(exc, 'detail', '') or exc}") from None
    records = [row_to_record(temp, r) for r in rows]
    seen: set[str] = set()
    for r in records:
        rid = r.get(ID_NAME)
        if not rid:
            raise ViewError("the query could return records with empty or invalid ids")
        if rid in seen:
            raise ViewError("the query could return records with non-unique ids")
        seen.add(rid)
    return {
        "fields": [f.to_json() for f in temp.fields],
        "sample": [export(temp, r) for r in records],
    }


def query_form_error(query: str) -> dict[str, Any] | None:
    """The dry-run form's check of `query` (required, at most 5000 characters)."""
    if not query:
        return field_error("validation_required", "Cannot be blank.")
    if len(query) > MAX_QUERY_LENGTH:
        return field_error(
            "validation_length_too_long",
            f"The length must be no more than {MAX_QUERY_LENGTH}.",
            max=MAX_QUERY_LENGTH,
            min=0,
        )
    return None


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def _keep_ids(fields: list[dict[str, Any]], before: list[Any]) -> None:
    """A regenerated field keeps the id it had (submitted, or saved before) when its name and
    type are the same, so that saving or importing a view again changes nothing."""
    known: dict[tuple[str, str], str] = {}
    for f in before:
        if isinstance(f, dict) and isinstance(f.get("id"), str) and f.get("id"):
            known.setdefault((str(f.get("name")), str(f.get("type"))), f["id"])
    for f in fields:
        old = known.get((str(f.get("name")), str(f.get("type"))))
        if old is not None and f.get("name") != ID_NAME:
            f["id"] = old


async def query_errors(app: App, spec: dict[str, Any], existing: Collection | None = None) -> dict[str, Any]:
    """Infer a view collection's fields into `spec` and return its validation errors
    (`viewQuery`, `fields`) in PocketBase's shape."""
    query = spec.get("viewQuery")
    query = query if isinstance(query, str) else ""
    errors: dict[str, Any] = {}
    inferred = await infer_fields(app, normalize_select_or_keep(query)) if query.strip() else Inferred([], [])
    _keep_ids(
        inferred.fields,
        [*(spec.get("fields") or []), *(f.to_json() for f in (existing.fields if existing else []))],
    )
    spec["fields"] = inferred.fields
    if not query:
        errors["viewQuery"] = field_error("validation_required", "Cannot be blank.")
    else:
        try:
            await dry_run(app, query)
        except ViewError as exc:
            errors["viewQuery"] = field_error(
                "validation_invalid_view_query", _sentence("Invalid query - " + str(exc)[:500])
            )
    field_errors = _fields_errors(inferred.fields)
    if field_errors is not None:
        errors["fields"] = field_errors
    return errors


def normalize_select_or_keep(query: str) -> str:
    try:
        return normalize_select(query)
    except ViewQueryError:
        return query


def _fields_errors(fields: list[dict[str, Any]]) -> Any:
    if not fields:
        return field_error("validation_required", "Cannot be blank.")
    id_field = next((f for f in fields if f.get("name") == ID_NAME), None)
    if id_field is None or id_field.get("type") != "text" or not id_field.get("primaryKey"):
        return field_error("validation_missing_primary_key", 'Missing or invalid "id" PK field.')
    per_field = {
        str(i): {"name": problem[1]}
        for i, f in enumerate(fields)
        if (problem := field_settings_error(f)) is not None
    }
    return per_field or None


async def save_db_view(app: App, tx: Executor, coll: Collection, old: Collection | None) -> None:
    """(Re)create the database view of `coll` inside the collection's transaction; kept as it is
    when neither its name, its query nor its columns' types changed (a rules-only change), so
    that views reading it are left alone."""
    if (
        old is not None
        and old.table == coll.table
        and old.spec.get("viewQuery") == coll.spec.get("viewQuery")
        and [(f.name, f.kind) for f in old.columns] == [(f.name, f.kind) for f in coll.columns]
        and not old.cache.get("view_missing")
    ):
        return
    if old is not None:
        await tx.execute(app.dialect.drop_view(old.table))
    await tx.execute(app.dialect.drop_view(coll.table))
    query = normalize_select(str(coll.spec.get("viewQuery") or ""))
    inferred = await infer(app.registry, tx, query)
    if inferred.error is not None:
        raise BadRequest(_fail_message(old) + " Raw error: \n" + inferred.error)
    fields = [f.to_json() for f in coll.fields]
    try:
        await app.dialect.save_view(tx, coll.table, view_select(app, query, fields, inferred.columns))
    except InvalidViewQuery as exc:
        raise BadRequest(_fail_message(old) + f" Raw error: \n{exc}") from None


def _fail_message(old: Collection | None) -> str:
    return "Failed to create collection." if old is None else "Failed to update collection."


def _fields_signature(fields: list[dict[str, Any]]) -> bytes:
    plain = [{**make_field(f).to_json(), "id": ""} for f in fields]
    return orjson.dumps(plain, option=orjson.OPT_SORT_KEYS).lower()


def _reads(view: Collection, name: str) -> bool:
    return (
        re.search(rf"\b{re.escape(name)}\b", str(view.spec.get("viewQuery") or ""), re.IGNORECASE) is not None
    )


async def check_dependents(app: App, tx: Executor, gone: Collection) -> None:
    """Inside a delete: refuse when a view still reads the deleted collection (PocketBase's
    'Failed to delete collection.')."""
    for view in app.registry.all():
        if not view.is_view or view.id == gone.id or not _reads(view, gone.name):
            continue
        inferred = await infer(
            app.registry, tx, normalize_select_or_keep(str(view.spec.get("viewQuery") or ""))
        )
        if inferred.error is not None:
            raise BadRequest("Failed to delete collection.")


async def resave_dependents(app: App, changed_id: str) -> None:
    """After a collection changed, re-infer every other view and save those whose fields changed
    (PocketBase's resaveViewsWithChangedFields). A view whose query no longer runs is left as it
    is and logged, as PocketBase does, so that its query can be fixed."""
    from roost.core.collection_service import update_collection

    for view in app.registry.all():
        if not view.is_view or view.id == changed_id:
            continue
        query = normalize_select_or_keep(str(view.spec.get("viewQuery") or ""))
        inferred = await infer_fields(app, query)
        if inferred.error is not None:
            log.warning("view collection %s may need to be updated: %s", view.name, inferred.error)
            await mark_missing_columns(app, view)
            continue
        if _fields_signature(inferred.fields) == _fields_signature([f.to_json() for f in view.fields]):
            continue
        try:
            await update_collection(app, view, {})
        except Exception as exc:
            log.warning("view collection %s may need to be updated: %s", view.name, exc)


async def mark_missing_columns(app: App, view: Collection) -> None:
    """Fields whose column the database view no longer has (SQLite renames a view's columns with
    the source's) read as empty, as PocketBase reads them, instead of failing every request."""
    async with app.db.reading() as db:
        present = set(await app.dialect.table_columns(db, view.table))
    missing = {f.name for f in view.columns if f.name not in present}
    if missing != view.cache.get("view_missing", set()):
        view.cache.clear()
        if missing:
            view.cache["view_missing"] = missing


async def refresh_all(app: App) -> None:
    for view in app.registry.all():
        if view.is_view:
            await mark_missing_columns(app, view)
