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

from roost.db.dialects.base import BOOL, JSON, NUMBER, TEXT, Dialect
from roost.filter.ast import Call, Expr, Group, Identifier, Literal, Node
from roost.filter.errors import FilterError

ANY = "any"  # kind of a value whose type is not known (e.g. a request value)


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
            if op.value is None:
                return Operand("NULL", [], ANY, literal=True, null=True)
            kind = literal_kind(op.value)
            return Operand(self.placeholder(kind), [op.value], kind, literal=True)
        if isinstance(op, Identifier):
            res = self.resolver.resolve(op, self.ctx)
            if res.literal and res.sql == "?":
                # a request value: typed, so the engine knows the parameter's type in any position
                res.sql = self.placeholder(res.kind if res.kind != ANY else TEXT)
            return res
        if isinstance(op, Call):
            return self.call(op)
        raise FilterError("Invalid filter operand.")

    def call(self, call: Call) -> Operand:
        name = call.name
        args = [self.operand(a) for a in call.args]
        for a in args:
            if a.guard:  # a guarded value inside a function reads NULL where the guard fails
                a.sql, a.guard = f"(CASE WHEN {a.guard} THEN {a.sql} END)", ""
        if any(a.multi for a in args):
            raise FilterError(f"Function {name}() does not accept multi-valued arguments.")
        if name == "strftime":
            if not 1 <= len(args) <= 10:
                raise FilterError("strftime() takes a format, a time value and up to 8 modifiers.")
            fmt = self.as_kind(args[0], TEXT)
            value = self.as_kind(args[1], TEXT) if len(args) > 1 else Operand("'now'")
            mods = [self.as_kind(a, TEXT) for a in args[2:]]
            sql = f"COALESCE({self.d.strftime([fmt.sql, value.sql, *(m.sql for m in mods)])}, '')"
            return Operand(sql, fmt.params + value.params + [p for m in mods for p in m.params], TEXT)
        if name == "geoDistance":
            if len(args) != 4:
                raise FilterError("geoDistance() takes 4 arguments: lonA, latA, lonB, latB.")
            a = [self.as_kind(x, NUMBER) for x in args]
            lon1, lat1, lon2, lat2 = (x.sql for x in a)
            sql = (
                f"(6371 * ACOS(MIN(1, MAX(-1, COS(RADIANS({lat1})) * COS(RADIANS({lat2})) * "
                f"COS(RADIANS({lon2}) - RADIANS({lon1})) + SIN(RADIANS({lat1})) * SIN(RADIANS({lat2}))))))"
            )
            sql = sql.replace("MIN(", self.d.scalar_min + "(").replace("MAX(", self.d.scalar_max + "(")
            params = [p for x in (a[1], a[3], a[2], a[0], a[1], a[3]) for p in x.params]
            return Operand(sql, params, NUMBER)
        raise FilterError(f"Unknown function {name}() at position {call.pos}.")

    def as_kind(self, op: Operand, kind: str) -> Operand:
        """An operand rendered as `kind`: literals are coerced, columns cast when needed."""
        if op.null:
            return op
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

    def unify(self, left: Operand, right: Operand) -> tuple[Operand, Operand, str]:
        if left.null or right.null:
            return left, right, (right.kind if left.null else left.kind)
        if left.literal and not right.literal:
            if right.kind == ANY:
                right = self.as_kind(right, left.kind)
            left = self.as_kind(left, right.kind)
            if left.kind != right.kind and right.kind != ANY:
                right = self.as_kind(right, TEXT)
            return left, right, left.kind
        if right.literal and not left.literal:
            if left.kind == ANY:
                left = self.as_kind(left, right.kind)
            right = self.as_kind(right, left.kind)
            if right.kind != left.kind and left.kind != ANY:  # the literal did not convert
                left = self.as_kind(left, TEXT)
            return left, right, right.kind
        if left.kind == right.kind:
            kind = left.kind
            if left.literal and right.literal:
                left, right = self.as_kind(left, kind), self.as_kind(right, kind)
            return left, right, kind
        if ANY in (left.kind, right.kind) and not (left.literal and right.literal):
            kind = right.kind if left.kind == ANY else left.kind
            return self.as_kind(left, kind), self.as_kind(right, kind), kind
        # different kinds: compare as text (SQLite would, through affinity)
        return self.as_kind(left, TEXT), self.as_kind(right, TEXT), TEXT

    def compare(self, left: Operand, op: str, right: Operand) -> tuple[str, list[Any]]:
        if op in ("~", "!~"):
            return self.like(left, op, right)  # text matching: the pattern is never converted
        left, right, kind = self.unify(left, right)
        if op in ("=", "!="):
            return self.equality(left, op, right, kind)
        if left.null or right.null:
            return "FALSE", []
        if kind in (JSON, BOOL) and not self.d.orders_kind(kind):
            left, right = self.as_kind(left, TEXT), self.as_kind(right, TEXT)
        return f"{left.sql} {op} {right.sql}", left.params + right.params

    @staticmethod
    def known_value(op: Operand) -> bool:
        """A literal of the filter text with a non-empty value (not a request value)."""
        return (
            op.literal
            and not op.null
            and len(op.params) == 1
            and not isinstance(op.params[0], Deferred)
            and op.params[0] != ""
        )

    def is_empty(self, op: Operand) -> bool:
        if op.null:
            return True
        return op.literal and not isinstance(op.params[0], Deferred) and op.params[0] == ""

    def empty_test(self, op: Operand, negate: bool) -> tuple[str, list[Any]]:
        """`x = ""` / `x = null` treat NULL and the empty value alike, per column kind."""
        if op.kind == TEXT or op.kind == ANY:
            t = self.as_kind(op, TEXT) if op.kind == ANY and not op.literal else op
            sql = f"({t.sql} IS NULL OR {t.sql} = '')"
            params = t.params + t.params
        elif op.kind == JSON:
            sql = f"({op.sql} IS NULL OR {self.d.cast_text(op.sql)} IN ('', 'null', '\"\"'))"
            params = op.params + op.params
        else:
            sql, params = f"({op.sql} IS NULL)", list(op.params)
        return (f"NOT {sql}" if negate else sql), params

    def equality(self, left: Operand, op: str, right: Operand, kind: str) -> tuple[str, list[Any]]:
        negate = op == "!="
        if self.is_empty(right) and not left.literal:
            return self.empty_test(left, negate)
        if self.is_empty(left) and not right.literal:
            return self.empty_test(right, negate)
        if self.is_empty(left) and self.is_empty(right):
            return ("FALSE" if negate else "TRUE"), []
        if left.null or right.null:
            other = right if left.null else left
            return self.empty_test(other, negate)
        if kind == JSON:
            left, right = self.as_kind(left, TEXT), self.as_kind(right, TEXT)
        elif kind in (TEXT, ANY) and not (self.known_value(left) or self.known_value(right)):
            # two columns, or a column and a request value: PocketBase compares
            # COALESCE(a, '') with COALESCE(b, ''), so a missing value equals an empty one
            l_sql = f"COALESCE({left.sql}, '')"
            r_sql = f"COALESCE({right.sql}, '')"
            return f"{l_sql} {'<>' if negate else '='} {r_sql}", left.params + right.params
        if not negate and (self.known_value(left) or self.known_value(right)):
            # a plain `=` (NULL with a NULL value, as PocketBase's): it matters under NOT in match-all
            return f"{left.sql} = {right.sql}", left.params + right.params
        fn = self.d.is_distinct if negate else self.d.is_not_distinct
        return fn(left.sql, right.sql), left.params + right.params

    def like(self, left: Operand, op: str, right: Operand) -> tuple[str, list[Any]]:
        left = self.as_kind(left, TEXT) if left.kind != TEXT else left
        not_ = "NOT " if op == "!~" else ""
        if right.literal and not right.null and not isinstance(right.params[0], Deferred):
            pattern = like_pattern(str(right.params[0]))
            return self.d.like(left.sql, self.placeholder(TEXT), bool(not_)), left.params + [pattern]
        r = self.as_kind(right, TEXT)
        return self.d.like(left.sql, f"('%' || {r.sql} || '%')", bool(not_)), left.params + r.params


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
            if ctx.joins:
                # a relation path: the first related value (PocketBase sorts over its LEFT JOIN)
                joins, jparams = ctx.render_joins()
                where, wparams = ctx.where("TRUE", [])
                sql = f"(SELECT {op.sql} FROM (SELECT 1 AS __one) __base {joins} WHERE {where} LIMIT 1)"
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
