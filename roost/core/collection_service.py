"""Creating, updating and deleting collections: validation, then table and definition in one transaction."""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import orjson

from roost.core import collection_schema, collection_store, view_service
from roost.core.collection_auth_options import auth_option_errors, merge_providers
from roost.core.collection_defaults import AUTH_SYSTEM_FIELDS, ID_FIELD, auth_options
from roost.core.collection_format import INVALID_DATA, bound_errors, check_format
from roost.core.collections import AUTH_OPTION_KEYS, NAME_RE, RULE_NAMES, Collection, Registry, collection_id
from roost.core.events import CollectionErrorEvent, CollectionEvent
from roost.core.fields import FIELD_TYPES, RelationField
from roost.core.fields.date import now
from roost.core.record_resolver import RecordResolver
from roost.core.schema_batch import after_commit
from roost.db import UniqueViolation
from roost.db.errors import InvalidSchema, ViewDependency
from roost.errors import BadRequest, ValidationError, field_error
from roost.filter import FilterError, compile_filter, parse
from roost.hooks import Hook

if TYPE_CHECKING:
    from roost.core.app import App

log = logging.getLogger("roost")

RESERVED_FIELD_NAMES = {"collectionid", "collectionname", "expand"}
AUTH_RESERVED = {"passwordconfirm", "oldpassword"}
_TABLE_IN_INDEX_RE = re.compile(r"(\bON\s+)[`\"'\[]?\w+[`\"'\]]?", re.IGNORECASE)


def _err(code: str, message: str) -> dict[str, Any]:
    return field_error(code, message)


def build_spec(data: dict[str, Any], existing: Collection | None) -> dict[str, Any]:
    """Merge submitted JSON over the existing definition (or the defaults for a new one).
    Auth option objects merge key by key, so `{"passwordAuth": {"enabled": false}}` keeps the rest."""
    if existing is not None:
        spec = existing.to_storage()
        readonly: tuple[str, ...] = ("id", "created", "updated", "system")
    else:
        spec = {
            "listRule": None,
            "viewRule": None,
            "createRule": None,
            "updateRule": None,
            "deleteRule": None,
            "indexes": [],
            "system": False,
        }
        if (data.get("type") or "base") == "auth":
            spec.update(auth_options())
        readonly = ("created", "updated", "system")
    for key, value in data.items():
        if key in readonly:
            continue
        if key == "oauth2" and isinstance(value, dict) and isinstance(spec.get(key), dict):
            spec[key] = {**spec[key], **value, "providers": merge_providers(spec[key], value)}
        elif key in AUTH_OPTION_KEYS and isinstance(value, dict) and isinstance(spec.get(key), dict):
            spec[key] = {**spec[key], **value}
        else:
            spec[key] = value
    if existing is None:
        spec["type"] = data.get("type") or "base"
    return spec


def _normalize_fields(spec: dict[str, Any], existing: Collection | None, errors: dict[str, Any]) -> None:
    raw_fields = spec.get("fields")
    if raw_fields is None:
        raw_fields = []
    if not isinstance(raw_fields, list) or not all(isinstance(f, dict) for f in raw_fields):
        errors["fields"] = _err("validation_invalid_fields", "Fields must be a list of objects.")
        return
    fields = [copy.deepcopy(f) for f in raw_fields]
    if spec.get("type") == "view":  # inferred from the query (core/view_fields.py)
        spec["fields"] = fields
        return
    old_by_id = {f.id: f for f in existing.fields} if existing else {}
    old_by_name = {f.name: f for f in existing.fields} if existing else {}
    for f in fields:
        if not f.get("id"):
            old = old_by_name.get(f.get("name", ""))
            if old is not None and old.type == f.get("type", old.type):
                f["id"] = old.id
        if f.get("id") in old_by_id:
            old = old_by_id[f["id"]]
            if old.system:
                f["system"] = True
    names = {f.get("name") for f in fields}
    if "id" not in names:
        fields.insert(0, copy.deepcopy(ID_FIELD))
    if spec.get("type") == "auth":
        for sysf in AUTH_SYSTEM_FIELDS:
            if sysf["name"] not in names:
                fields.append(copy.deepcopy(sysf))
    # keep removed system fields of an existing collection
    if existing is not None:
        ids = {f.get("id") for f in fields}
        for old in existing.fields:
            if old.system and old.id not in ids and old.name not in names:
                fields.append(old.to_json())
    spec["fields"] = fields


