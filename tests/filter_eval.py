"""A pure-Python model of how PocketBase 0.40.6 evaluates a filter on SQLite (test support).

It follows PocketBase's own steps rather than any SQL: the fexpr 0.6 scanner and parser, the
operand resolution of `core/record_field_resolver_runner.go` and the expression building of
`tools/search/filter.go` (`resolveEqualExpr`, the LIKE wrapping, multi-match subqueries), and it
evaluates the result with SQLite's value rules (type affinity, NULL logic, ASCII-only LIKE/LOWER).

What it covers is what the property tests need: text, number, bool, select (single and multiple)
and relation (single) fields, relation paths, the modifiers :lower :each :length (and the ones
PocketBase ignores), every operator, all literal kinds and && / || grouping. Anything else makes
`evaluate` raise `Unsupported`; an expression PocketBase would reject raises `Invalid` (a 400).

How PocketBase evaluates a filter, in short: every relation path and every :each becomes a LEFT
JOIN of the main query, shared by all the expressions that use the same path, and the record
matches when at least one joined row satisfies the whole WHERE clause. An expression on a
multi-valued operand without the `?` prefix additionally requires NOT EXISTS (a value of that
operand for which the comparison is false), computed in a subquery of its own.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# --- errors ---------------------------------------------------------------------------------------------


class Invalid(Exception):
    """PocketBase rejects the filter (the API answers 400)."""


class Unsupported(Exception):
    """The model does not cover this construct."""


# --- schema and data ------------------------------------------------------------------------------------
TEXT, NUMERIC, NONE = "TEXT", "NUMERIC", None  # SQLite affinities


@dataclass(frozen=True)
class FieldDef:
    name: str
    type: str  # text, number, bool, select, relation
    multiple: bool = False
    target: str = ""  # relation target collection

    @property
    def affinity(self) -> str:
        if self.type in ("number", "bool"):
            return NUMERIC
        if self.multiple:  # JSON columns: SQLite gives the declared type JSON numeric affinity
            return NUMERIC
        return TEXT

    @property
    def multi_valuer(self) -> bool:  # PocketBase's MultiValuer interface
        return self.type in ("select", "relation", "file")


@dataclass
class Collection:
    name: str
    fields: dict[str, FieldDef]
    records: list[dict[str, Any]] = field(default_factory=list)  # values as the API returns them

    def field(self, name: str) -> FieldDef | None:
        if name == "id":
            return FieldDef("id", "text")
        return self.fields.get(name)


def stored(f: FieldDef, value: Any) -> Any:
    """A record value (as the API returns it) as PocketBase stores it in SQLite."""
    if f.type == "bool":
        return 1 if value else 0
    if f.type == "number":
        v = value or 0
        return int(v) if float(v).is_integer() and abs(v) < 2**63 else float(v)
    if f.multiple:
        return json.dumps(list(value or []), separators=(",", ":"), ensure_ascii=False)
    return "" if value is None else str(value)


# --- SQLite value semantics -------------------------------------------------------------------------------
_NUMERIC_TEXT = re.compile(r"^[ \t\n\r\f]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[ \t\n\r\f]*$")


@dataclass(frozen=True)
class V:
    """A SQL value with the affinity of the expression that produced it."""

    value: Any
    affinity: str | None = NONE


NULL = V(None)


def real_text(f: float) -> str:
    """SQLite's text form of a REAL ("%!.15g")."""
    s = f"{f:.15g}"
    if "e" in s:
        mant, exp = s.split("e")
        if "." not in mant:
            mant += ".0"
        return f"{mant}e{exp[0]}{exp[1:].lstrip('0').rjust(2, '0')}"
    if "." not in s and "inf" not in s and "nan" not in s:
        s += ".0"
    return s


def as_text(v: Any) -> Any:
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    return real_text(v)


def to_numeric(v: Any) -> Any:
    """NUMERIC affinity applied to a value."""
    if isinstance(v, str) and _NUMERIC_TEXT.match(v):
        f = float(v)
        return int(f) if f.is_integer() and abs(f) < 2**63 and not re.search(r"[.eE]", v) else f
    return v


