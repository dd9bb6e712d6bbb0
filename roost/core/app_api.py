"""What scripts, migrations and hooks call on an `App`: find, save and delete records and
collections, import PocketBase collection exports, and run several writes in one transaction.

    app = await roost.App.open(dir="roost_data")
    posts = app.find_collection_by_name_or_id("posts")
    recent = await app.find_records_by_filter(posts, "created > {:since}", sort="-created",
                                              limit=10, params={"since": "2024-01-01"})

Everything here acts with superuser rights: API rules apply to requests, not to code."""

from __future__ import annotations

import contextlib
import copy
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import orjson

from roost.core import collection_service, record_write
from roost.core.collections import AUTH_RULE_NAMES, RULE_NAMES, Collection, Registry
from roost.core.fields import RelationField
from roost.core.record import Record
from roost.core.record_shape import row_to_record, select_sql
from roost.core.records import SUPERUSERS_ID, Caller, fetch_record
from roost.core.schema_batch import schema_batch
from roost.errors import BadRequest, NotFound, RoostError

if TYPE_CHECKING:
    from roost.core.app import App

log = logging.getLogger("roost")

T = TypeVar("T")
Model = Record | Collection


def _loaded(coll: Collection, data: dict[str, Any]) -> Record:
    """A stored record: not new, `original()` equal to its values."""
    return Record(coll, data, original=dict(data))


def _caller(app: App) -> Caller:
    """Code acts as a superuser: rules are for requests."""
    return Caller(auth={"id": ""}, auth_coll=app.registry.by_id.get(SUPERUSERS_ID))


def filter_with_params(text: str, params: dict[str, Any] | None) -> str:
    """Put `{:name}` placeholders' values into a filter as PocketBase does: numbers, bools and
    null as they are, everything else as a quoted text literal (which the filter engine then
    binds as a SQL parameter, never splicing it into SQL)."""
    for key, value in (params or {}).items():
        if value is None:
            literal = "null"
        elif isinstance(value, bool):
            literal = "true" if value else "false"
        elif isinstance(value, int | float):
            literal = repr(value)
        else:
            raw = value if isinstance(value, str) else orjson.dumps(value, default=str).decode()
            literal = '"' + raw.replace("\\", "\\\\").replace('"', '\\"') + '"'
        text = text.replace("{:" + key + "}", literal)
    return text


class _Access:
    """The library calls, reading and writing through `scope` when inside a transaction."""

    def __init__(self, app: App, scope: record_write.WriteScope | None) -> None:
        self.app = app
        self.scope = scope

    @property
    def reader(self) -> Any:
        return self.scope.tx if self.scope is not None else self.app.db

    def collection(self, ref: str | Collection) -> Collection:
        key = ref.id if isinstance(ref, Collection) else ref
        coll = self.app.registry.find(key) if key else None
        if coll is None:
            raise NotFound(f"Missing or invalid collection {key!r}.")
        return coll

    async def find_record_by_id(self, collection: str | Collection, record_id: str) -> Record:
        coll = self.collection(collection)
        data = await fetch_record(self.app, coll, record_id, self.reader)
        if data is None:
            raise NotFound(f"No record {record_id!r} in {coll.name!r}.")
        return _loaded(coll, data)

    async def find_records_by_filter(
        self,
        collection: str | Collection,
        filter: str = "",
        sort: str = "",
        limit: int = 0,
        offset: int = 0,
        params: dict[str, Any] | None = None,
    ) -> list[Record]:
        app = self.app
        coll = self.collection(collection)
        q = app.dialect.quote
        sql = select_sql(coll, q)
        args: list[Any] = []
        where: list[str] = []
        text = filter_with_params(filter, params).strip()
        if text:
            c = app.compile_filter(coll, text, None, client=False, superuser=True)
            where.append(c.sql)
            args += c.bind(None)
        order, order_args = "", []
        if sort.strip():
            s, sort_filter = app.compile_sort(coll, filter_with_params(sort, params).strip(), None, True)
            order, order_args = f" ORDER BY {s.sql}", s.bind(None)
            if sort_filter is not None:
                where.append(sort_filter.sql)
                args += sort_filter.bind(None)
        if where:
            sql += " WHERE " + " AND ".join(f"({w})" for w in where)
        sql += order
        args += order_args
        if limit > 0 or offset > 0:
            sql += " LIMIT ? OFFSET ?"
            args += [limit if limit > 0 else 2**62, max(offset, 0)]
        rows = await self.reader.fetch_all(sql, args)
        return [_loaded(coll, row_to_record(coll, row)) for row in rows]

    async def save(self, model: Model) -> Any:
        if isinstance(model, Record):
            return await self._save_record(model)
        if isinstance(model, Collection):
            self._no_schema_in_tx()
            return await save_collection(self.app, model.spec)
        raise TypeError("save() takes a Record or a Collection.")

    async def delete(self, model: Model) -> None:
        app = self.app
        if isinstance(model, Record):
            coll = self.collection(model.collection)
            existing = await fetch_record(app, coll, model.id, self.reader)
            if existing is None:
                raise NotFound(f"No record {model.id!r} in {coll.name!r}.")
            await record_write.delete(app, coll, existing, self.scope)
            return
        if isinstance(model, Collection):
            self._no_schema_in_tx()
            await collection_service.delete_collection(app, self.collection(model))
            return
        raise TypeError("delete() takes a Record or a Collection.")

    async def _save_record(self, record: Record) -> Record:
        app = self.app
        coll = self.collection(record.collection)
        if record.is_new:
            existing = None
            data = record.to_dict()
        else:
            existing = await fetch_record(app, coll, record.id, self.reader)
            if existing is None:
                raise NotFound(f"No record {record.id!r} in {coll.name!r}.")
            before = record.original()
            data = {k: v for k, v in record.data.items() if k not in before or before[k] != v}
        if coll.is_auth and data.get("password") and "passwordConfirm" not in data:
            data["passwordConfirm"] = data["password"]
        saved = await record_write.save(
            app, coll, _caller(app), existing, data, {}, False, rule=None, scope=self.scope
        )
        record.collection = coll
        record.data = saved
        record._original = dict(saved)  # saved: what it was "loaded" as from now on
        return record

    def _no_schema_in_tx(self) -> None:
        if self.scope is not None:
            raise BadRequest(
                "Collections cannot be changed inside run_in_transaction; change them outside it."
            )