async def _internal_table(app: App, spec: dict[str, Any]) -> bool:
    """Whether the submitted name is a table of Roost's own (`_params`, `_migrations`, ...),
    which PocketBase refuses as a collection name."""
    name = spec.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name) or app.registry.find(name) is not None:
        return False
    return await app.dialect.table_exists(app.db, name)


def _validate(
    app: App,
    spec: dict[str, Any],
    existing: Collection | None,
    internal_table: bool = False,
    view_errors: dict[str, Any] | None = None,
) -> Collection:
    errors: dict[str, Any] = {}
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        errors["name"] = _err("validation_required", "Cannot be blank.")
    elif not NAME_RE.match(name) or len(name) > 255:
        errors["name"] = _err(
            "validation_invalid_name", "Invalid collection name: use letters, digits and underscores."
        )
    else:
        other = app.registry.find(name)
        if other is not None and (existing is None or other.id != existing.id):
            errors["name"] = _err(
                "validation_collection_name_exists", "Collection name must be unique (case insensitive)."
            )
        elif existing is not None and existing.system and name != existing.name:
            errors["name"] = _err(
                "validation_collection_system_name_change", "System collection name cannot be changed."
            )
        elif internal_table:
            errors["name"] = _err(
                "validation_collection_name_invalid",
                "The name shouldn't match with an existing internal table.",
            )
    if spec.get("type") not in ("base", "auth", "view"):
        errors["type"] = _err("validation_in_invalid", "Must be a valid value.")
    elif existing is not None and spec.get("type") != existing.type:
        errors["type"] = _err("validation_collection_type_change", "Collection type cannot be changed.")
    if spec.get("type") == "auth":
        errors.update(auth_option_errors(spec))
    for rule in RULE_NAMES:
        if spec.get(rule) is not None and not isinstance(spec.get(rule), str):
            errors[rule] = _err("validation_invalid_rule", "Rules must be strings or null.")
    if not isinstance(spec.get("indexes", []), list):
        errors["indexes"] = _err(
            "validation_invalid_indexes", "Indexes must be a list of CREATE INDEX statements."
        )
        spec["indexes"] = []
    if spec.get("type") == "view":
        for rule in ("createRule", "updateRule", "deleteRule"):
            if spec.get(rule) is not None:
                errors[rule] = _err("validation_nil", "Must be blank.")
        if spec.get("indexes"):
            errors["indexes"] = _err(
                "validation_indexes_not_supported", "View collections don't support indexes."
            )
        errors.update(view_errors or {})
    _normalize_fields(spec, existing, errors)
    # a bad name alone does not stop the other checks: PocketBase reports all problems at once
    name_errors = {k: errors.pop(k) for k in ("name",) if k in errors}
    if errors:
        raise ValidationError({**name_errors, **errors}, _fail(existing))
    if name_errors:
        spec = {**spec, "name": existing.name if existing is not None else "__invalid_name__"}

    field_errors: dict[str, Any] = {}
    seen: set[str] = set()
    for i, f in enumerate(spec["fields"]):
        ferr: dict[str, Any] = {}
        fname = f.get("name")
        if not isinstance(fname, str) or not NAME_RE.match(fname or ""):
            ferr["name"] = _err(
                "validation_invalid_name", "Invalid field name: use letters, digits and underscores."
            )
        elif fname.lower() in seen:
            ferr["name"] = _err("validation_duplicated_field_name", "Duplicated or invalid field name.")
        elif fname.lower() in RESERVED_FIELD_NAMES or (
            spec["type"] == "auth" and fname.lower() in AUTH_RESERVED
        ):
            ferr["name"] = _err("validation_not_in_invalid", "Must not be in list.")
        else:
            seen.add(fname.lower())
        if f.get("type") not in FIELD_TYPES:  # only a kept system field can get here
            ferr["type"] = _err("validation_invalid_field_type", "Unknown field type.")
        if ferr:
            field_errors[str(i)] = ferr
    if field_errors:
        raise ValidationError({**name_errors, "fields": field_errors}, _fail(existing))

    if existing is None:
        spec["id"] = spec.get("id") or collection_id(spec["type"], spec["name"])
        if app.registry.by_id.get(spec["id"]) is not None:
            raise ValidationError(
                {"id": _err("validation_invalid_id", "The collection id is already in use.")}, _fail(existing)
            )
    else:
        spec["id"] = existing.id
    for f in spec["fields"]:
        # relations may name their collection; store its id so renames do not break them
        target_ref = f.get("collectionId") if f.get("type") == "relation" else None
        if isinstance(target_ref, str) and target_ref:
            if target_ref in (spec["name"], spec["id"]):
                f["collectionId"] = spec["id"]
            elif (target := app.registry.find(target_ref)) is not None:
                f["collectionId"] = target.id
    try:
        coll = Collection(spec)
    except (KeyError, TypeError, ValueError):
        raise BadRequest(INVALID_DATA) from None

    # a registry as it would be after the change, to check relations and rules
    scratch = Registry()
    for c in app.registry.all():
        scratch.put(c)
    scratch.put(coll)
    for i, f in enumerate(coll.fields):
        opt_err = {**(bound_errors(f) or {}), **(f.check_options(coll, scratch) or {})}
        if opt_err:
            field_errors[str(i)] = opt_err
        if existing is not None:
            old_same_id = next((o for o in existing.fields if o.id == f.id), None)
            if (
                old_same_id is not None
                and old_same_id.system
                and old_same_id.type != f.type
                and not coll.is_view
            ):
                field_errors[str(i)] = {
                    "type": _err("validation_field_type_change", "System field type cannot be changed.")
                }
            elif old_same_id is not None and old_same_id.type != f.type and not coll.is_view:
                field_errors[str(i)] = {
                    "type": _err(
                        "validation_field_type_change",
                        "Field type cannot be changed; add a new field instead.",
                    )
                }
    if field_errors:
        raise ValidationError({**name_errors, "fields": field_errors}, _fail(existing))

    rule_errors: dict[str, Any] = {}
    auth_colls = [c for c in scratch.all() if c.is_auth]
    rule_names = list(RULE_NAMES) + (["authRule", "manageRule"] if coll.is_auth else [])
    rules = [(rule, coll.rules.get(rule)) for rule in rule_names]
    mfa = coll.options.get("mfa") if coll.is_auth else None
    if isinstance(mfa, dict) and mfa.get("enabled") and isinstance(mfa.get("rule"), str):
        rules.append(("mfa.rule", mfa["rule"]))
    for rule, text in rules:
        if not text:
            continue
        # valid when it compiles for at least one auth collection a caller may come from
        error: FilterError | None = None
        for auth in auth_colls:
            try:
                compile_filter(
                    parse(text), RecordResolver(scratch, coll, auth, strict_auth=True), app.dialect
                )
                error = None
                break
            except FilterError as exc:
                error = error or exc
        if error is not None:
            message = _err("validation_invalid_rule", f"Invalid rule. Raw error: {error.message}")
            if rule == "mfa.rule":
                rule_errors["mfa"] = {"rule": message}
            else:
                rule_errors[rule] = message
    if rule_errors or name_errors:
        raise ValidationError({**name_errors, **rule_errors}, _fail(existing))

    index_errors: dict[str, Any] = {}
    for i, raw in enumerate(coll.indexes):
        idx = collection_schema.parse_index(raw) if isinstance(raw, str) else None
        if idx is None:
            index_errors[str(i)] = _err(
                "validation_invalid_index_expression", "Invalid CREATE INDEX expression."
            )
            continue
        missing = [c for c in idx.columns if coll.field(c) is None]
        if missing:
            index_errors[str(i)] = _err(
                "validation_invalid_index_expression", f"Unknown index column(s): {', '.join(missing)}."
            )
    if index_errors:
        raise ValidationError({"indexes": index_errors}, _fail(existing))
    return coll


