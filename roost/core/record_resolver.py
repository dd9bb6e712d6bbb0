"""The FieldResolver for records: what an identifier in a filter, sort or rule means.

Relation paths become correlated subqueries (scalar for single relations, a row source for
multiple ones), `@request.*` values become deferred parameters read from the request
context at bind time, `@collection.*` becomes an unrelated row source.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from roost.core.collections import Collection, Registry
from roost.core.fields import Field, RelationField
from roost.core.fields.date import format_datetime
from roost.core.fields.multi import MultiValueField
from roost.core.record_expand import has_unique_index
from roost.db.dialects.base import AFF_NONE, BOOL, JSON, NUMBER, TEXT
from roost.errors import Forbidden
from roost.filter.ast import Identifier
from roost.filter.compiler import ANY, NF_DISABLED, Context, Deferred, Join, Operand
from roost.filter.errors import FilterError

MAX_RELATION_DEPTH = 6
_VIA_RE = re.compile(r"^(\w+)_via_(\w+)$")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")  # SQLite's LOWER()


class RequestInfo:
    """What `@request.*` may read; built once per request, lazily where it costs."""

    __slots__ = ("auth", "auth_collection", "body", "context", "headers", "method", "query", "record")

    def __init__(
        self,
        auth: dict[str, Any] | None = None,
        auth_collection: Collection | None = None,
        body: dict[str, Any] | None = None,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        method: str = "GET",
        context: str = "default",
        record: dict[str, Any] | None = None,
    ) -> None:
        self.auth = auth
        self.auth_collection = auth_collection
        self.body = body or {}
        self.query = query or {}
        self.headers = headers or {}
        self.method = method
        self.context = context
        self.record = record  # the stored record, for `:changed`


def _macro(name: str) -> Any:
    now = datetime.now(UTC)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if name == "now":
        return format_datetime(now)
    if name == "yesterday":
        return format_datetime(now - timedelta(days=1))
    if name == "tomorrow":
        return format_datetime(now + timedelta(days=1))
    if name == "todayStart":
        return format_datetime(day)
    if name == "todayEnd":
        return format_datetime(day + timedelta(days=1) - timedelta(milliseconds=1))
    if name == "monthStart":
        return format_datetime(day.replace(day=1))
    if name == "monthEnd":
        nxt = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return format_datetime(nxt - timedelta(milliseconds=1))
    if name == "yearStart":
        return format_datetime(day.replace(month=1, day=1))
    if name == "yearEnd":
        return format_datetime(day.replace(year=day.year + 1, month=1, day=1) - timedelta(milliseconds=1))
    ints = {
        "second": now.second,
        "minute": now.minute,
        "hour": now.hour,
        "day": now.day,
        "month": now.month,
        "weekday": (now.weekday() + 1) % 7,
        "year": now.year,
    }
    if name in ints:
        return ints[name]
    raise KeyError(name)


_DATE_MACROS = {
    "now",
    "yesterday",
    "tomorrow",
    "todayStart",
    "todayEnd",
    "monthStart",
    "monthEnd",
    "yearStart",
    "yearEnd",
}
_INT_MACROS = {"second", "minute", "hour", "day", "month", "weekday", "year"}


def _field_value_sql(
    field: Field,
    column_sql: str,
    modifier: str,
    ctx: Context,
    raw: str,
    key: tuple[Any, ...],
    multi: bool,
    any_text: bool = False,
) -> Operand:
    """A field's value as PocketBase resolves it (finalizeActivePropsProcessing): :length and :each
    apply to select, relation and file fields, :lower to any; other modifiers leave the value as is."""
    d = ctx.dialect
    multi_valuer = isinstance(field, MultiValueField)
    if modifier == "length" and multi_valuer:
        if field.is_multi:
            return Operand(
                d.json_array_length(column_sql), [], NUMBER, multi=multi, aff=AFF_NONE, shape="num"
            )
        sql = f"(CASE WHEN {column_sql} IS NULL OR {column_sql} = '' THEN 0 ELSE 1 END)"
        return Operand(sql, [], NUMBER, multi=multi, aff=AFF_NONE, shape="num")
    if modifier == "each" and multi_valuer:
        if not field.is_multi:
            # one value: json_each(json_array(value)) yields it, without the column's affinity
            return Operand(f"({column_sql} || '')", [], TEXT, multi=multi, aff=AFF_NONE)
        alias, _ = ctx.join(
            key + (field.name + ":each",),
            "__je",
            lambda a: Join(f"{d.join_each(column_sql, a)} ON TRUE", [], True),
        )
        return Operand(f"{alias}.value", [], TEXT, multi=True, aff=AFF_NONE)
    if field.type == "json":
        # PocketBase compares a json field through JSON_EXTRACT(col, '$'), with IS
        value = Operand(
            d.json_value(column_sql, [], any_text),
            [],
            ANY,
            multi=multi,
            aff=AFF_NONE,
            shape="json",
            nf=NF_DISABLED,
        )
        if modifier == "lower":
            text = d.json_text(value.sql)
            return Operand(d.lower(text), [], TEXT, multi=multi, aff=AFF_NONE, nf=NF_DISABLED)
        return value
    if modifier == "lower":
        text = (
            column_sql
            if field.kind == TEXT
            else (d.bool_text(column_sql) if field.kind == BOOL else d.cast_text(column_sql))
        )
        return Operand(d.lower(text), [], TEXT, multi=multi, aff=AFF_NONE)
    if modifier in ("", "isset", "changed", "length", "each"):
        return Operand(column_sql, [], field.kind, multi=multi)
    raise FilterError(f"Invalid filter identifier '{raw}': unknown modifier :{modifier}.")


_COLUMNIFY_RE = re.compile(r"[^\w.*\-_@#]+")


def _json_path(parts: list[str], modifier: str) -> list[str]:
    """PocketBase's JSON path: a trailing `:modifier` is part of the last key, and every key keeps
    only the characters of a column name (inflector.Columnify)."""
    keys = list(parts)
    if modifier:
        keys[-1] = keys[-1] + ":" + modifier
    return [_COLUMNIFY_RE.sub("", k) for k in keys]


class RecordResolver:
    """Resolves identifiers against `collection`; `allow_request` and `allow_hidden` for superusers/rules."""

    def __init__(
        self,
        registry: Registry,
        collection: Collection,
        auth_collection: Collection | None,
        allow_request: bool = True,
        allow_hidden: bool = True,
        table_alias: str | None = None,
        join_rules: bool = False,
        strict_auth: bool = False,
    ) -> None:
        self.registry = registry
        self.collection = collection
        self.auth_collection = auth_collection
        self.allow_request = allow_request
        self.allow_hidden = allow_hidden
        self.table_alias = table_alias or collection.table
        # client filters of non-superusers: a joined collection's listRule applies to its rows
        self.join_rules = join_rules
        # rule validation: @request.auth.* must name fields of the auth collection given; at run time
        # the caller's auth collection may lack them and the value is then NULL
        self.strict_auth = strict_auth

    def join_collection(
        self, ctx: Context, key: tuple[Any, ...], prefix: str, target: Collection, make: Any
    ) -> str:
        """ctx.join for a join onto `target`'s rows, adding target's listRule when it applies."""
        alias, _ = ctx.join(key, prefix, make)
        if self.join_rules and key not in ctx.ruled:
            # once per join, also when a rule compiled in the same context made it (a shared join)
            ctx.ruled.add(key)
            rule = target.rules.get("listRule")
            if rule is None:
                raise FilterError(f"Only superusers can filter by fields of the '{target.name}' collection.")
            if rule and ctx.apply_rules:
                from roost.filter import compile_filter, parse

                # as PocketBase: `id = '' || (rule)`, so a missing related row (the LEFT JOIN's NULLs)
                # passes and only an existing row the caller may not list is excluded
                nested = RecordResolver(self.registry, target, self.auth_collection, table_alias=alias)
                compiled = compile_filter(parse(f"id = '' || (\n{rule}\n)"), nested, ctx.dialect, ctx.child())
                ctx.conditions.append((compiled.sql, compiled.params))
        return alias

    # --- entry --------------------------------------------------------------------------------------
    def resolve(self, ident: Identifier, ctx: Context) -> Operand:
        head = ident.path[0]
        if head.startswith("@"):
            if head == "@request":
                if not self.allow_request:
                    raise Forbidden("Only superusers can filter by @request.")
                return self.request(ident, ctx)
            if head == "@collection":
                if not self.allow_request:
                    raise Forbidden("Only superusers can filter by @collection.")
                return self.other_collection(ident, ctx)
            name = head[1:]
            if len(ident.path) == 1 and name in _DATE_MACROS:
                return Operand("?", [Deferred(lambda _c: _macro(name), TEXT)], TEXT, literal=True)
            if len(ident.path) == 1 and name in _INT_MACROS:
                return Operand("?", [Deferred(lambda _c: _macro(name), NUMBER)], NUMBER, literal=True)
            raise FilterError(f"Invalid filter identifier '{ident.raw}': unknown macro.")
        return self.walk(
            (), self.collection, self.q(self.table_alias), list(ident.path), ident, ctx, 0, False
        )

    def q(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    # --- fields and relation paths -------------------------------------------------------------------
    def _field(self, coll: Collection, name: str, ident: Identifier) -> Field:
        f = coll.field(name)
        if f is None:
            raise FilterError(
                f"Invalid filter identifier '{ident.raw}': unknown field '{name}' in '{coll.name}'."
            )
        if f.hidden and not self.allow_hidden:
            raise FilterError(f"Invalid filter identifier '{ident.raw}': field '{name}' is hidden.")
        return f

    def walk(
        self,
        key: tuple[Any, ...],
        coll: Collection,
        alias_sql: str,
        parts: list[str],
        ident: Identifier,
        ctx: Context,
        depth: int,
        multi: bool,
    ) -> Operand:
        """Resolve `parts` from a row of `coll` named `alias_sql`; every relation hop is a shared LEFT
        JOIN keyed by the path so far. The operand can re-resolve itself with fresh joins."""
        op = self._walk(key, coll, alias_sql, parts, ident, ctx, depth, multi)
        if op.multi:
            op.fresh = lambda sub: self._walk(key, coll, alias_sql, parts, ident, sub, depth, multi)
        return op

    def _walk(
        self,
        key: tuple[Any, ...],
        coll: Collection,
        alias_sql: str,
        parts: list[str],
        ident: Identifier,
        ctx: Context,
        depth: int,
        multi: bool,
    ) -> Operand:
        name = parts[0]
        if len(parts) == 1:
            f = self._field(coll, name, ident)
            column = f"{alias_sql}.{self.q(f.name)}"
            op = _field_value_sql(f, column, ident.modifier, ctx, ident.raw, key, multi, coll.is_view)
            if coll.is_auth and f.name == "email" and not self.allow_hidden:
                # non-superusers filter by an email only where emailVisibility shows it: as PocketBase,
                # the comparison as a whole also requires it (so `email != 'x'` skips hidden ones)
                op.guard = f"{alias_sql}.{self.q('emailVisibility')} = TRUE"
            return op
        if depth >= MAX_RELATION_DEPTH:
            raise FilterError(
                f"Invalid filter identifier '{ident.raw}': relations nested deeper than {MAX_RELATION_DEPTH}."
            )
        d = ctx.dialect
        via = _VIA_RE.match(name)
        if via and coll.field(name) is None:
            target = self.registry.find(via.group(1))
            back = target.field(via.group(2)) if target else None
            if target is None or not isinstance(back, RelationField) or back.collection_id != coll.id:
                raise FilterError(f"Invalid filter identifier '{ident.raw}': unknown back-relation '{name}'.")

            def make_back(a: str) -> Join:
                col = f"{a}.{self.q(back.name)}"
                if back.is_multi:
                    je = ctx.alias("__je")
                    cond = f"EXISTS (SELECT 1 FROM {d.json_each(col, je)} WHERE {je}.value = {alias_sql}.{self.q('id')})"
                else:
                    cond = f"{col} = {alias_sql}.{self.q('id')}"
                assert target is not None
                return Join(f"{self.q(target.table)} {a} ON {cond}", [], True)

            alias = self.join_collection(ctx, (*key, name), "__br", target, make_back)
            # a single relation with a one-column UNIQUE index has one back-related row at most
            many = multi or back.is_multi or not has_unique_index(target, back.name)
            return self._walk((*key, name), target, alias, parts[1:], ident, ctx, depth + 1, many)
        f = self._field(coll, name, ident)
        if isinstance(f, RelationField) and not f.is_multi and parts[1:] == ["id"] and not ident.modifier:
            # `rel.id` reads the relation column itself, without a join (as PocketBase): '' when unset
            return self._walk(key, coll, alias_sql, [name], ident, ctx, depth, multi)
        if not isinstance(f, RelationField):
            if f.type in ("json", "geoPoint"):
                # the rest of the path is a JSON path (PocketBase: JSON_EXTRACT, compared with IS)
                path = _json_path(parts[1:], ident.modifier)
                return Operand(
                    d.json_value(f"{alias_sql}.{self.q(f.name)}", path, coll.is_view),
                    [],
                    ANY,
                    multi=multi,
                    aff=AFF_NONE,
                    shape="json",
                    nf=NF_DISABLED,
                )
            raise FilterError(f"Invalid filter identifier '{ident.raw}': '{name}' is not a relation field.")
        target = self.registry.find(f.collection_id)
        if target is None:
            raise FilterError(f"Invalid filter identifier '{ident.raw}': the related collection is missing.")
        col = f"{alias_sql}.{self.q(f.name)}"
        if not f.is_multi and len(parts) == 2 and parts[1] == "id" and not ident.modifier:
            # PocketBase reads `rel.id` of a single relation from the relation column itself
            return _field_value_sql(f, col, "", ctx, ident.raw, key, multi)
        if f.is_multi:
            je, _ = ctx.join(
                key + (name, "#each"), "__je", lambda a: Join(f"{d.join_each(col, a)} ON TRUE", [], True)
            )
            alias = self.join_collection(
                ctx,
                key + (name,),
                "__r",
                target,
                lambda a: Join(f"{self.q(target.table)} {a} ON {a}.{self.q('id')} = {je}.value", [], True),
            )
            return self._walk(key + (name,), target, alias, parts[1:], ident, ctx, depth + 1, True)
        alias = self.join_collection(
            ctx,
            key + (name,),
            "__r",
            target,
            lambda a: Join(f"{self.q(target.table)} {a} ON {a}.{self.q('id')} = {col}", [], False),
        )
        return self._walk(key + (name,), target, alias, parts[1:], ident, ctx, depth + 1, multi)

    # --- @collection ------------------------------------------------------------------------------------
    def other_collection(self, ident: Identifier, ctx: Context) -> Operand:
        if len(ident.path) < 3:
            raise FilterError(f"Invalid filter identifier '{ident.raw}': expected @collection.name.field.")
        ref = ident.path[1]
        name = ref.split(":", 1)[0]
        target = self.registry.find(name)
        if target is None:
            raise FilterError(f"Invalid filter identifier '{ident.raw}': unknown collection '{name}'.")
        key = ("@collection", ref)

        def resolve_in(c: Context) -> Operand:
            alias, _ = c.join(key, "__c", lambda a: Join(f"{self.q(target.table)} {a} ON TRUE", [], True))
            return self._walk(key, target, alias, list(ident.path[2:]), ident, c, 1, True)

        op = resolve_in(ctx)
        op.fresh = resolve_in
        return op

    # --- @request -----------------------------------------------------------------------------------------
    def request(self, ident: Identifier, ctx: Context) -> Operand:
        parts = ident.path[1:]
        if not parts:
            raise FilterError(f"Invalid filter identifier '{ident.raw}'.")
        section = parts[0]
        mod = ident.modifier
        if section in ("method", "context") and len(parts) == 1:
            return Operand("?", [Deferred(lambda c: getattr(c, section), TEXT)], TEXT, literal=True)
        if section in ("query", "headers") and len(parts) == 2:
            key = parts[1]
            if mod == "isset":
                return Operand(
                    "?", [Deferred(lambda c: key in getattr(c, section), BOOL)], BOOL, literal=True
                )
            op = Operand(
                "?",
                [Deferred(lambda c: getattr(c, section).get(key, ""), TEXT)],
                TEXT,
                literal=True,
            )
            return self._value_modifier(op, mod, ctx, ident)
        if section == "body" and len(parts) >= 2:
            return self.request_body(parts[1:], ident, ctx)
        if section == "auth":
            return self.request_auth(parts[1:], ident, ctx)
        raise FilterError(f"Invalid filter identifier '{ident.raw}': unknown @request field.")

    def _value_modifier(self, op: Operand, mod: str, ctx: Context, ident: Identifier) -> Operand:
        if mod == "":
            return op
        if mod == "lower":
            fn = op.params[0].fn
            return Operand(
                "?", [Deferred(lambda c: str(fn(c) or "").translate(_ASCII_LOWER), TEXT)], TEXT, literal=True
            )
        raise FilterError(f"Invalid filter identifier '{ident.raw}': modifier :{mod} is not allowed here.")

    def request_body(self, parts: tuple[str, ...] | list[str], ident: Identifier, ctx: Context) -> Operand:
        key = parts[0]
        mod = ident.modifier
        f = self.collection.field(key)
        kind = f.kind if f is not None and len(parts) == 1 else ANY
        if f is not None and f.is_multi:
            kind = JSON
        if mod == "isset":
            return Operand("?", [Deferred(lambda c: key in c.body, BOOL)], BOOL, literal=True)
        if mod == "changed":
            if f is None:
                raise FilterError(f"Invalid filter identifier '{ident.raw}': unknown field '{key}'.")

            def changed(c: RequestInfo) -> bool:
                if key not in c.body:
                    return False
                old = (c.record or {}).get(key)
                return bool(c.body[key] != old)

            return Operand("?", [Deferred(changed, BOOL)], BOOL, literal=True)
        if mod == "length":

            def length(c: RequestInfo) -> int:
                v = c.body.get(key)
                return len(v) if isinstance(v, list) else (1 if v not in (None, "") else 0)

            return Operand("?", [Deferred(length, NUMBER)], NUMBER, literal=True)
        if mod == "each":
            raise FilterError(
                f"Invalid filter identifier '{ident.raw}': :each is not supported on @request.body yet."
            )

        def value(c: RequestInfo) -> Any:
            v = c.body.get(key)
            for p in parts[1:]:
                v = v.get(p) if isinstance(v, dict) else None
            if isinstance(v, (list, dict)):
                import orjson

                return orjson.dumps(v).decode()
            return v

        op = Operand(
            "?",
            [Deferred(value, kind if kind != JSON else TEXT)],
            kind if kind != JSON else TEXT,
            literal=True,
        )
        return self._value_modifier(op, mod, ctx, ident)

    def request_auth(self, parts: tuple[str, ...] | list[str], ident: Identifier, ctx: Context) -> Operand:
        if not parts:
            raise FilterError(f"Invalid filter identifier '{ident.raw}'.")
        name = parts[0]
        auth_coll = self.auth_collection
        if len(parts) == 1:
            f = auth_coll.field(name) if auth_coll else None
            if name == "collectionId":
                return Operand(
                    "?",
                    [Deferred(lambda c: c.auth_collection.id if c.auth_collection else None, TEXT)],
                    TEXT,
                    literal=True,
                )
            if name == "collectionName":
                return Operand(
                    "?",
                    [Deferred(lambda c: c.auth_collection.name if c.auth_collection else None, TEXT)],
                    TEXT,
                    literal=True,
                )
            if f is None and auth_coll is not None and name != "id" and self.strict_auth:
                raise FilterError(
                    f"Invalid filter identifier '{ident.raw}': unknown field '{name}' of the auth record."
                )
            kind = f.kind if f is not None else TEXT
            if f is not None and f.is_multi:
                kind = JSON

            def value(c: RequestInfo) -> Any:
                if c.auth is None:
                    return None  # a guest: every @request.auth.* value is NULL, as in PocketBase
                v = c.auth.get(name)
                if isinstance(v, list):
                    import orjson

                    return orjson.dumps(v).decode()
                return v

            op = Operand(
                "?",
                [Deferred(value, kind if kind != JSON else TEXT)],
                kind if kind != JSON else TEXT,
                literal=True,
            )
            if ident.modifier == "isset":
                return Operand(
                    "?", [Deferred(lambda c: c.auth is not None and name in c.auth, BOOL)], BOOL, literal=True
                )
            if ident.modifier == "lower":
                return self._value_modifier(op, "lower", ctx, ident)
            if ident.modifier and f is not None and f.is_multi:
                return self._auth_subquery(parts, ident, ctx)
            if ident.modifier:
                raise FilterError(
                    f"Invalid filter identifier '{ident.raw}': modifier :{ident.modifier} is not allowed here."
                )
            return op
        return self._auth_subquery(parts, ident, ctx)

    def _auth_subquery(self, parts: tuple[str, ...] | list[str], ident: Identifier, ctx: Context) -> Operand:
        """`@request.auth.rel.field`: a join on the auth record's row, then the path from there."""
        auth_coll = self.auth_collection
        if auth_coll is None or (auth_coll.field(parts[0]) is None and not self.strict_auth):
            # a guest, or an auth record without that field: there is no such value, it is NULL
            return Operand("NULL", [], ANY, literal=True, null=True)
        key = ("@request.auth",)
        placeholder = ctx.dialect.typed_param(TEXT)

        def resolve_in(c: Context) -> Operand:
            alias, _ = c.join(
                key,
                "__au",
                lambda a: Join(
                    f"{self.q(auth_coll.table)} {a} ON {a}.{self.q('id')} = {placeholder}",
                    [Deferred(lambda i: (i.auth or {}).get("id", ""), TEXT)],
                    False,
                ),
            )
            return self._walk(key, auth_coll, alias, list(parts), ident, c, 1, False)

        op = resolve_in(ctx)
        if op.multi:
            op.fresh = resolve_in
        return op
