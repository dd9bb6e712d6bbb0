"""AST -> SQL. Values are always bound parameters; identifiers come only from the resolver.

A compiled filter is cached per (schema version, text, auth collection) by the caller, so
values that vary per request (`@request.*`) are `Deferred` parameters, filled in by `bind`.

Relations follow PocketBase's join model: every path the resolver meets (`tags.name`,
`@collection.teams:t.id`, `comments_via_post.title`) is a LEFT JOIN, shared by all identifiers
that name the same path, so `tags.name ?= "a" && tags.color ?= "red"` needs one tag with both.
The filter then reads `EXISTS (SELECT 1 FROM (SELECT 1) LEFT JOIN ... WHERE <filter>)`.
A comparison on a multi-valued operand holds for *all* its values by default (a NOT EXISTS over
a fresh copy of its joins, with no listRule on them: NOT (cond) must never hold) and for *any*
value with the `?` operator prefix. In a non-superuser's filter or sort, a joined collection's
listRule applies to the joined rows as `id = '' || (rule)`, so a missing related row passes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from roost.db.dialects.base import (
    AFF_NONE,
    AFF_NUMERIC,
    AFF_TEXT,
    BOOL,
    JSON,
    NO_CONST,
    NUMBER,
    TEXT,
    Dialect,
    Val,
)
from roost.filter.ast import Call, Expr, Group, Identifier, Literal, Node
from roost.filter.errors import FilterError

ANY = "any"  # kind of a value whose type is not known (e.g. a request value)

# PocketBase's NullFallback preference of an operand: "auto" compares with NULL and '' alike,
# "disabled" compares with IS (JSON values), "enforced" never takes the operand as non-empty.
NF_AUTO, NF_DISABLED, NF_ENFORCED = "auto", "disabled", "enforced"
_KIND_AFF = {TEXT: AFF_TEXT, NUMBER: AFF_NUMERIC, BOOL: AFF_NUMERIC, JSON: AFF_NUMERIC, ANY: AFF_NONE}
_KIND_SHAPE = {TEXT: "text", NUMBER: "num", BOOL: "bool", JSON: "jsonraw", ANY: "text"}


class Deferred:
    """A parameter whose value comes from the request context at bind time."""

    __slots__ = ("fn", "kind")

    def __init__(self, fn: Callable[[Any], Any], kind: str = ANY) -> None:
        self.fn = fn
        self.kind = kind

    def value(self, ctx: Any) -> Any:
        return coerce(self.fn(ctx), self.kind)[0]


@dataclass(slots=True)
class Operand:
    """A resolved operand: `sql` with its `params`, of storage `kind`.

    `multi` marks a value read through a multi-valued join; `fresh(ctx)` resolves the same
    identifier again with joins of its own, for the match-all subquery."""

    sql: str
    params: list[Any] = field(default_factory=list)
    kind: str = ANY
    literal: bool = False
    null: bool = False
    multi: bool = False
    fresh: Callable[[Context], Operand] | None = None
    # a condition the whole comparison must also meet (an auth record's email: its emailVisibility)
    guard: str = ""
    aff: str | None = None  # SQLite affinity; None: the column affinity of `kind`
    shape: str | None = None  # how the engine holds it (see dialects.base.Val); None: from `kind`
    nf: str = NF_AUTO
    const: Any = NO_CONST  # a literal's value
    nonempty: bool = False  # a request value taken as non-empty (see _Compiler.equality)

    def val(self) -> Val:
        aff = self.aff
        if aff is None:
            aff = AFF_NONE if self.literal else _KIND_AFF.get(self.kind, AFF_NONE)
        return Val(
            self.sql,
            list(self.params),
            aff,
            self.shape if self.shape is not None else _KIND_SHAPE.get(self.kind, "text"),
            self.const,
        )


@dataclass(slots=True)
class Join:
    """`LEFT JOIN <sql>` with its params; `multi` when it can yield several rows per record."""

    sql: str
    params: list[Any]
    multi: bool


@dataclass(slots=True)
class Compiled:
    sql: str
    params: list[Any]

    def bind(self, ctx: Any) -> list[Any]:
        return [p.value(ctx) if isinstance(p, Deferred) else p for p in self.params]


class Context:
    """Per-compilation state shared with the resolver: the dialect, aliases and the joins."""

    def __init__(self, dialect: Dialect, counter: list[int] | None = None, apply_rules: bool = True) -> None:
        self.dialect = dialect
        self._n = counter if counter is not None else [0]
        self.joins: dict[Any, tuple[str, Join]] = {}  # key -> (alias, join)
        self.ruled: set[Any] = set()  # keys of the joins whose listRule is in `conditions`
        # conditions joined rows must meet (a related collection's listRule in client filters)
        self.conditions: list[tuple[str, list[Any]]] = []
        # False in match-all subqueries: PocketBase checks every related value there, listed or not
        self.apply_rules = apply_rules

    def alias(self, prefix: str = "__a") -> str:
        self._n[0] += 1
        return f"{prefix}{self._n[0]}"

    def child(self, apply_rules: bool = True) -> Context:
        """A context with joins of its own (aliases stay unique)."""
        return Context(self.dialect, self._n, apply_rules)

    def join(self, key: Any, prefix: str, make: Callable[[str], Join]) -> tuple[str, Join]:
        """The alias of the join for `key`, created once per context."""
        hit = self.joins.get(key)
        if hit is None:
            alias = self.alias(prefix)
            hit = (alias, make(alias))
            self.joins[key] = hit
        return hit

    def render_joins(self) -> tuple[str, list[Any]]:
        parts, params = [], []
        for _, j in self.joins.values():
            parts.append(f"LEFT JOIN {j.sql}")
            params += j.params
        return " ".join(parts), params

    def where(self, sql: str, params: list[Any]) -> tuple[str, list[Any]]:
        """`sql` AND the conditions on joined rows."""
        if not self.conditions:
            return sql, params
        conds = " AND ".join(f"({c})" for c, _ in self.conditions)
        return f"{conds} AND ({sql})", [p for _, ps in self.conditions for p in ps] + params

    def wrap(self, where: str, params: list[Any]) -> tuple[str, list[Any]]:
        """`where` over this context's joins, as one correlated EXISTS; as is without joins."""
        if not self.joins:
            return where, params
        joins, jparams = self.render_joins()
        where, params = self.where(where, params)
        return f"EXISTS (SELECT 1 FROM (SELECT 1 AS __one) __base {joins} WHERE {where})", jparams + params