def _fail(existing: Collection | None) -> str:
    return "Failed to create collection." if existing is None else "Failed to update collection."


def _with_table_name(indexes: list[str], table: str) -> list[str]:
    """Indexes are kept as written; only those naming another table (after a rename) are rewritten."""
    out = []
    for raw in indexes:
        idx = collection_schema.parse_index(raw)
        if idx is not None and idx.table != table:
            raw = _TABLE_IN_INDEX_RE.sub(lambda m: m.group(1) + f"`{table}`", raw, count=1)
        out.append(raw)
    return out


async def create_collection(app: App, data: dict[str, Any]) -> Collection:
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    check_format(data)
    spec = build_spec(data, None)
    view_errors = await view_service.query_errors(app, spec) if spec.get("type") == "view" else None
    coll = _validate(app, spec, None, await _internal_table(app, spec), view_errors)
    spec = coll.spec
    spec["indexes"] = _with_table_name(spec.get("indexes") or [], coll.name)
    if coll.is_auth:
        existing_names = {i.name for raw in spec["indexes"] if (i := collection_schema.parse_index(raw))}
        for raw in collection_schema.auth_indexes(coll.id, coll.name):
            idx = collection_schema.parse_index(raw)
            if idx and idx.name not in existing_names:
                spec["indexes"].append(raw)
    spec["created"] = spec["updated"] = now()
    coll = Collection(spec)

    async def write(e: CollectionEvent) -> None:
        try:
            async with app.db.transaction() as tx:
                await collection_store.insert(tx, e.collection)
                if e.collection.is_view:
                    await view_service.save_db_view(app, tx, e.collection, None)
                else:
                    await collection_schema.create_table(tx, e.collection)
        except InvalidSchema:
            raise ValidationError(
                {"indexes": _err("validation_invalid_index_expression", "Invalid index expression.")},
                _fail(None),
            ) from None
        app.registry.put(e.collection)
        await view_service.resave_dependents(app, e.collection.id)
        await after_commit(app.collections_changed)

    hooks = app.hooks
    await _run(
        app,
        CollectionEvent(app, coll),
        hooks.collection_create,
        write,
        hooks.collection_after_create_success,
        hooks.collection_after_create_error,
    )
    return coll


