"""What a record write's own statement checks, so that it needs no query of its own: the create
rule, checked as PocketBase checks it (against the record as submitted, in a row of bound values:
before validation and the insert, so the new row is not among the rows the rule reads), and that
the related records exist. When the guarded statement writes nothing, the queries here find out
why, in PocketBase's order: the rule's refusal first, then the missing relations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roost.core.collections import Collection
from roost.core.fields import PasswordField, RelationField
from roost.core.fields.multi import as_list
from roost.errors import BadRequest, ValidationError, field_error
from roost.security.ids import LOWER_ALNUM, random_string

if TYPE_CHECKING:
    from roost.core.app import App
    from roost.core.record_write import Draft, WriteScope

# a relation check: (field name, the related collection's table, the ids that must all exist)
RelationCheck = tuple[str, str, list[Any]]

MISSING_RELATIONS = (
    "validation_missing_rel_records",
    "Failed to find all relation records with the provided ids.",
)


def relation_checks(
    app: App, coll: Collection, record: dict[str, Any], changed: set[str]
) -> tuple[dict[str, Any], list[RelationCheck]]:
    """The changed relations' errors known without a query (an unknown collection), and the
    checks to run: (field, target table, ids) whose rows must all exist."""
    errors: dict[str, Any] = {}
    checks: list[RelationCheck] = []
    for f in coll.fields:
        if not isinstance(f, RelationField) or f.name not in changed:
            continue
        ids = as_list(record.get(f.name))
        if not ids:
            continue
        target = app.registry.find(f.collection_id)
        if target is None:
            errors[f.name] = field_error(*MISSING_RELATIONS)
        else:
            checks.append((f.name, target.table, ids))
    return errors, checks


def relation_condition(app: App, checks: list[RelationCheck]) -> tuple[str, list[Any]]:
    """SQL that holds when every related row of `checks` exists, and its parameters."""
    q = app.dialect.quote
    parts, params = [], []
    for _, table, ids in checks:
        marks = ", ".join("?" for _ in ids)
        parts.append(f"(SELECT COUNT(*) FROM {q(table)} WHERE {q('id')} IN ({marks})) = {len(set(ids))}")
        params.extend(ids)
    return " AND ".join(parts), params


async def missing_relations(app: App, checks: list[RelationCheck], executor: Any) -> dict[str, Any]:
    """The relation errors of `checks`, one query per related collection."""
    q = app.dialect.quote
    errors: dict[str, Any] = {}
    for name, table, ids in checks:
        marks = ", ".join("?" for _ in ids)
        rows = await executor.fetch_all(f"SELECT {q('id')} FROM {q(table)} WHERE {q('id')} IN ({marks})", ids)
        if len(rows) != len(set(ids)):
            errors[name] = field_error(*MISSING_RELATIONS)
    return errors


def rule_row(coll: Collection, record: dict[str, Any]) -> list[Any]:
    """The values a create rule is checked against, as PocketBase checks it: the record as
    submitted, before any hook or validation: `verified` false, no password hash and no
    timestamps yet (and a temporary id when none was given: `rule_condition`)."""
    row: list[Any] = []
    for f in coll.columns:
        value = record.get(f.name, f.zero())
        if coll.is_auth and f.name == "verified":
            value = False
        elif isinstance(f, PasswordField):
            value = ""
        row.append(list(value) if isinstance(value, list) else value)  # later stages edit lists
    return row


def rule_condition(app: App, draft: Draft, rule: str) -> tuple[str, list[Any]]:
    """SQL that holds when the create rule accepts the record as submitted, and its parameters.
    A rule that reads the record's own fields reads them from the rule row, a row of bound
    values named like the table (with a temporary id when none was given, as PocketBase's)."""
    coll, caller, d = draft.coll, draft.caller, app.dialect
    compiled = app.compile_filter(coll, rule, caller.auth_coll, client=False, superuser=caller.superuser)
    params = compiled.bind(caller.info)
    if f"{d.quote(coll.table)}." not in compiled.sql:  # request values only (`@request.auth.id != ""`)
        return f"({compiled.sql})", params
    assert draft.rule_row is not None
    row_sql: str | None = coll.cache.get("rule_row")
    if row_sql is None:
        row_sql = d.literal_row(coll.table, [(f.name, f.kind) for f in coll.columns], typed=False)
        coll.cache["rule_row"] = row_sql
    row = []
    for f, value in zip(coll.columns, draft.rule_row, strict=True):
        if f.name == "id" and not value:
            value = "__temp_id____pb_create__" + random_string(6, LOWER_ALNUM)
        row.append(f.to_db(value, d))
    return f"EXISTS (SELECT 1 FROM {row_sql} WHERE ({compiled.sql}))", [*row, *params]


def guarded_insert_sql(app: App, coll: Collection, condition: str) -> str:
    """INSERT of one row (its values bound first, then the condition's) that writes it only if
    `condition` holds."""
    key = ("guarded_insert", condition)
    sql: str | None = coll.cache.get(key)
    if sql is None:
        d = app.dialect
        names = ", ".join(d.quote(f.name) for f in coll.columns)
        values = ", ".join(d.value_param(f.kind) for f in coll.columns)
        sql = f"INSERT INTO {d.quote(coll.table)} ({names}) SELECT {values} WHERE {condition}"
        coll.cache[key] = sql
    return sql


async def why_not_written(
    app: App, draft: Draft, rule: str | None, checks: list[RelationCheck] | None
) -> BadRequest:
    """Why a guarded INSERT wrote nothing, in PocketBase's order: the create rule, then the
    relations (it wrote nothing, so the database itself answers)."""
    fail = BadRequest(draft.fail_message)
    if not checks or (rule and not await rule_allows(app, draft, rule, None)):
        return fail
    errors = await missing_relations(app, checks, app.db)
    return ValidationError(errors, draft.fail_message) if errors else fail


async def refusal_before_checks(
    app: App, draft: Draft, rule: str | None, scope: WriteScope | None, exc: Exception
) -> BadRequest | None:
    """A create that failed before its rule was checked: PocketBase checks the rule first, so a
    caller the rule refuses gets its refusal and learns nothing of validation."""
    if not isinstance(exc, BadRequest):
        return None
    try:
        await check_rule_first(app, draft, rule, scope)
    except BadRequest as refused:
        return refused
    return None


async def check_rule_first(app: App, draft: Draft, rule: str | None, scope: WriteScope | None) -> None:
    """Check the create rule now, before a hook sees the create (PocketBase's order; where no
    hook comes first, the INSERT checks it instead, without a query of its own)."""
    if not rule or draft.rule_row is None or draft.rule_checked:
        return
    if not await rule_allows(app, draft, rule, scope):
        raise BadRequest(draft.fail_message)
    draft.rule_checked = True


async def rule_allows(app: App, draft: Draft, rule: str, scope: WriteScope | None) -> bool:
    """Whether the create rule accepts the record as submitted (`rule_row`)."""
    rule_sql, params = rule_condition(app, draft, rule)
    reader = scope.tx if scope is not None else app.db
    return await reader.fetch_one(f"SELECT 1 WHERE {rule_sql}", params) is not None