def _rank(v: Any) -> int:
    return 0 if v is None else 1 if isinstance(v, (int, float)) else 2


def _prepare(a: V, b: V) -> tuple[Any, Any]:
    """Apply SQLite's comparison affinity rules to two operands."""
    x, y = a.value, b.value
    numeric = (NUMERIC,)
    if a.affinity in numeric and b.affinity in (TEXT, NONE):
        y = to_numeric(y)
    elif b.affinity in numeric and a.affinity in (TEXT, NONE):
        x = to_numeric(x)
    elif a.affinity == TEXT and b.affinity is NONE:
        y = as_text(y)
    elif b.affinity == TEXT and a.affinity is NONE:
        x = as_text(x)
    return x, y


def _cmp(x: Any, y: Any) -> int:
    rx, ry = _rank(x), _rank(y)
    if rx != ry:
        return -1 if rx < ry else 1
    if isinstance(x, str):
        bx, by = x.encode(), y.encode()
        return (bx > by) - (bx < by)
    return (x > y) - (x < y)


def compare(a: V, op: str, b: V) -> bool | None:
    """`a op b` in SQL: op is = IS <> "IS NOT" < <= > >=."""
    x, y = _prepare(a, b)
    if op == "IS":
        return (x is None and y is None) or (x is not None and y is not None and _cmp(x, y) == 0)
    if op == "IS NOT":
        return not compare(a, "IS", b)
    if x is None or y is None:
        return None
    c = _cmp(x, y)
    return {"=": c == 0, "<>": c != 0, "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]


def sql_lower(v: Any) -> Any:
    if v is None:
        return None
    return "".join(ch.lower() if "A" <= ch <= "Z" else ch for ch in as_text(v))


def like(value: Any, pattern: Any) -> bool | None:
    """`value LIKE pattern ESCAPE '\\'`, case-insensitive for ASCII letters only."""
    if value is None or pattern is None:
        return None
    s, p = as_text(value), as_text(pattern)
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(p):
        ch = p[i]
        if ch == "\\":
            if i + 1 >= len(p):
                return False  # a trailing escape character matches nothing
            tokens.append(("lit", p[i + 1]))
            i += 2
            continue
        tokens.append(("any" if ch == "%" else "one" if ch == "_" else "lit", ch))
        i += 1
    fold = sql_lower

    def match(ti: int, si: int) -> bool:
        while ti < len(tokens):
            kind, ch = tokens[ti]
            if kind == "any":
                while ti < len(tokens) and tokens[ti][0] == "any":
                    ti += 1
                if ti == len(tokens):
                    return True
                return any(match(ti, k) for k in range(si, len(s) + 1))
            if si >= len(s):
                return False
            if kind == "lit" and fold(s[si]) != fold(ch):
                return False
            ti += 1
            si += 1
        return si == len(s)

    return match(0, 0)


def t_and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def t_or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def t_not(a: bool | None) -> bool | None:
    return None if a is None else not a


# --- fexpr 0.6: scanner and parser --------------------------------------------------------------------------
SIGNS = ("=", "!=", "~", "!~", "<", "<=", ">", ">=", "?=", "?!=", "?~", "?!~", "?<", "?<=", "?>", "?>=")
_ESCAPES = {"\\": "\\", "n": "\n", "t": "\t", "r": "\r", '"': '"', "'": "'"}


@dataclass(frozen=True)
class Tok:
    type: str  # identifier, number, text, function
    literal: str
    args: tuple[Tok, ...] = ()


@dataclass(frozen=True)
class Cond:
    left: Tok
    op: str
    right: Tok


@dataclass(frozen=True)
class Group:
    items: tuple[tuple[str, Cond | Group], ...]  # (join, item); the first join is ignored


def _is_letter(c: str) -> bool:
    return "a" <= c <= "z" or "A" <= c <= "Z"


def _is_digit(c: str) -> bool:
    return "0" <= c <= "9"


class _Scanner:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def next(self) -> tuple[str, Any] | None:
        s = self.s
        while self.i < len(s) and s[self.i] in " \t\n":
            self.i += 1
        if self.i >= len(s):
            return None
        c = s[self.i]
        if c == "(":
            return ("group", self.group())
        if _is_letter(c) or c in "_@#":
            return self.identifier(3)
        if c == "-" or _is_digit(c):
            return ("operand", self.number())
        if c in "'\"":
            return ("operand", self.text())
        if c in "=?!<>~":
            j = self.i
            while j < len(s) and s[j] in "=?!<>~":
                j += 1
            lit, self.i = s[self.i : j], j
            if lit not in SIGNS:
                raise Invalid(f"invalid sign operator {lit!r}")
            return ("sign", lit)
        if c in "&|":
            j = self.i
            while j < len(s) and s[j] in "&|":
                j += 1
            lit, self.i = s[self.i : j], j
            if lit not in ("&&", "||"):
                raise Invalid(f"invalid join operator {lit!r}")
            return ("join", lit)
        if c == "/":
            if s[self.i : self.i + 2] != "//":
                raise Invalid("invalid comment")
            nl = s.find("\n", self.i)
            self.i = len(s) if nl < 0 else nl + 1
            return self.next()
        raise Invalid(f"unexpected character {c!r}")

    def number(self) -> Tok:
        s, j, dot = self.s, self.i, False
        while j < len(s):
            ch = s[j]
            if _is_digit(ch) or (ch == "-" and j == self.i) or (ch == "." and not dot):
                dot = dot or ch == "."
                j += 1
                continue
            break
        lit, self.i = s[self.i : j], j
        if lit == "-" or lit.startswith(".") or lit.endswith("."):
            raise Invalid(f"invalid number {lit!r}")
        return Tok("number", lit)

    def text(self) -> Tok:
        s, quote = self.s, self.s[self.i]
        j, out = self.i + 1, []
        while j < len(s):
            ch = s[j]
            if ch == "\\" and j + 1 < len(s):
                nxt = s[j + 1]
                if nxt in _ESCAPES:
                    out.append(_ESCAPES[nxt])
                else:
                    out.append(ch + nxt)
                j += 2
                continue
            if ch == quote:
                self.i = j + 1
                return Tok("text", "".join(out))
            out.append(ch)
            j += 1
        raise Invalid("invalid quoted text")

    def identifier(self, depth: int) -> tuple[str, Any]:
        s, j = self.s, self.i
        j += 1
        while j < len(s) and (_is_letter(s[j]) or _is_digit(s[j]) or s[j] in "._:"):
            j += 1
        lit = s[self.i : j]
        self.i = j
        if self.peek() == "(":
            if depth <= 0:
                raise Invalid("max nested function arguments reached")
            if not _valid_identifier(lit):
                raise Invalid(f"invalid function name {lit!r}")
            return ("operand", self.function(lit, depth))
        if not _valid_identifier(lit):
            raise Invalid(f"invalid identifier {lit!r}")
        return ("operand", Tok("identifier", lit))

    def function(self, name: str, depth: int) -> Tok:
        self.i += 1  # (
        args: list[Tok] = []
        expect_comma = False
        while True:
            while self.peek() in (" ", "\t", "\n") and self.peek():
                self.i += 1
            c = self.peek()
            if c == "":
                raise Invalid(f"invalid or incomplete function {name!r}")
            if c == ")":
                self.i += 1
                return Tok("function", name, tuple(args))
            if c == "/" and self.s[self.i : self.i + 2] == "//":
                nl = self.s.find("\n", self.i)
                self.i = len(self.s) if nl < 0 else nl + 1
                continue
            if c == ",":
                if not expect_comma:
                    raise Invalid("unexpected comma")
                expect_comma = False
                self.i += 1
                continue
            if expect_comma:
                raise Invalid("expected comma")
            if _is_letter(c) or c in "_@#":
                _, tok = self.identifier(depth - 1)
                args.append(tok)
            elif c == "-" or _is_digit(c):
                args.append(self.number())
            elif c in "'\"":
                args.append(self.text())
            else:
                raise Invalid(f"unsupported argument character {c!r}")
            expect_comma = True

    def group(self) -> str:
        s, j, depth, out = self.s, self.i + 1, 1, []
        while j < len(s):
            ch = s[j]
            if ch == "(":
                depth += 1
            elif ch in "'\"":
                k = j + 1
                while k < len(s) and s[k] != ch:
                    k += 2 if s[k] == "\\" else 1
                if k >= len(s):
                    raise Invalid("invalid quoted text in group")
                out.append(s[j : k + 1])
                j = k + 1
                continue
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    self.i = j + 1
                    return "".join(out)
            out.append(ch)
            j += 1
        raise Invalid("invalid formatted group - missing closing bracket")


def _valid_identifier(lit: str) -> bool:
    return bool(lit) and lit[-1] not in ".:" and not (len(lit) == 1 and lit in "@_#")


def parse(text: str) -> Group:
    """The fexpr parse tree of a filter (raises Invalid like PocketBase would)."""
    items = _parse(text)
    if not items:
        raise Invalid("empty filter expression")
    return Group(tuple(items))


def _parse(text: str) -> list[tuple[str, Cond | Group]]:
    sc = _Scanner(text)
    result: list[tuple[str, Cond | Group]] = []
    step, join = "before", "&&"
    left: Tok | None = None
    op = ""
    while True:
        t = sc.next()
        if t is None:
            break
        kind, value = t
        if kind == "group":
            inner = _parse(value)
            if inner:
                result.append((join, Group(tuple(inner))))
            step = "join"
            continue
        if step == "before":
            if kind != "operand":
                raise Invalid("expected left operand")
            left, step = value, "sign"
        elif step == "sign":
            if kind != "sign":
                raise Invalid("expected a sign operator")
            op, step = value, "after"
        elif step == "after":
            if kind != "operand":
                raise Invalid("expected right operand")
            assert left is not None
            result.append((join, Cond(left, op, value)))
            step = "join"
        else:
            if kind != "join":
                raise Invalid("expected && or ||")
            join, step = value, "before"
    if step != "join":
        raise Invalid("invalid or incomplete filter expression")
    return result


# --- operand resolution (core/record_field_resolver_runner.go) ------------------------------------------------
AUTO, DISABLED, ENFORCED = "auto", "disabled", "enforced"

Row = dict[str, Any]  # join alias -> the joined value (one element of a json_each, a related record)
Ctx = tuple[dict[str, Any], Row]  # (record, joined row)


@dataclass
class Res:
    """A resolved operand, the evaluator's ResolverResult."""

    identifier: str  # only its emptiness matters: "" "null" "''" are empty, "1"/"0" are known non-empty
    value: Callable[[Ctx], V]
    params: tuple[Any, ...] = ()
    null_fallback: str = AUTO
    multi: Callable[[dict[str, Any]], list[V]] | None = None  # the multi-match subquery's values


class Model:
    """The data of a few collections and PocketBase's evaluation of filters over them."""

    def __init__(self, collections: Iterable[Collection]) -> None:
        self.collections = {c.name: c for c in collections}

    # --- public ---
    def evaluate(self, collection: str, text: str) -> list[str]:
        """The ids of `collection`'s records that match `text`, in record order."""
        tree = parse(text)
        coll = self.collections[collection]
        self._joins: dict[str, Callable[[dict[str, Any]], list[Any]]] = {}
        pred = self._group(tree, coll)
        out = []
        for rec in coll.records:
            aliases = list(self._joins)
            choices = [self._joins[a](rec) for a in aliases]
            for combo in itertools.product(*choices):
                if pred((rec, dict(zip(aliases, combo, strict=True)))) is True:
                    out.append(rec["id"])
                    break
        return out

    # --- structure ---
    def _group(self, g: Group, coll: Collection) -> Callable[[Ctx], bool | None]:
        # SQL precedence: AND binds tighter than OR
        terms: list[list[Callable[[Ctx], bool | None]]] = [[]]
        for i, (join, item) in enumerate(g.items):
            fn = self._group(item, coll) if isinstance(item, Group) else self._cond(item, coll)
            if i > 0 and join == "||":
                terms.append([])
            terms[-1].append(fn)

        def run(ctx: Ctx) -> bool | None:
            acc: bool | None = False
            for conj in terms:
                val: bool | None = True
                for fn in conj:
                    val = t_and(val, fn(ctx))
                acc = t_or(acc, val)
            return acc

        return run

    def _cond(self, c: Cond, coll: Collection) -> Callable[[Ctx], bool | None]:
        left = self._token(c.left, coll)
        right = self._token(c.right, coll)
        if left.identifier == "" or right.identifier == "":
            raise Invalid("invalid operand")
        return build(left, c.op, right)

    # --- tokens ---
    def _token(self, t: Tok, coll: Collection) -> Res:
        if t.type == "text":
            v = V(t.literal)
            return Res("{:p}", lambda ctx, v=v: v, (t.literal,))
        if t.type == "number":
            f = float(t.literal)
            v = V(f)
            return Res("{:p}", lambda ctx, v=v: v, (f,))
        if t.type == "function":
            raise Unsupported(f"function {t.literal}()")
        if t.literal.startswith("@"):
            raise Unsupported(t.literal)
        try:
            return self._resolve(t.literal, coll)
        except Invalid:
            consts = {"null": ("NULL", None), "true": ("1", 1), "false": ("0", 0)}
            low = t.literal.lower()
            if low in consts:
                ident, val = consts[low]
                v = V(val)
                return Res(ident, lambda ctx, v=v: v)
            raise

    def _resolve(self, name: str, base: Collection) -> Res:
        if not re.fullmatch(r"\w+[\w.:]*", name):
            raise Invalid(f"failed to resolve field {name!r}")
        props = name.split(".")
        coll = base
        path: list[tuple[str, FieldDef]] = []  # relation hops so far (alias name, field)
        for i, prop in enumerate(props):
            if i == len(props) - 1:
                return self._finalize(base, coll, path, prop)
            f = coll.field(prop)
            if f is None:
                raise (
                    Unsupported("back-relations")
                    if "_via_" in prop
                    else Invalid(f"failed to resolve {prop!r}")
                )
            if f.type != "relation":
                raise (
                    Unsupported("json paths")
                    if f.type in ("json", "geoPoint")
                    else Invalid(f"{prop!r} is not a relation")
                )
            if f.multiple:
                raise Unsupported("multiple relations")
            if i == len(props) - 2 and props[i + 1] == "id":
                return self._finalize(base, coll, path, prop)
            path.append((prop, f))
            coll = self.collections[f.target]
        raise Invalid(name)

    def _finalize(
        self, base: Collection, coll: Collection, path: list[tuple[str, FieldDef]], prop: str
    ) -> Res:
        parts = prop.split(":")
        name, modifier = prop, ""
        if len(parts) == 2:
            if parts[1] not in ("isset", "each", "length", "lower", "changed"):
                raise Invalid(f"unknown modifier in {prop!r}")
            name, modifier = parts
        f = coll.field(name)
        if f is None:
            raise Invalid(f"unknown field {name!r}")
        alias = ".".join(p for p, _ in path)
        if path:
            self._register(path, base)

        def column(ctx: Ctx, f: FieldDef = f, alias: str = alias) -> Any:
            rec = ctx[1][alias] if alias else ctx[0]
            if rec is None:
                return None
            return stored(f, rec.get(f.name)) if f.name != "id" else rec["id"]

        if modifier == "length" and f.multi_valuer:
            return Res("[[col]]", lambda ctx: V(json_array_length(column(ctx))))
        if modifier == "each" and f.multi_valuer:
            je = f"{alias}:{f.name}:each"

            def elements(rec: dict[str, Any], f: FieldDef = f, alias: str = alias) -> list[Any]:
                row = self._row_for(rec, alias, base)
                if alias and row is None:
                    return [None]
                raw = stored(f, (row if alias else rec).get(f.name))
                return json_each(raw) or [None]

            self._joins[je] = elements
            res = Res("[[col]]", lambda ctx, je=je: V(ctx[1][je]))
            if f.multiple:
                res.multi = lambda rec: [V(v) for v in elements(rec)]
            return res
        res = Res("[[col]]", lambda ctx: V(column(ctx), f.affinity))
        if modifier == "lower":
            res.value = lambda ctx: V(sql_lower(column(ctx)))
        return res

    def _register(self, path: list[tuple[str, FieldDef]], base: Collection) -> None:
        for k in range(1, len(path) + 1):
            a = ".".join(p for p, _ in path[:k])
            self._joins.setdefault(a, lambda rec, a=a: [self._row_for(rec, a, base)])

    def _row_for(self, rec: dict[str, Any], alias: str, coll: Collection) -> dict[str, Any] | None:
        """The record a single-relation path (alias "rel.rel2") leads to from `rec` of `coll`, or None."""
        if not alias:
            return rec
        cur: dict[str, Any] | None = rec
        for prop in alias.split("."):
            if cur is None:
                return None
            f = coll.field(prop)
            assert f is not None and f.type == "relation"
            target = self.collections[f.target]
            rid = cur.get(prop) or ""
            cur = next((r for r in target.records if r["id"] == rid), None)
            coll = target
        return cur


def json_each(raw: Any) -> list[Any]:
    """The values of PocketBase's json_each(...) normalisation: arrays as is, anything else as [value]."""
    if isinstance(raw, str):
        try:
            parsed = json.loads(raw)
        except ValueError:
            return [raw]
        if isinstance(parsed, list):
            return [int(v) if isinstance(v, bool) else v for v in parsed]
    return [raw]


def json_array_length(raw: Any) -> int:
    if isinstance(raw, str):
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        else:
            if isinstance(parsed, list):
                return len(parsed)
    return 0 if raw is None or raw == "" else 1


# --- expression building (tools/search/filter.go) -------------------------------------------------------------
def _is_empty_identifier(r: Res) -> bool:
    return r.identifier.lower() in ("", "null", "''", '""', "``")


def _has_empty_param(r: Res) -> bool:
    return any(p is None or p == "" for p in r.params)


def _known_non_empty(r: Res) -> bool:
    if r.null_fallback == ENFORCED:
        return False
    if r.identifier.lower() in ("1", "0", "false", "true"):
        return True
    return len(r.params) > 0 and not _has_empty_param(r) and not _is_empty_identifier(r)


EMPTY = V("")


def _equal(equal: bool, left: Res, right: Res) -> Callable[[Ctx], bool | None]:
    eq_op = "=" if equal else "IS NOT"
    null_op = "IS" if equal else "IS NOT"
    L, R = left.value, right.value
    if left.null_fallback == DISABLED or right.null_fallback == DISABLED:
        return lambda ctx: compare(L(ctx), null_op, R(ctx))
    left_empty = _is_empty_identifier(left) or (
        left.null_fallback == AUTO and len(left.params) == 1 and _has_empty_param(left)
    )
    right_empty = _is_empty_identifier(right) or (
        right.null_fallback == AUTO and len(right.params) == 1 and _has_empty_param(right)
    )
    if left_empty and right_empty:
        return lambda ctx: compare(EMPTY, eq_op, EMPTY)
    if _known_non_empty(left) or _known_non_empty(right):
        LL = (lambda ctx: EMPTY) if left_empty else L
        RR = (lambda ctx: EMPTY) if right_empty else R
        return lambda ctx: compare(LL(ctx), eq_op, RR(ctx))
    join = t_or if equal else t_and
    null_test = "IS" if equal else "IS NOT"
    if left_empty:
        return lambda ctx: join(compare(EMPTY, eq_op, R(ctx)), compare(R(ctx), null_test, NULL))
    if right_empty:
        return lambda ctx: join(compare(L(ctx), eq_op, EMPTY), compare(L(ctx), null_test, NULL))

    def coalesced(ctx: Ctx) -> bool | None:
        a, b = L(ctx), R(ctx)
        a = V(a.value) if a.value is not None else EMPTY
        b = V(b.value) if b.value is not None else EMPTY
        return compare(a, eq_op, b)

    return coalesced


def _contains_unescaped(s: str, ch: str) -> bool:
    prev = ""
    for c in s:
        if c == ch and prev != "\\":
            return True
        prev = "" if (c == "\\" and prev == "\\") else c
    return False


def _escape_unescaped(s: str, chars: str) -> str:
    out: list[str] = []
    match = False
    for i in range(len(s) - 1, -1, -1):
        c = s[i]
        if match:
            if c != "\\":
                out.append("\\")
            match = False
        elif c in chars:
            match = True
        out.append(c)
        if i == 0 and match:
            out.append("\\")
    return "".join(reversed(out))


def go_string(v: Any) -> str:
    """spf13/cast.ToString of a parameter."""
    if v is None:
        return ""
    if isinstance(v, float):
        text = format(Decimal(repr(v)), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(v)


def like_pattern(param: Any) -> str:
    s = go_string(param)
    if not _contains_unescaped(s, "%"):
        s = "%" + _escape_unescaped(s, "\\%_") + "%"
    return s


def _like(left: Res, right: Res, negate: bool) -> Callable[[Ctx], bool | None]:
    L = left.value
    if not right.params:
        R = right.value

        def pattern(ctx: Ctx) -> Any:
            v = R(ctx).value
            return None if v is None else "%" + as_text(v) + "%"
    else:
        p = like_pattern(right.params[0])

        def pattern(ctx: Ctx) -> Any:
            return p

    if negate:
        return lambda ctx: t_not(like(L(ctx).value, pattern(ctx)))
    return lambda ctx: like(L(ctx).value, pattern(ctx))


_ORDER_OPS = {"<": "<", "<=": "<=", ">": ">", ">=": ">="}


def build(left: Res, op: str, right: Res) -> Callable[[Ctx], bool | None]:
    """buildResolversExpr: the comparison, plus the match-all subquery for multi-valued operands."""
    base = op.lstrip("?")
    if base in ("=", "!="):
        expr = _equal(base == "=", left, right)
    elif base in ("~", "!~"):
        expr = _like(left, right, base == "!~")
    else:
        L, R, sql_op = left.value, right.value, _ORDER_OPS[base]

        def expr(ctx):
            return compare(L(ctx), sql_op, R(ctx))

    if op.startswith("?"):
        return expr
    if left.multi is not None and right.multi is not None:
        mm = _many_vs_many(left, base, right)
    elif left.multi is not None:
        mm = _many_vs_one(left, base, right, inverse=False)
    elif right.multi is not None:
        mm = _many_vs_one(right, base, left, inverse=True)
    else:
        return expr
    return lambda ctx: t_and(expr(ctx), mm(ctx))


def _mm_value(value: V, null_fallback: str) -> Res:
    return Res("[[mm]]", lambda ctx, value=value: value, null_fallback=null_fallback)


def _many_vs_one(multi: Res, op: str, other: Res, inverse: bool) -> Callable[[Ctx], bool | None]:
    assert multi.multi is not None
    plain_other = Res(other.identifier, other.value, other.params)

    def run(ctx: Ctx) -> bool | None:
        for value in multi.multi(ctx[0]):  # type: ignore[misc]
            r1 = _mm_value(value, multi.null_fallback)
            expr = build(plain_other, op, r1) if inverse else build(r1, op, plain_other)
            if t_not(expr(ctx)) is True:
                return False
        return True

    return run


def _many_vs_many(left: Res, op: str, right: Res) -> Callable[[Ctx], bool | None]:
    def run(ctx: Ctx) -> bool | None:
        lvals = left.multi(ctx[0])  # type: ignore[misc]
        rvals = right.multi(ctx[0]) or [NULL]  # type: ignore[misc]
        for a in lvals:
            for b in rvals:
                expr = build(_mm_value(a, left.null_fallback), op, _mm_value(b, right.null_fallback))
                if t_not(expr(ctx)) is True:
                    return False
        return True

    return run
