"""Creating, updating and deleting records: input mapping, validation, one transaction per write
(or one statement that commits by itself, where the engine makes that cheaper: `write_scope`)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any

from roost.core import record_guards as guards
from roost.core.collections import Collection
from roost.core.events import RecordErrorEvent, RecordEvent
from roost.core.fields import AutodateField, PasswordField, PlainPassword, TextField
from roost.core.fields.cast import infer_form_value
from roost.core.fields.date import now
from roost.core.record import Record
from roost.core.record_shape import row_to_record
from roost.db import UniqueViolation
from roost.errors import BadRequest, ValidationError, field_error
from roost.security.ids import random_id
from roost.security.passwords import check_password, hash_password
from roost.storage import StorageError

if TYPE_CHECKING:
    from roost.core.app import App
    from roost.core.records import Caller

log = logging.getLogger("roost")

AUTH_ONLY_KEYS = ("passwordConfirm", "oldPassword")


def _split_key(key: str) -> tuple[str, str]:
    """`views+` -> ("views", "+"); `+tags` -> ("tags", "prepend"); `title:autogenerate`."""
    if key.startswith("+"):
        return key[1:], "prepend"
    if key.endswith("+"):
        return key[:-1], "+"
    if key.endswith("-"):
        return key[:-1], "-"
    if key.endswith(":autogenerate"):
        return key[: -len(":autogenerate")], "autogenerate"
    return key, ""


def _apply_input(
    coll: Collection,
    record: dict[str, Any],
    data: dict[str, Any],
    caller: Caller,
    from_form: bool,
    creating: bool,
) -> dict[str, Any]:
    """Apply submitted values (plain first, then modifiers); returns the body as rules see it."""
    body: dict[str, Any] = {}
    modifiers: list[tuple[Any, str, Any]] = []
    for key, value in data.items():
        name, mod = _split_key(key)
        f = coll.field(name) or coll.lower_field_map.get(name.lower())
        if f is None or isinstance(f, AutodateField):
            continue
        if f.hidden and not caller.superuser and not isinstance(f, PasswordField):
            continue
        if f.name == "id" and not creating:
            continue
        if coll.is_auth and f.name == "tokenKey" and not caller.superuser:
            continue
        if mod:
            modifiers.append((f, mod, value))
            continue
        if from_form:
            value = infer_form_value(value)
        record[f.name] = f.prepare(value)
        body[f.name] = record[f.name]
    for f, mod, value in modifiers:
        record[f.name] = f.apply_modifier(record.get(f.name, f.zero()), mod, value)
        body[f.name] = record[f.name]
    return body


def submitted_body(
    coll: Collection, record: dict[str, Any], data: dict[str, Any], caller: Caller, from_form: bool
) -> dict[str, Any]:
    """The submitted values with modifiers resolved against `record`, as rules see them."""
    return _apply_input(coll, dict(record), data, caller, from_form, creating=False)


def _unique_error(coll: Collection, exc: UniqueViolation, message: str) -> ValidationError:
    from roost.core.collection_schema import parse_index

    columns = exc.columns
    if not columns and exc.index:
        for raw in coll.indexes:
            idx = parse_index(raw)
            if idx is not None and idx.name == exc.index:
                columns = idx.columns
    errors = {}
    for col in columns:
        if coll.field(col) is not None:
            errors[col] = field_error("validation_not_unique", "Value must be unique.")
    if not errors:
        errors["id"] = field_error("validation_not_unique", "Value must be unique.")
    return ValidationError(errors, message)


class WriteScope:
    """An open write transaction shared by several record writes (the batch API), with the work
    to do once it commits (after-success hooks, removing replaced files), if it rolls back (new
    files go) and, for a shared scope, when the whole batch fails (after-error hooks)."""

    def __init__(self, tx: Any) -> None:
        self.tx = tx
        self.after_commit: list[Callable[[], Awaitable[None]]] = []
        self.on_rollback: list[Callable[[], None]] = []
        self.on_failure: list[Callable[[BaseException], Awaitable[None]]] = []

    async def committed(self) -> None:
        """The write is durable: what follows can no longer fail it, so errors are only logged."""
        for fn in self.after_commit:
            try:
                await fn()
            except Exception:
                log.exception("after-commit handler failed (the write was committed)")

    def rolled_back(self) -> None:
        for fn in self.on_rollback:
            fn()

    async def failed(self, error: BaseException) -> None:
        for fn in self.on_failure:
            try:
                await fn(error)
            except Exception:
                log.exception("after-error handler failed")


def write_scope(
    app: App, scope: WriteScope | None = None, *, alone: bool = False
) -> AbstractAsyncContextManager[WriteScope]:
    """Use `scope` if given (its owner commits), else run in a transaction of our own; `alone`:
    the block makes one write statement, nothing after it can fail, and it commits by itself
    (`Database.writes_alone()`). Leaving a scope of our own runs its after-commit work, or its
    rollback work when the block or the COMMIT failed."""
    return _ScopeContext(app.db, scope, alone)


class _ScopeContext:
    """`write_scope()`. A class rather than a generator-based context manager: every record
    write passes through it."""

    __slots__ = ("alone", "db", "given", "own", "tx")

    def __init__(self, db: Any, given: WriteScope | None, alone: bool) -> None:
        self.db = db
        self.given = given
        self.alone = alone
        self.tx: AbstractAsyncContextManager[Any] | None = None

    async def __aenter__(self) -> WriteScope:
        if self.given is not None:
            return self.given
        if self.alone:  # `tx` is the database itself: the statement commits alone
            self.own = WriteScope(self.db)
            return self.own
        self.tx = self.db.transaction()
        self.own = WriteScope(await self.tx.__aenter__())
        return self.own

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if self.given is not None:
            return False
        if self.tx is not None:
            try:
                await self.tx.__aexit__(exc_type, exc, tb)
            except BaseException:
                self.own.rolled_back()  # the COMMIT failed
                raise
            if exc_type is not None:
                self.own.rolled_back()
        if exc_type is None:
            await self.own.committed()
        return False


@dataclass(slots=True)
class Draft:
    """A record write in progress: the record with the submitted values applied, and what the
    later stages need."""

    coll: Collection
    caller: Caller
    record: dict[str, Any]
    old: dict[str, Any]
    data: dict[str, Any]
    files: dict[str, list[Any]]
    creating: bool
    saved: dict[str, Any] | None = None
    pending_files: Any = None
    # a create's record as submitted, as its create rule sees it (see `guards.rule_row`)
    rule_row: list[Any] | None = None
    rule_checked: bool = False  # the create rule was checked (before the hooks, or by the INSERT)
    defer_relations: bool = False  # whether the write's statement may check the relations
    # relations whose rows must exist, left by validation to the write (field, table, ids)
    relation_checks: list[guards.RelationCheck] | None = None

    @property
    def fail_message(self) -> str:
        return "Failed to create record." if self.creating else "Failed to update record."


def prepare(
    coll: Collection,
    caller: Caller,
    existing: dict[str, Any] | None,
    data: dict[str, Any],
    files: dict[str, list[Any]],
    from_form: bool,
) -> Draft:
    """The request stage: the submitted values applied to a new record or a copy of `existing`."""
    creating = existing is None
    record: dict[str, Any] = {f.name: f.zero() for f in coll.columns} if existing is None else dict(existing)
    old = dict(existing) if existing else {}
    caller.info.body = _apply_input(coll, record, data, caller, from_form, creating)
    draft = Draft(coll, caller, record, old, data, files, creating)
    if creating and not caller.superuser and coll.rules.get("createRule"):
        draft.rule_row = guards.rule_row(coll, record)
    return draft


async def save(
    app: App,
    coll: Collection,
    caller: Caller,
    existing: dict[str, Any] | None,
    data: dict[str, Any],
    files: dict[str, list[Any]],
    from_form: bool,
    rule: str | None,
    scope: WriteScope | None = None,
) -> dict[str, Any]:
    """Create (existing is None) or update a record. Nothing is written unless everything passes."""
    return await save_draft(app, prepare(coll, caller, existing, data, files, from_form), rule, scope)


async def save_draft(
    app: App, draft: Draft, rule: str | None, scope: WriteScope | None = None
) -> dict[str, Any]:
    """on_record_create/update around validate (on_record_validate) and execute (inside the
    transaction, on_record_*_execute); after-success hooks run once it commits. `rule` is a
    create rule checked against the inserted row before the commit."""
    hooks = app.hooks
    record = Record(draft.coll, draft.record, original=None if draft.creating else draft.old)
    event = RecordEvent(app, record)

    async def validate_and_execute(e: RecordEvent) -> None:
        # the write's statement checks the relations too, unless a handler of the validation
        # would miss their errors (or the write shares a batch's transaction)
        draft.defer_relations = scope is None and not hooks.record_validate.applies(e)
        await hooks.record_validate.trigger(e, lambda _: _validate(app, draft, scope))
        await _execute(app, draft, rule, scope, e)

    if draft.creating and (hooks.record_create.applies(event) or hooks.record_validate.applies(event)):
        await guards.check_rule_first(app, draft, rule, scope)  # no hook sees a refused create
    try:
        await (hooks.record_create if draft.creating else hooks.record_update).trigger(
            event, validate_and_execute
        )
    except Exception as exc:
        failure = await guards.refusal_before_checks(app, draft, rule, scope, exc) or exc
        error_hook = hooks.record_after_create_error if draft.creating else hooks.record_after_update_error
        await trigger_error(app, error_hook, record, failure)
        if failure is exc:
            raise
        raise failure from None
    return draft.saved if draft.saved is not None else draft.record


async def trigger_error(app: App, hook: Any, record: Record, exc: BaseException) -> None:
    if not hook.handlers:
        return
    try:
        await hook.trigger(RecordErrorEvent(app, record, exc))
    except Exception:
        log.exception("after-error handler failed")


async def _validate(app: App, draft: Draft, scope: WriteScope | None) -> None:
    """Auth fields, ids, autodates, uploads, every field and relation; passwords hashed last."""
    from roost.core.records import is_manager

    reader = scope.tx if scope is not None else app.db
    coll, caller, record, old, creating = draft.coll, draft.caller, draft.record, draft.old, draft.creating
    fail_message = draft.fail_message
    password_fields: list[PasswordField] | None = coll.cache.get("password_fields")
    if password_fields is None:
        password_fields = [f for f in coll.columns if isinstance(f, PasswordField)]
        coll.cache["password_fields"] = password_fields
    if any(f.unhashable(record.get(f.name)) for f in password_fields):
        raise BadRequest(fail_message)
    manager = False if creating else await is_manager(app, coll, record["id"], caller, reader)
    errors: dict[str, Any] = {}

    if coll.is_auth:
        errors.update(await _auth_fields(app, coll, caller, record, old, draft.data, creating, manager))
        mismatch = errors.get("passwordConfirm", {}).get("code") == "validation_values_mismatch"
        if mismatch or errors.get("oldPassword"):
            raise ValidationError(errors, fail_message)

    if creating:
        id_field = coll.field("id")
        if not record.get("id") and isinstance(id_field, TextField):
            record["id"] = id_field.autogenerate() or random_id()
    timestamp = now()
    for f in coll.fields:
        if isinstance(f, AutodateField):
            stamp = f.stamp(creating, timestamp)
            if stamp is not None:
                record[f.name] = stamp

    # file fields get their final names (uploads included) before the fields validate
    from roost.core.record_files import prepare_uploads

    draft.pending_files, file_errors = prepare_uploads(app, coll, record, old, draft.files, draft.data)
    errors.update(file_errors)

    for f in coll.columns:
        err = f.validate(record.get(f.name, f.zero()), record)
        if err is not None and f.name not in errors:
            errors[f.name] = err

    changed = {k for k in record if creating or record.get(k) != old.get(k)}
    relation_errors, checks = guards.relation_checks(app, coll, record, changed)
    if checks and draft.defer_relations and not errors and not relation_errors:
        # checked by the write itself (`_write`), a query fewer
        draft.relation_checks = checks
    elif checks:
        relation_errors.update(await guards.missing_relations(app, checks, reader))
    for name, err in relation_errors.items():
        errors.setdefault(name, err)
    if errors:
        raise ValidationError(errors, fail_message)

    for f in password_fields:
        v = record.get(f.name)
        if isinstance(v, PlainPassword):
            record[f.name] = (
                await hash_password(str(v), f.options.get("cost") or 10) if v else (old.get(f.name) or "")
            )


async def _execute(
    app: App, draft: Draft, rule: str | None, scope: WriteScope | None, e: RecordEvent
) -> None:
    creating = draft.creating
    hooks = app.hooks
    execute_hook = hooks.record_create_execute if creating else hooks.record_update_execute
    # one statement that commits by itself, when nothing else has to share its transaction
    alone = (
        scope is None
        and app.db.writes_alone()
        and not (draft.pending_files is not None and draft.pending_files.to_write)
        and not execute_hook.applies(e)
    )
    async with write_scope(app, scope, alone=alone) as ws:
        e.tx = ws.tx
        try:
            await execute_hook.trigger(e, lambda _: _write(app, draft, rule, ws))
        finally:
            e.tx = None
        if draft.saved is None:  # a handler stopped the chain: nothing was written
            return
        if draft.pending_files is not None:
            ws.on_rollback.append(draft.pending_files.rollback)
            try:
                await draft.pending_files.commit()
            except StorageError as exc:
                # the store refused or is unreachable: PocketBase's 400 for the write, the cause logged
                log.warning("storing the files of a %s record failed: %s", draft.coll.name, exc)
                raise BadRequest(draft.fail_message) from None
        ws.after_commit.append(lambda: _after_save(app, draft))
        if scope is not None:
            error_hook = hooks.record_after_create_error if creating else hooks.record_after_update_error
            record = Record(draft.coll, draft.saved, original=None if creating else draft.old)
            ws.on_failure.append(lambda exc: trigger_error(app, error_hook, record, exc))


async def _write(app: App, draft: Draft, rule: str | None, ws: WriteScope) -> None:
    coll, record, old, creating = draft.coll, draft.record, draft.old, draft.creating
    changed = {k for k in record if creating or record.get(k) != old.get(k)}
    q = app.dialect.quote
    d = app.dialect
    tx = ws.tx
    checks = draft.relation_checks
    try:
        if creating:
            values = [f.to_db(record.get(f.name, f.zero()), d) for f in coll.columns]
            conditions, params = [], []
            if rule and not draft.rule_checked:  # (checked already where a hook came first)
                # the row is written only if the rule accepts the record as submitted (PocketBase's
                # check: before the insert, so the new row is not among the rows a rule can read)
                rule_sql, rule_params = guards.rule_condition(app, draft, rule)
                conditions.append(rule_sql)
                params.extend(rule_params)
                draft.rule_checked = True
            if checks:
                relations_sql, relation_params = guards.relation_condition(app, checks)
                conditions.append(relations_sql)
                params.extend(relation_params)
            if conditions:
                guarded = guards.guarded_insert_sql(app, coll, " AND ".join(conditions))
                if not await tx.execute(guarded, [*values, *params]):
                    raise await guards.why_not_written(app, draft, rule, checks)
            else:
                sql = coll.cache.get("insert_sql")
                if sql is None:  # the collection's cache is dropped whenever its schema changes
                    names = [q(f.name) for f in coll.columns]
                    sql = f"INSERT INTO {q(coll.table)} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
                    coll.cache["insert_sql"] = sql
                await tx.execute(sql, values)
            draft.saved = row_to_record(coll, values)
            return
        else:
            cols = [f for f in coll.columns if f.name in changed and f.name != "id"]
            if cols:
                sets = ", ".join(f"{q(f.name)} = ?" for f in cols)
                update_sql = f"UPDATE {q(coll.table)} SET {sets} WHERE {q('id')} = ?"
                params = [*(f.to_db(record.get(f.name), d) for f in cols), record["id"]]
                if checks:
                    relations_sql, relation_params = guards.relation_condition(app, checks)
                    update_sql += f" AND {relations_sql}"
                    params.extend(relation_params)
                if not await tx.execute(update_sql, params) and checks:
                    errors = await guards.missing_relations(app, checks, tx)
                    if errors:
                        raise ValidationError(errors, draft.fail_message)
    except UniqueViolation as exc:
        raise _unique_error(coll, exc, draft.fail_message) from None
    draft.saved = row_to_record(coll, [f.to_db(record.get(f.name), d) for f in coll.columns])


async def _after_save(app: App, draft: Draft) -> None:
    coll, old, saved = draft.coll, draft.old, draft.saved
    assert saved is not None
    if not draft.creating:
        from roost.core.record_files import delete_file, removed_files

        for name in removed_files(coll, old, saved):
            await delete_file(app, coll, saved["id"], name)
        if coll.is_auth:
            app.auth_records.clear()
            if saved.get("tokenKey") != old.get("tokenKey"):
                app.token_cache.clear()
    hook = app.hooks.record_after_create_success if draft.creating else app.hooks.record_after_update_success
    if hook.handlers:
        await hook.trigger(RecordEvent(app, Record(coll, saved, original=None if draft.creating else old)))


async def _auth_fields(
    app: App,
    coll: Collection,
    caller: Caller,
    record: dict[str, Any],
    old: dict[str, Any],
    data: dict[str, Any],
    creating: bool,
    manager: bool,
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    privileged = caller.superuser or manager
    password = data.get("password")
    if creating:
        record["tokenKey"] = coll.field("tokenKey").autogenerate()  # type: ignore[union-attr]
        if not privileged:
            record["verified"] = False
        confirm = data.get("passwordConfirm")
        if confirm in (None, ""):
            errors["passwordConfirm"] = field_error("validation_required", "Cannot be blank.")
        elif str(confirm) != str(password or ""):
            errors["passwordConfirm"] = field_error("validation_values_mismatch", "Values don't match.")
        return errors
    if not privileged:
        record["verified"] = old.get("verified", False)
        if "email" in data and record.get("email") != old.get("email"):
            record["email"] = old.get("email")
            errors["email"] = field_error("validation_values_mismatch", "Values don't match.")
    if password not in (None, ""):
        if str(data.get("passwordConfirm", "")) != str(password):
            errors["passwordConfirm"] = field_error("validation_values_mismatch", "Values don't match.")
        if not privileged:
            old_pw = data.get("oldPassword")
            if not old_pw:
                errors["oldPassword"] = field_error("validation_required", "Cannot be blank.")
            elif not await check_password(str(old_pw), str(old.get("password", ""))):
                errors["oldPassword"] = field_error(
                    "validation_invalid_old_password", "Missing or invalid old password."
                )
        record["tokenKey"] = coll.field("tokenKey").autogenerate()  # type: ignore[union-attr]
    else:
        record["password"] = old.get("password", "")
    if record.get("email") != old.get("email") and record.get("tokenKey") == old.get("tokenKey"):
        # a new address signs every session out, as a new password does (PocketBase does both)
        record["tokenKey"] = coll.field("tokenKey").autogenerate()  # type: ignore[union-attr]
    return errors


async def delete(app: App, coll: Collection, record: dict[str, Any], scope: WriteScope | None = None) -> None:
    """Delete a record with its cascade (roost/core/record_delete.py)."""
    from roost.core.record_delete import delete_record

    await delete_record(app, coll, record, scope)