class Resolver(Protocol):
    def resolve(self, ident: Identifier, ctx: Context) -> Operand: ...


def coerce(value: Any, kind: str) -> tuple[Any, bool]:
    """Convert a literal to a column's kind, as SQLite's affinity would; (value, ok)."""
    if value is None or kind == ANY:
        return value, True
    if kind == NUMBER:
        if isinstance(value, bool):
            return int(value), True
        if isinstance(value, (int, float)):
            return value, True
        try:
            f = float(str(value).strip())
        except ValueError:
            return value, False
        return (int(f) if f.is_integer() and "." not in str(value) else f), True
    if kind == BOOL:
        if isinstance(value, bool):
            return value, True
        if isinstance(value, (int, float)):
            return value != 0, True
        s = str(value).strip().lower()
        if s in ("true", "1"):
            return True, True
        if s in ("false", "0", ""):
            return False, True
        return value, False
    if kind in (TEXT, JSON):
        if isinstance(value, bool):
            return ("1" if value else "0"), True
        if isinstance(value, float) and value.is_integer():
            return str(int(value)), True
        return str(value), True
    return value, True


def literal_kind(value: Any) -> str:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, (int, float)):
        return NUMBER
    return TEXT


class _Compiler:
    def __init__(self, resolver: Resolver, dialect: Dialect, ctx: Context | None = None) -> None:
        self.resolver = resolver
        self.d = dialect
        self.ctx = ctx or Context(dialect)

    # --- structure -------------------------------------------------------------------------------
    def node(self, node: Node) -> tuple[str, list[Any]]:
        if isinstance(node, Group):
            parts = [self.node(item) for item in node.items]
            joiner = " AND " if node.join == "&&" else " OR "
            return "(" + joiner.join(s for s, _ in parts) + ")", [p for _, ps in parts for p in ps]
        return self.expr(node)

    def operand(self, op: Any) -> Operand:
        if isinstance(op, Literal):
            return self.literal(op.value)
        if isinstance(op, Identifier):
            res = self.resolver.resolve(op, self.ctx)
            if res.literal and res.sql == "?":
                # a request value: typed, so the engine knows the parameter's type in any position
                res.sql = self.placeholder(res.kind if res.kind != ANY else TEXT)
            return res
        if isinstance(op, Call):
            return self.call(op)
        raise FilterError("Invalid filter operand.")

    def literal(self, value: Any) -> Operand:
        """PocketBase's literals: text bound as text, numbers as float64, true/false as 1/0."""
        if value is None:
            return Operand("NULL", [], ANY, literal=True, null=True, aff=AFF_NONE)
        if isinstance(value, bool):
            value = 1 if value else 0
            kind = NUMBER
        elif isinstance(value, (int, float)):
            value = float(value)
            kind = NUMBER
        else:
            kind = TEXT
        sql, params = self.d.literal_sql(value)
        return Operand(sql, params, kind, literal=True, aff=AFF_NONE, const=value)

    def call(self, call: Call) -> Operand:
        name = call.name
        if name == "strftime":
            # PocketBase: a text format, a text/number/field time value, text modifiers
            if not 1 <= len(call.args) <= 10:
                raise FilterError("strftime() takes a format, a time value and up to 8 modifiers.")
            if not _is_text(call.args[0]):
                raise FilterError("strftime() expects the first argument to be a format string.")
            if len(call.args) > 1 and isinstance(call.args[1], Call):
                raise FilterError("strftime() expects the second argument to be a valid time value.")
            if any(not _is_text(a) for a in call.args[2:]):
                raise FilterError("strftime() modifiers can be only strings.")
        elif name == "geoDistance":
            if len(call.args) != 4:
                raise FilterError("geoDistance() takes 4 arguments: lonA, latA, lonB, latB.")
            if any(isinstance(a, Call) or _is_text(a) for a in call.args):
                raise FilterError("geoDistance() arguments must be fields or numbers.")
        else:
            raise FilterError(f"Unknown function {name}() at position {call.pos}.")
        args = [self.operand(a) for a in call.args]
        for arg in args:
            if arg.guard:  # a guarded value inside a function reads NULL where the guard fails
                arg.sql, arg.guard = f"(CASE WHEN {arg.guard} THEN {arg.sql} END)", ""
        if name == "strftime":
            fmt = self.as_kind(args[0], TEXT)
            mods = [self.as_kind(a, TEXT) for a in args[2:]]

            def build(value_op: Operand | None) -> Operand:
                value = self.as_kind(value_op, TEXT) if value_op is not None else Operand("'now'")
                sql = self.d.strftime([fmt.sql, value.sql, *(m.sql for m in mods)])
                params = fmt.params + value.params + [p for m in mods for p in m.params]
                multi = value_op is not None and value_op.multi
                return Operand(sql, params, TEXT, aff=AFF_NONE, nf=NF_ENFORCED, multi=multi)

            time_value = args[1] if len(args) > 1 else None
            result = build(time_value)
            if time_value is not None and time_value.multi and time_value.fresh is not None:
                # a multi-valued time value: match-all, as for the value itself (PocketBase)
                inner = time_value.fresh
                result.fresh = lambda sub: build(inner(sub))
            return result
        # geoDistance reads its arguments on the joined rows: any related value may match
        a = [self.as_kind(x, NUMBER) for x in args]
        lon1, lat1, lon2, lat2 = (x.sql for x in a)
        cosine = (
            f"COS(RADIANS({lat1})) * COS(RADIANS({lat2})) * "
            f"COS(RADIANS({lon2}) - RADIANS({lon1})) + SIN(RADIANS({lat1})) * SIN(RADIANS({lat2}))"
        )
        sql = f"(6371 * ACOS({self.d.clamp_unit(cosine)}))"
        params = [p for x in (a[1], a[3], a[2], a[0], a[1], a[3]) for p in x.params]
        return Operand(sql, params, NUMBER, aff=AFF_NONE, nf=NF_DISABLED)

    def as_kind(self, op: Operand, kind: str) -> Operand:
        """An operand rendered as `kind`: literals are coerced, columns cast when needed."""
        if op.null:
            return op
        if op.const is not NO_CONST:
            coerced, ok = coerce(op.const, kind)
            if ok:
                return Operand(self.placeholder(kind), [coerced], kind, literal=True)
            return Operand(self.placeholder(TEXT), [str(op.const)], TEXT, literal=True)
        if op.literal or (any(isinstance(p, Deferred) for p in op.params) and op.sql == "?"):
            value = op.params[0]
            if isinstance(value, Deferred):
                return Operand(self.placeholder(kind), [Deferred(value.fn, kind)], kind, literal=True)
            coerced, ok = coerce(value, kind)
            if ok:
                return Operand(self.placeholder(kind), [coerced], kind, literal=True)
            return Operand(self.placeholder(TEXT), [str(value)], TEXT, literal=True)
        if op.kind == ANY and not self.d.json_values_typed:
            # untyped values (JSON paths on engines that extract them as text) get the other side's type
            if kind == NUMBER:
                return Operand(self.d.cast_number(op.sql), op.params, NUMBER)
            if kind == BOOL:
                return Operand(self.d.text_as_bool(op.sql), op.params, BOOL)
        if op.kind == kind or op.kind == ANY:
            return op
        if kind == TEXT:
            cast = self.d.bool_text(op.sql) if op.kind == BOOL else self.d.cast_text(op.sql)
            return Operand(cast, op.params, TEXT)
        if kind == NUMBER:
            return Operand(self.d.cast_number(op.sql), op.params, NUMBER)
        return op

    def placeholder(self, kind: str) -> str:
        return self.d.typed_param(kind)

    # --- comparisons -----------------------------------------------------------------------------
    def expr(self, e: Expr) -> tuple[str, list[Any]]:
        left = self.operand(e.left)
        right = self.operand(e.right)
        op = e.op
        any_mode = op.startswith("?")
        if any_mode:
            op = op[1:]
        cond, params = self.compare(left, op, right)
        guards = [g for g in (left.guard, right.guard) if g]
        if guards:
            # as PocketBase, the condition is wrapped as a whole: `(cond AND visibility)`
            cond = f"({cond} AND {' AND '.join(guards)})"
        if any_mode or not (left.multi or right.multi):
            return cond, params
        # match-all, as PocketBase's multi-match subquery: no value of a multi-valued side (each side
        # resolved again on joins of its own, so two such sides pair every value with every value,
        # with no listRule on their rows) may make the condition false; NULL outcomes do not count
        lsub, rsub = self.ctx.child(apply_rules=False), self.ctx.child(apply_rules=False)
        lf = left.fresh(lsub) if left.multi and left.fresh else left
        rf = right.fresh(rsub) if right.multi and right.fresh else right
        fcond, fparams = self.compare(lf, op, rf)
        ljoins, ljparams = lsub.render_joins()
        rjoins, rjparams = rsub.render_joins()
        all_sql = (
            f"NOT EXISTS (SELECT 1 FROM (SELECT 1 AS __one) __base {ljoins} {rjoins} WHERE NOT ({fcond}))"
        )
        return f"({cond} AND {all_sql})", params + ljparams + rjparams + fparams

    def compare(self, left: Operand, op: str, right: Operand) -> tuple[str, list[Any]]:
        """PocketBase's expression for `left op right` (tools/search/filter.go), SQLite's answer."""
        if op in ("~", "!~"):
            return self.like(left, op, right)
        if op in ("=", "!="):
            return self.equality(left, op == "=", right)
        return self.d.compare(left.val(), op, right.val())

    # --- = and != : resolveEqualExpr ------------------------------------------------------------------
    @staticmethod
    def deferred(op: Operand) -> bool:
        """A request value: whether it is empty is known only at bind time."""
        return len(op.params) == 1 and isinstance(op.params[0], Deferred) and not op.nonempty

    @staticmethod
    def empty_ident(op: Operand) -> bool:
        return op.sql.strip().lower() in ("", "null", "''", '""', "``")

    def is_empty(self, op: Operand) -> bool:
        if self.empty_ident(op):
            return True
        return op.nf == NF_AUTO and op.const == "" and isinstance(op.const, str)

    def known_non_empty(self, op: Operand) -> bool:
        if op.nf == NF_ENFORCED:
            return False
        if op.nonempty:
            return True
        if op.sql.strip().lower() in ("1", "0", "false", "true"):
            return True
        if op.const is not NO_CONST:
            return op.const != "" or not isinstance(op.const, str)
        return (
            bool(op.params) and not self.empty_ident(op) and not any(p is None or p == "" for p in op.params)
        )

    def equality(self, left: Operand, equal: bool, right: Operand) -> tuple[str, list[Any]]:
        for side in (left, right):
            if self.deferred(side) and side.nf != NF_DISABLED:
                return self.equality_deferred(left, equal, right, side)
        eq, null_eq = ("=", "IS") if equal else ("IS NOT", "IS NOT")
        concat, null_expr = ("OR", "IS NULL") if equal else ("AND", "IS NOT NULL")
        if left.nf == NF_DISABLED or right.nf == NF_DISABLED:
            return self.cmp(left, null_eq, right)
        l_empty, r_empty = self.is_empty(left), self.is_empty(right)
        if l_empty and r_empty:
            return ("TRUE" if equal else "FALSE"), []
        if self.known_non_empty(left) or self.known_non_empty(right):
            lo = self.empty_text() if l_empty else left
            ro = self.empty_text() if r_empty else right
            return self.cmp(lo, eq, ro)
        if l_empty or r_empty:
            other = right if l_empty else left
            a, ap = (
                self.cmp(self.empty_text(), eq, other) if l_empty else self.cmp(other, eq, self.empty_text())
            )
            return f"({a} {concat} {other.sql} {null_expr})", ap + list(other.params)
        lv, rv = left.val(), right.val()
        lv.coalesce = rv.coalesce = True
        return self.d.compare(lv, "=" if equal else "<>", rv)

    def equality_deferred(
        self, left: Operand, equal: bool, right: Operand, side: Operand
    ) -> tuple[str, list[Any]]:
        """PocketBase builds the expression with the request value in hand, so its form depends on
        whether the value is empty: both forms, chosen at bind time."""
        fn = side.params[0].fn
        is_empty = Deferred(lambda c: fn(c) in (None, ""), BOOL)
        empty = Operand("''", [], TEXT, literal=True, aff=AFF_NONE)
        known = Operand(
            side.sql,
            side.params,
            side.kind,
            literal=True,
            aff=side.aff,
            shape=side.shape,
            nf=side.nf,
            nonempty=True,
        )
        forms = []
        for stand_in in (empty, known):
            lo = stand_in if left is side else left
            ro = stand_in if right is side else right
            forms.append(self.equality(lo, equal, ro))
        (e_sql, e_params), (k_sql, k_params) = forms
        cond = self.placeholder(BOOL)
        return f"(CASE WHEN {cond} THEN {e_sql} ELSE {k_sql} END)", [is_empty, *e_params, *k_params]

    def empty_text(self) -> Operand:
        return Operand("''", [], TEXT, literal=True, aff=AFF_NONE, const="")

    def cmp(self, left: Operand, op: str, right: Operand) -> tuple[str, list[Any]]:
        return self.d.compare(left.val(), op, right.val())

    # --- ~ and !~ -------------------------------------------------------------------------------------
    def like(self, left: Operand, op: str, right: Operand) -> tuple[str, list[Any]]:
        negate = op == "!~"
        l_sql, l_params = self.d.text_of(left.val())
        if right.params and not self.deferred(right) and right.const is not NO_CONST:
            pattern = like_pattern(go_string(right.const))
            return self.d.like(l_sql, self.placeholder(TEXT), negate), [*l_params, pattern]
        if self.deferred(right):
            r_sql, r_params = self.d.text_of(
                Operand(self.placeholder(TEXT), [Deferred(right.params[0].fn, TEXT)], TEXT).val()
            )
        else:
            r_sql, r_params = self.d.text_of(right.val())
        return self.d.like(l_sql, f"('%' || {r_sql} || '%')", negate), l_params + r_params