async def update_collection(app: App, existing: Collection, data: dict[str, Any]) -> Collection:
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    check_format(data)
    spec = build_spec(data, existing)
    view_errors = (
        await view_service.query_errors(app, spec, existing)
        if existing.is_view and spec.get("type") == "view"
        else None
    )
    coll = _validate(app, spec, existing, await _internal_table(app, spec), view_errors)
    spec = coll.spec
    spec["indexes"] = _with_table_name(spec.get("indexes") or [], coll.name)
    spec["created"] = existing.created
    spec["updated"] = now()
    coll = Collection(spec)

    async def write(e: CollectionEvent) -> None:
        try:
            async with app.db.transaction() as tx:
                await collection_store.update(tx, e.collection)
                if e.collection.is_view:
                    await view_service.save_db_view(app, tx, e.collection, existing)
                else:
                    await collection_schema.sync_table(tx, existing, e.collection)
        except ViewDependency as exc:
            raise BadRequest(f"Failed to update collection. Raw error: \n{exc.message}") from None
        except InvalidSchema:
            raise ValidationError(
                {"indexes": _err("validation_invalid_index_expression", "Invalid index expression.")},
                _fail(existing),
            ) from None
        except UniqueViolation:
            raise ValidationError(
                {
                    "indexes": _err(
                        "validation_invalid_index_expression",
                        "Failed to create a unique index: existing records have duplicate values.",
                    )
                },
                _fail(existing),
            ) from None
        app.registry.put(e.collection)
        await view_service.resave_dependents(app, e.collection.id)
        await after_commit(app.collections_changed)

    hooks = app.hooks
    await _run(
        app,
        CollectionEvent(app, coll, existing),
        hooks.collection_update,
        write,
        hooks.collection_after_update_success,
        hooks.collection_after_update_error,
    )
    return coll


