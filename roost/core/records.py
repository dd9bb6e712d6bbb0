"""Record CRUD: rules, validation, writes and expand — the domain behind the records API."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from roost.core import record_guards, record_write
from roost.core.collections import Collection
from roost.core.events import RecordEnrichEvent
from roost.core.record import Record
from roost.core.record_resolver import RequestInfo
from roost.core.record_shape import export, row_exporter, row_to_record, select_columns, select_sql
from roost.errors import BadRequest, Forbidden, NotFound

if TYPE_CHECKING:
    from roost.core.app import App

SUPERUSERS_ID = "pbc_3142635823"
MAX_PER_PAGE = 1000
DEFAULT_PER_PAGE = 30


@dataclass(slots=True)
class Caller:
    """Who is asking, and the request values rules may read."""

    auth: dict[str, Any] | None = None
    auth_coll: Collection | None = None
    info: RequestInfo = field(default_factory=RequestInfo)

    @property
    def superuser(self) -> bool:
        return self.auth is not None and self.auth_coll is not None and self.auth_coll.id == SUPERUSERS_ID

    @property
    def auth_id(self) -> str | None:
        return self.auth["id"] if self.auth is not None else None


def locked_error() -> Forbidden:
    return Forbidden("Only superusers can perform this action.")


async def rule_matches(
    app: App, coll: Collection, rule: str, record_id: str, caller: Caller, executor: Any = None
) -> bool:
    """Whether the stored record `record_id` satisfies a rule expression for `caller`."""
    q = app.dialect.quote
    compiled = app.compile_filter(coll, rule, caller.auth_coll, client=False, superuser=caller.superuser)
    sql = f"SELECT 1 FROM {q(coll.table)} WHERE {q(coll.table)}.{q('id')} = ? AND ({compiled.sql})"
    ex = executor or app.db
    return await ex.fetch_one(sql, [record_id, *compiled.bind(caller.info)]) is not None


async def is_manager(
    app: App, coll: Collection, record_id: str, caller: Caller, executor: Any = None
) -> bool:
    if caller.superuser:
        return True
    rule = coll.rules.get("manageRule")
    if not coll.is_auth or rule is None or caller.auth is None:
        return False
    if rule == "":
        return True
    return await rule_matches(app, coll, rule, record_id, caller, executor)


_INT_RE = re.compile(r"[+-]?[0-9]+")


def page_params(query: dict[str, str]) -> tuple[int, int]:
    """`page` and `perPage` read as Go's strconv.Atoi reads them: int64 digits only, else a 400."""
    page = _int64(query.get("page") or "1")
    per_page = _int64(query.get("perPage") or str(DEFAULT_PER_PAGE))
    if page <= 0:
        page = 1
    if per_page <= 0:
        per_page = DEFAULT_PER_PAGE
    per_page = min(per_page, MAX_PER_PAGE)
    # past this page the offset would not fit the engines' 64-bit integers; every such page is empty
    return min(page, (2**63 - 1) // per_page), per_page


def _int64(text: str) -> int:
    if not _INT_RE.fullmatch(text):
        raise BadRequest()
    value = int(text)
    if not -(2**63) <= value < 2**63:
        raise BadRequest()
    return value


_GO_BOOLS = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True}
_GO_BOOLS.update({"0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False})


def skip_total_param(query: dict[str, str]) -> bool:
    """`skipTotal` as PocketBase reads it (Go's strconv.ParseBool; other values are a 400)."""
    raw = query.get("skipTotal", "")
    if raw == "":
        return False
    if raw not in _GO_BOOLS:
        raise BadRequest("Something went wrong while processing your request.")
    return _GO_BOOLS[raw]


async def list_records(app: App, coll: Collection, caller: Caller, query: dict[str, str]) -> dict[str, Any]:
    rule = coll.rules["listRule"]
    if rule is None and not caller.superuser:
        raise locked_error()
    page, per_page = page_params(query)
    skip_total = skip_total_param(query)
    q = app.dialect.quote
    where: list[str] = []
    params: list[Any] = []
    flt = query.get("filter", "")
    sort = query.get("sort", "")
    # the filter is compiled (and its errors reported) before the sort, as PocketBase does
    flt_c = (
        app.compile_filter(coll, flt, caller.auth_coll, client=True, superuser=caller.superuser)
        if flt
        else None
    )
    order_params: list[Any] = []
    sort_filter = None
    if sort:
        s, sort_filter = app.compile_sort(coll, sort, caller.auth_coll, caller.superuser)
        order = " ORDER BY " + s.sql
        order_params = s.bind(caller.info)
    else:
        order = (
            app.dialect.unsorted_view_order(q(coll.table))
            if coll.is_view
            else app.dialect.insertion_order(q(coll.table))
        )
    shared = None
    if rule and not caller.superuser and (flt or sort):
        shared = app.compile_list_where(coll, rule, flt, sort, caller.auth_coll)
    if shared is not None:
        # the rule walks relations: rule, filter and sort share their joins
        where.append(shared.sql)
        params += shared.bind(caller.info)
    else:
        if rule and not caller.superuser:
            c = app.compile_filter(coll, rule, caller.auth_coll, client=False, superuser=False)
            where.append(c.sql)
            params += c.bind(caller.info)
        if flt_c is not None:
            where.append(flt_c.sql)
            params += flt_c.bind(caller.info)
        if sort_filter is not None:
            where.append(sort_filter.sql)
            params += sort_filter.bind(caller.info)
    where_sql = (" WHERE " + " AND ".join(f"({w})" for w in where)) if where else ""
    table = q(coll.table)
    count_sql = f"SELECT COUNT(*) FROM {table}{where_sql}"
    offset = (page - 1) * per_page
    # filtered or sorted: the statement may scan, so engines that would block the loop run it elsewhere
    fetch = app.db.fetch_scan if where or order else app.db.fetch_all
    if skip_total:
        rows = await fetch(
            select_sql(coll, q) + where_sql + order + " LIMIT ? OFFSET ?",
            [*params, *order_params, per_page, offset],
        )
        total, total_pages = -1, -1
    else:
        # the total rides in the page's own statement as one more column: an uncorrelated scalar
        # subquery, which both engines evaluate once, so a list is one statement and one round trip
        sql = (
            f"SELECT {select_columns(coll, q)}, ({count_sql}) FROM {table}{where_sql}{order} LIMIT ? OFFSET ?"
        )
        rows = await fetch(sql, [*params, *params, *order_params, per_page, offset])
        if rows:
            total = int(rows[0][-1])
        elif page > 1:  # past the last page: no row carries the total, so count alone
            total = int((await fetch(count_sql, params))[0][0])
        else:
            total = 0
        total_pages = (total + per_page - 1) // per_page
    expand = query.get("expand", "")
    if expand:
        records = [row_to_record(coll, r) for r in rows]
        if records:
            await expand_records(app, coll, records, expand, caller)
        items = [to_json(coll, r, caller) for r in records]
    else:
        export_row = row_exporter(coll, caller.superuser)
        auth_id = caller.auth_id if caller.auth_coll is coll else None
        items = [export_row(r, auth_id) for r in rows]
    return {
        "items": items,
        "page": page,
        "perPage": per_page,
        "totalItems": total,
        "totalPages": total_pages,
    }


def to_json(
    coll: Collection, record: dict[str, Any], caller: Caller, manager: bool = False
) -> dict[str, Any]:
    auth_id = caller.auth_id if caller.auth_coll is coll else None
    return export(coll, record, superuser=caller.superuser, auth_id=auth_id, manager=manager)


async def fetch_record(
    app: App, coll: Collection, record_id: str, executor: Any = None
) -> dict[str, Any] | None:
    row = await (executor or app.db).fetch_one(_by_id_sql(app, coll), (record_id,))
    return row_to_record(coll, row) if row else None


def _by_id_sql(app: App, coll: Collection) -> str:
    sql = coll.cache.get("by_id")
    if sql is None:
        q = app.dialect.quote
        sql = coll.cache["by_id"] = select_sql(coll, q) + f" WHERE {q('id')} = ?"
    return str(sql)


async def _row_under_rule(
    app: App, coll: Collection, caller: Caller, rule: str, record_id: str, executor: Any = None
) -> Any:
    """The stored row of `record_id` if it meets `rule` for `caller` (any row for "" or a
    superuser), else None: one query, the rule in its WHERE."""
    ex = executor or app.db
    if not rule or caller.superuser:
        return await ex.fetch_one(_by_id_sql(app, coll), (record_id,))
    q = app.dialect.quote
    c = app.compile_filter(coll, rule, caller.auth_coll, client=False, superuser=False)
    sql = select_sql(coll, q) + f" WHERE {q(coll.table)}.{q('id')} = ? AND ({c.sql})"
    return await ex.fetch_one(sql, [record_id, *c.bind(caller.info)])


async def _viewable_row(app: App, coll: Collection, caller: Caller, record_id: str) -> Any:
    """The stored row of `record_id` if `caller` may view it: null rule -> 403, unmet -> 404."""
    rule = coll.rules["viewRule"]
    if rule is None and not caller.superuser:
        raise locked_error()
    row = await _row_under_rule(app, coll, caller, rule or "", record_id)
    if row is None:
        raise NotFound()
    return row


async def view_record(
    app: App, coll: Collection, caller: Caller, record_id: str, expand: str = ""
) -> dict[str, Any]:
    record = row_to_record(coll, await _viewable_row(app, coll, caller, record_id))
    if expand:
        await expand_records(app, coll, [record], expand, caller)
    return record


async def view_json(app: App, coll: Collection, caller: Caller, record_id: str) -> dict[str, Any]:
    """What `view_record` + `to_json` give for a view without expand, exported straight from the
    row (one pass instead of two: the common view request)."""
    row = await _viewable_row(app, coll, caller, record_id)
    auth_id = caller.auth_id if caller.auth_coll is coll else None
    return row_exporter(coll, caller.superuser)(row, auth_id)  # type: ignore[no-any-return]


async def check_record_rule(
    app: App,
    coll: Collection,
    caller: Caller,
    rule_name: str,
    record_id: str,
    executor: Any = None,
    body: Any = None,
) -> dict[str, Any]:
    """Load a record for update/delete, enforcing the rule: null -> 403, unmet -> 404.
    `body(record)` gives what `@request.body.*` reads: the submitted values applied to the record."""
    rule = coll.rules[rule_name]
    if rule is None and not caller.superuser:
        raise locked_error()
    # a rule that reads nothing of the submitted values (the common case) is checked in the
    # query that loads the record; one under `@request.body` needs the record applied first
    in_query = body is None or "@request.body" not in (rule or "")
    if in_query:
        row = await _row_under_rule(app, coll, caller, rule or "", record_id, executor)
        record = row_to_record(coll, row) if row is not None else None
    else:
        record = await fetch_record(app, coll, record_id, executor)
    if record is None:
        raise NotFound()
    caller.info.record = record
    if body is not None:
        caller.info.body = body(record)
    checked = in_query or not rule or caller.superuser
    if not checked and not await rule_matches(app, coll, rule or "", record_id, caller, executor):
        raise NotFound()
    return record


def begin_create(
    coll: Collection,
    caller: Caller,
    data: dict[str, Any],
    files: dict[str, list[Any]],
    from_form: bool = False,
) -> record_write.Draft:
    """The request stage of a create: access to the collection, then the submitted values applied."""
    if coll.is_view:
        raise BadRequest("Unsupported collection type.")
    if coll.rules["createRule"] is None and not caller.superuser:
        raise locked_error()
    return record_write.prepare(coll, caller, None, data, files, from_form)


async def check_create_rule_first(app: App, draft: record_write.Draft, scope: Any = None) -> None:
    """The create rule checked now, before the request hooks run (PocketBase's order: no hook
    sees a create the rule refuses); `finish_create` checks it otherwise."""
    await record_guards.check_rule_first(app, draft, _create_rule(draft), scope)


async def finish_create(app: App, draft: record_write.Draft, scope: Any = None) -> dict[str, Any]:
    """Validate and insert, if the create rule accepts the record as submitted (one statement)."""
    return await record_write.save_draft(app, draft, _create_rule(draft), scope)


def _create_rule(draft: record_write.Draft) -> str | None:
    """The create rule the draft's caller is held to (none for a superuser)."""
    return None if draft.caller.superuser else draft.coll.rules["createRule"]


async def begin_update(
    app: App,
    coll: Collection,
    caller: Caller,
    record_id: str,
    data: dict[str, Any],
    files: dict[str, list[Any]],
    from_form: bool = False,
    scope: Any = None,
) -> record_write.Draft:
    """The request stage of an update: the update rule, then the submitted values applied."""
    if coll.is_view:
        raise BadRequest("Unsupported collection type.")
    existing = await check_record_rule(
        app,
        coll,
        caller,
        "updateRule",
        record_id,
        scope.tx if scope else None,
        body=lambda record: record_write.submitted_body(coll, record, data, caller, from_form),
    )
    return record_write.prepare(coll, caller, existing, data, files, from_form)


async def create_record(
    app: App,
    coll: Collection,
    caller: Caller,
    data: dict[str, Any],
    files: dict[str, list[Any]],
    from_form: bool = False,
    scope: Any = None,
) -> dict[str, Any]:
    return await finish_create(app, begin_create(coll, caller, data, files, from_form), scope)


async def update_record(
    app: App,
    coll: Collection,
    caller: Caller,
    record_id: str,
    data: dict[str, Any],
    files: dict[str, list[Any]],
    from_form: bool = False,
    scope: Any = None,
) -> dict[str, Any]:
    draft = await begin_update(app, coll, caller, record_id, data, files, from_form, scope)
    return await record_write.save_draft(app, draft, None, scope)


async def begin_delete(
    app: App, coll: Collection, caller: Caller, record_id: str, scope: Any = None
) -> dict[str, Any]:
    """The request stage of a delete: the delete rule; returns the record to delete."""
    if coll.is_view:
        raise BadRequest("Unsupported collection type.")
    return await check_record_rule(app, coll, caller, "deleteRule", record_id, scope.tx if scope else None)


async def delete_record(
    app: App, coll: Collection, caller: Caller, record_id: str, scope: Any = None
) -> None:
    existing = await begin_delete(app, coll, caller, record_id, scope)
    await record_write.delete(app, coll, existing, scope)


async def enrich(app: App, coll: Collection, items: list[dict[str, Any]], caller: Caller) -> None:
    """on_record_enrich for each exported record (a no-op while nothing is bound)."""
    hook = app.hooks.record_enrich
    if not hook.handlers:
        return
    auth = Record(caller.auth_coll, caller.auth) if caller.auth is not None and caller.auth_coll else None
    for item in items:
        await hook.trigger(RecordEnrichEvent(app, Record(coll, item), auth))


# --- expand ---------------------------------------------------------------------------------------------
MAX_EXPAND_DEPTH = 6


def parse_expand(raw: str) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path in raw.split(","):
        path = path.strip()
        if not path:
            continue
        parts = path.split(".")[:MAX_EXPAND_DEPTH]
        node = tree
        for p in parts:
            node = node.setdefault(p, {})
    return tree


async def expand_records(
    app: App, coll: Collection, records: list[dict[str, Any]], raw: str, caller: Caller
) -> None:
    from roost.core.record_expand import expand_tree

    tree = parse_expand(raw)
    if not any(expandable(app, coll, name, caller) for name in tree):
        return  # PocketBase leaves `expand` out when no path names a relation the caller may expand
    for r in records:
        r.setdefault("@expand", {})
    await expand_tree(app, coll, records, tree, caller)


def expandable(app: App, coll: Collection, name: str, caller: Caller) -> bool:
    from roost.core.fields import RelationField

    if isinstance(coll.field(name), RelationField):
        return True
    other_name, via, field_name = name.partition("_via_")
    other = app.registry.find(other_name) if via else None
    back = other.field(field_name) if other is not None else None
    if other is None or not isinstance(back, RelationField) or back.collection_id != coll.id:
        return False
    return caller.superuser or other.rules["viewRule"] is not None