def go_string(value: Any) -> str:
    """Go's cast.ToString of a bound literal (a float64 prints without a trailing .0)."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    return str(value)


def _is_text(node: Any) -> bool:
    return isinstance(node, Literal) and isinstance(node.value, str)


_LIKE_SPECIALS = "\\%_"


def like_pattern(value: str) -> str:
    """PocketBase's `~` operand: used as written when it has an unescaped `%`, else its unescaped
    special characters are escaped and it is wrapped in `%...%` (a "contains" match)."""
    out: list[str] = []
    has_wildcard = False
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value) and value[i + 1] in _LIKE_SPECIALS:
            out.append(value[i : i + 2])  # already escaped: kept as it is
            i += 2
            continue
        if ch == "%":
            has_wildcard = True
        out.append("\\" + ch if ch in _LIKE_SPECIALS else ch)
        i += 1
    if has_wildcard:
        return value
    return "%" + "".join(out) + "%"


def compile_filter(node: Node, resolver: Resolver, dialect: Dialect, ctx: Context | None = None) -> Compiled:
    """`ctx` nests this filter in another compilation (aliases stay unique across both)."""
    comp = _Compiler(resolver, dialect, ctx)
    sql, params = comp.node(node)
    sql, params = comp.ctx.wrap(sql, params)
    return Compiled(sql, params)


def compile_together(
    parts: list[tuple[Node, Resolver]],
    dialect: Dialect,
    joined: tuple[tuple[Identifier, Resolver], ...] = (),
) -> Compiled:
    """Several filters ANDed over one set of joins, each with its own resolver: as PocketBase's list
    query, where a collection's listRule, the client filter and the sort share the join of a path
    they name (`watchers.level ?> 3` in the rule, `watchers.name ?= 'x'` in the filter or the sort:
    the same row). `joined` identifiers (the sort's) only add their joins and their conditions."""
    ctx = Context(dialect)
    sqls: list[str] = []
    params: list[Any] = []
    for node, resolver in parts:
        sql, ps = _Compiler(resolver, dialect, ctx).node(node)
        sqls.append(f"({sql})")
        params += ps
    for ident, resolver in joined:
        resolver.resolve(ident, ctx)
    sql, params = ctx.wrap(" AND ".join(sqls), params)
    return Compiled(sql, params)


def compile_sort(
    terms: tuple[tuple[Identifier, bool], ...], resolver: Resolver, dialect: Dialect, rowid_sql: str
) -> tuple[Compiled, Compiled | None]:
    """(ORDER BY terms, a filter or None): sorting through a relation whose joined rows must meet
    a listRule (client sorts of non-superusers) keeps only records whose related row meets it."""
    comp = _Compiler(resolver, dialect)
    parts: list[str] = []
    params: list[Any] = []
    filters: list[tuple[str, list[Any]]] = []
    for ident, desc in terms:
        if ident.path == ("@random",):
            sql = dialect.random
        elif ident.path == ("@rowid",):
            sql = rowid_sql
        else:
            ctx = comp.ctx.child()
            op = resolver.resolve(ident, ctx)
            if op.literal or op.null or any(isinstance(p, Deferred) for p in op.params):
                raise FilterError(f"Invalid sort field {ident.raw!r}: it must be a field.")
            if op.guard:
                # a hidden email sorts as NULL (PocketBase sorts by it: see BUGS "email-sort")
                op.sql = f"(CASE WHEN {op.guard} THEN {op.sql} END)"
            if op.shape == "json":
                op.sql = dialect.json_sort_value(op.sql)
            if ctx.joins:
                # a relation path: the first related value (PocketBase sorts over its LEFT JOIN)
                joins, jparams = ctx.render_joins()
                cond, wparams = ctx.where("TRUE", [])
                sql = f"(SELECT {op.sql} FROM (SELECT 1 AS __one) __base {joins} WHERE {cond} LIMIT 1)"
                params += jparams + op.params + wparams
                if ctx.conditions:
                    filters.append(ctx.wrap("TRUE", []))
            else:
                sql = op.sql
                params += op.params
            nullable = bool(ctx.joins) or op.kind in (JSON, ANY)
            parts.append(dialect.sort_term(sql, desc, nullable))
            continue
        parts.append(f"{sql} {'DESC' if desc else 'ASC'}")
    where = None
    if filters:
        where = Compiled(" AND ".join(f"({f})" for f, _ in filters), [p for _, ps in filters for p in ps])
    return Compiled(", ".join(parts), params), where