async def delete_collection(app: App, coll: Collection) -> None:
    if coll.system:
        raise BadRequest("System collections cannot be deleted.")
    for other in app.registry.all():
        if other.id == coll.id:
            continue
        for f in other.fields:
            if isinstance(f, RelationField) and f.collection_id == coll.id:
                raise BadRequest(
                    f"Unable to delete collection due to existing relation reference in {other.name!r}; "
                    "remove or change that field first."
                )

    async def write(e: CollectionEvent) -> None:
        try:
            async with app.db.transaction() as tx:
                await collection_store.delete(tx, coll)
                if coll.is_view:
                    await tx.execute(app.dialect.drop_view(coll.table))
                else:
                    await collection_schema.drop_table(tx, coll)
                await view_service.check_dependents(app, tx, coll)
        except ViewDependency:
            raise BadRequest("Failed to delete collection.") from None
        app.registry.remove(coll)

        async def remove_files() -> None:
            await app.storage.adelete_prefix(coll.id)

        await after_commit(remove_files)
        await after_commit(app.collections_changed)

    hooks = app.hooks
    await _run(
        app,
        CollectionEvent(app, coll),
        hooks.collection_delete,
        write,
        hooks.collection_after_delete_success,
        hooks.collection_after_delete_error,
    )


async def _run(
    app: App,
    event: CollectionEvent,
    hook: Hook[CollectionEvent],
    write: Callable[[CollectionEvent], Awaitable[None]],
    success: Hook[CollectionEvent],
    error: Hook[CollectionErrorEvent],
) -> None:
    """The model hook around the write; after-success hooks once it committed (errors logged)."""
    done = False

    async def default(e: CollectionEvent) -> None:
        nonlocal done
        await write(e)
        done = True

    try:
        await hook.trigger(event, default)
    except Exception as exc:
        if error.handlers:
            try:
                await error.trigger(CollectionErrorEvent(app, event.collection, exc))
            except Exception:
                log.exception("collection after-error handler failed")
        raise
    if done and success.handlers:

        async def succeeded() -> None:
            try:
                await success.trigger(CollectionEvent(app, event.collection, event.original))
            except Exception:
                log.exception("collection after-success handler failed (the change was committed)")

        await after_commit(succeeded)  # inside an import: once all of it has committed


# `_collections` seen as a collection, so listing collections reuses the filter and sort engine
# over the fields PocketBase allows there: id, created, updated, name, system, type.
_COLLECTIONS_VIEW = Collection(
    {
        "id": "_collections",
        "name": "_collections",
        "type": "base",
        "fields": [{"name": n, "type": "text"} for n in ("id", "name", "type", "created", "updated")]
        + [{"name": "system", "type": "bool"}],
    }
)


async def list_collections(app: App, query: dict[str, str]) -> dict[str, Any]:
    from roost.core.records import page_params

    page, per_page = page_params(query)
    q = app.dialect.quote
    view = _COLLECTIONS_VIEW
    where, params = "", []
    if query.get("filter", "").strip():
        c = app.compile_filter(view, query["filter"].strip(), None, client=False, superuser=True)
        where, params = f" WHERE {c.sql}", c.bind(None)
    order = f" ORDER BY {q('created')} ASC, {q('id')} ASC"
    if query.get("sort", "").strip():
        s, _ = app.compile_sort(view, query["sort"].strip(), None, True)
        order = f" ORDER BY {s.sql}"
        params_order = s.bind(None)
    else:
        params_order = []
    rows = await app.db.fetch_all(
        f"SELECT {q('data')} FROM {q('_collections')}{where}{order} LIMIT ? OFFSET ?",
        [*params, *params_order, per_page, (page - 1) * per_page],
    )
    items = []
    for (data,) in rows:
        spec = orjson.loads(data)
        live = app.registry.by_id.get(spec["id"])
        items.append((live or Collection(spec)).to_json())
    if query.get("skipTotal", "").lower() in ("1", "true"):
        total, pages = -1, -1
    else:
        total = int(await app.db.fetch_val(f"SELECT COUNT(*) FROM {q('_collections')}{where}", params) or 0)
        pages = (total + per_page - 1) // per_page
    return {"items": items, "page": page, "perPage": per_page, "totalItems": total, "totalPages": pages}