class TxApp:
    """The app as seen inside `run_in_transaction`: record reads and writes go through the open
    transaction; anything else is the app's own attribute."""

    def __init__(self, app: App, scope: record_write.WriteScope) -> None:
        self._app = app
        self._access = _Access(app, scope)
        self.find_record_by_id = self._access.find_record_by_id
        self.find_records_by_filter = self._access.find_records_by_filter
        self.save = self._access.save
        self.delete = self._access.delete

    def __getattr__(self, name: str) -> Any:
        return getattr(self._app, name)


async def save_collection(app: App, data: dict[str, Any]) -> Collection:
    """Create the collection, or update the one with the same id (else the same name) to `data`."""
    data = copy.deepcopy(data)
    existing = app.registry.by_id.get(data.get("id") or "")
    if existing is None and not data.get("id") and data.get("name"):
        existing = app.registry.find(str(data["name"]))
    if existing is not None:
        return await collection_service.update_collection(app, existing, data)
    return await collection_service.create_collection(app, data)


class CollectionImportError(BadRequest):
    """An import failed at one collection: `name` and `collection_id` say which, `cause` why
    (a ValidationError's fields say which of its settings were refused)."""

    def __init__(self, name: str, collection_id: str, cause: RoostError) -> None:
        super().__init__(f"Failed to import collection {name!r}: {cause.message}")
        self.name = name
        self.collection_id = collection_id
        self.cause = cause


@contextlib.asynccontextmanager
async def _importing(name: Any, collection_id: Any) -> AsyncIterator[None]:
    try:
        yield
    except CollectionImportError:
        raise
    except RoostError as exc:
        raise CollectionImportError(str(name or ""), str(collection_id or ""), exc) from exc


async def import_collections(app: App, items: Sequence[dict[str, Any]], delete_missing: bool = False) -> None:
    """Bring the schema to PocketBase collection JSON `items` (an export from its dashboard).

    New collections are created first without their relations and rules (they may point at
    collections later in the list), then every imported collection is updated to its full
    definition; with `delete_missing`, non-system collections not in `items` are then deleted.
    All of it is one database transaction (core/schema_batch.py): if a step fails, nothing of
    the import stays, and a CollectionImportError names the collection that failed."""
    if not isinstance(items, list | tuple) or not all(isinstance(i, dict) for i in items):
        raise BadRequest("import_collections() takes a list of collection objects.")
    async with schema_batch(app):
        await _import_all(app, list(items), delete_missing)


async def _import_all(app: App, items: list[dict[str, Any]], delete_missing: bool) -> None:
    # views are saved last: their queries read the other collections (and maybe other views)
    views = [i for i in items if i.get("type") == "view"]
    items = [i for i in items if i.get("type") != "view"]
    for item in items:
        found = app.registry.by_id.get(item.get("id") or "") or (
            None if item.get("id") else app.registry.find(str(item.get("name") or ""))
        )
        if found is None:
            bare: dict[str, Any] = {
                k: item[k] for k in ("id", "name", "type") if k in item and item[k] not in (None, "")
            }
            bare["fields"] = [
                f for f in item.get("fields") or [] if isinstance(f, dict) and f.get("type") != "relation"
            ]
            async with _importing(item.get("name"), item.get("id")):
                await collection_service.create_collection(app, bare)
    targets = []
    for item in items:
        async with _importing(item.get("name"), item.get("id")):
            targets.append(_target(app, item))
    # fields and indexes first, then rules: a rule may read a relation of a later collection
    for target, item in zip(targets, items, strict=True):
        no_rules = {k: v for k, v in copy.deepcopy(item).items() if k not in _ALL_RULES}
        no_rules.update(dict.fromkeys(RULE_NAMES))
        async with _importing(item.get("name"), target):
            await collection_service.update_collection(app, app.registry.by_id[target], no_rules)
    for target, item in zip(targets, items, strict=True):
        async with _importing(item.get("name"), target):
            await collection_service.update_collection(app, app.registry.by_id[target], copy.deepcopy(item))
    await _import_views(app, views)
    if delete_missing:
        keep = {app.registry.find(str(i.get("id") or i.get("name") or "")) for i in [*items, *views]}
        await _delete_all(app, [c for c in app.registry.all() if c not in keep and not c.system])


_ALL_RULES = (*RULE_NAMES, *AUTH_RULE_NAMES)


async def _import_views(app: App, views: list[dict[str, Any]]) -> None:
    """Save imported view collections, those read by later ones first: each round saves the
    views whose query runs now, until none is left (or the rest cannot run: the first error)."""
    pending = list(views)
    while pending:
        failed: list[dict[str, Any]] = []
        error: BaseException | None = None
        for item in pending:
            found = app.registry.by_id.get(item.get("id") or "") or (
                None if item.get("id") else app.registry.find(str(item.get("name") or ""))
            )
            try:
                async with _importing(item.get("name"), item.get("id")):
                    if found is None:
                        await collection_service.create_collection(app, copy.deepcopy(item))
                    else:
                        await collection_service.update_collection(app, found, copy.deepcopy(item))
            except BadRequest as exc:
                failed.append(item)
                error = error or exc
        if len(failed) == len(pending):
            assert error is not None
            raise error
        pending = failed


def _target(app: App, item: dict[str, Any]) -> str:
    """The id of the collection an imported item updates."""
    found = app.registry.by_id.get(item.get("id") or "") or app.registry.find(str(item.get("name") or ""))
    if found is None:
        raise BadRequest(f"Cannot import collection {item.get('name')!r}.")
    return found.id


async def _delete_all(app: App, doomed: list[Collection]) -> None:
    """Delete collections, those that others still point at last."""
    pending = list(doomed)
    while pending:
        ids = {c.id for c in pending}

        def referenced(c: Collection, ids: set[str] = ids) -> bool:
            return any(
                isinstance(f, RelationField) and f.collection_id == c.id and o.id != c.id
                for o in app.registry.all()
                if o.id in ids
                for f in o.fields
            )

        free = [c for c in pending if not referenced(c)] or pending[:1]
        for c in free:
            async with _importing(c.name, c.id):
                await collection_service.delete_collection(app, app.registry.by_id.get(c.id) or c)
            pending.remove(c)


class LibraryApi:
    """Mixed into `App`: the calls library code makes (see the module docstring)."""

    registry: Registry

    def find_collection_by_name_or_id(self, name_or_id: str) -> Collection:
        coll = self.registry.find(name_or_id)
        if coll is None:
            raise NotFound(f"Missing or invalid collection {name_or_id!r}.")
        return coll

    async def find_record_by_id(self, collection: str | Collection, record_id: str) -> Record:
        return await _Access(self._app(), None).find_record_by_id(collection, record_id)

    async def find_records_by_filter(
        self,
        collection: str | Collection,
        filter: str = "",
        sort: str = "",
        limit: int = 0,
        offset: int = 0,
        params: dict[str, Any] | None = None,
    ) -> list[Record]:
        """Records matching a filter in PocketBase's syntax; `{:name}` placeholders take `params`."""
        return await _Access(self._app(), None).find_records_by_filter(
            collection, filter, sort, limit, offset, params
        )

    async def find_first_record_by_filter(
        self, collection: str | Collection, filter: str, params: dict[str, Any] | None = None
    ) -> Record:
        found = await self.find_records_by_filter(collection, filter, limit=1, params=params)
        if not found:
            raise NotFound("No record matches the filter.")
        return found[0]

    async def save(self, model: Model) -> Any:
        """Create or update a Record (updated in place and returned) or a Collection (returns
        the saved Collection: collections are immutable). Raises ValidationError as the API does."""
        return await _Access(self._app(), None).save(model)

    async def delete(self, model: Model) -> None:
        await _Access(self._app(), None).delete(model)

    async def import_collections(self, data: Any, delete_missing: bool = False) -> None:
        """Import PocketBase collection JSON: a list of collections, `{"collections": [...]}`,
        or the same as a JSON string."""
        if isinstance(data, str | bytes):
            data = orjson.loads(data)
        if isinstance(data, dict) and isinstance(data.get("collections"), list):
            data = data["collections"]
        await import_collections(self._app(), data, delete_missing)

    async def run_in_transaction(self, fn: Callable[[Any], Awaitable[T] | T]) -> T:
        """Run `fn(tx_app)` in one transaction: its record writes commit together or not at all."""
        app = self._app()
        async with record_write.write_scope(app) as scope:
            result = fn(TxApp(app, scope))
            if inspect.isawaitable(result):
                result = await result
        return result

    def _app(self) -> App:
        return self  # type: ignore[return-value]
