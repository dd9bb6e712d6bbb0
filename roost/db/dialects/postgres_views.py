"""View queries on PostgreSQL: PocketBase's SQLite dialect translated to the same SELECT here.

View queries are written for SQLite. The portable part (joins, aggregates, CASE, COALESCE,
window functions, CTEs, common date functions) is rewritten token by token: identifiers are
quoted with their schema spelling (SQLite ignores case), SQLite-only functions become their
PostgreSQL equivalents (`ifnull`, `iif`, `total`, `group_concat`, `instr`, `strftime`, `date`,
`datetime`, `julianday`...), and CAST follows SQLite's lenient conversions. Anything else is
refused with a message that names the construct, before PostgreSQL sees it. The top-level
columns get SQLite's names (`count(*)`, `title:1` for a repeated name), so a view has the same
fields on both engines; the saved view casts each column to its field's storage type."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from roost.db.errors import InvalidViewQuery

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>--[^\n]*|/\*[\s\S]*?(?:\*/|$))
  | (?P<blob>[xX]'[^']*')
  | (?P<string>'(?:[^']|'')*')
  | (?P<qident>"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\])
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+)
  | (?P<param>\?\d*|[:@$][A-Za-z_]\w*)
  | (?P<word>[A-Za-z_\x80-\uffff][\w$\x80-\uffff]*)
  | (?P<op>\|\||==|!=|<>|<=|>=|<<|>>|->>|->|[=<>+\-*/%&|~.,();])
    """,
    re.VERBOSE,
)

KEYWORDS = frozenset(
    [
        "select",
        "from",
        "where",
        "group",
        "by",
        "having",
        "order",
        "limit",
        "offset",
        "as",
        "on",
        "join",
        "left",
        "right",
        "full",
        "inner",
        "outer",
        "cross",
        "natural",
        "using",
        "union",
        "all",
        "intersect",
        "except",
        "distinct",
        "case",
        "when",
        "then",
        "else",
        "end",
        "and",
        "or",
        "not",
        "null",
        "is",
        "in",
        "like",
        "between",
        "exists",
        "asc",
        "desc",
        "with",
        "recursive",
        "true",
        "false",
        "over",
        "partition",
        "rows",
        "range",
        "groups",
        "unbounded",
        "preceding",
        "following",
        "current",
        "row",
        "filter",
        "nulls",
        "first",
        "last",
        "escape",
        "values",
        "window",
        "exclude",
        "ties",
        "others",
        "no",
        "materialized",
    ]
)
_TYPES = {
    "text": "TEXT",
    "varchar": "TEXT",
    "int": "BIGINT",
    "integer": "BIGINT",
    "bigint": "BIGINT",
    "real": "DOUBLE PRECISION",
    "float": "DOUBLE PRECISION",
    "double": "DOUBLE PRECISION",
    "numeric": "DOUBLE PRECISION",
    "decimal": "DOUBLE PRECISION",
    "boolean": "BOOLEAN",
    "bool": "BOOLEAN",
}
_DATE_FORMATS = {
    "date": "'%Y-%m-%d'",
    "time": "'%H:%M:%S'",
    "datetime": "'%Y-%m-%d %H:%M:%S'",
}
NOW_TEXT = "'now'"
_NOW = {
    "current_timestamp": "roost_strftime('%Y-%m-%d %H:%M:%S', 'now')",
    "current_date": "roost_strftime('%Y-%m-%d', 'now')",
    "current_time": "roost_strftime('%H:%M:%S', 'now')",
}


@dataclass(slots=True)
class Tok:
    kind: str
    text: str


@dataclass(slots=True)
class Paren:
    items: list[Tok | Paren] = field(default_factory=list)


def _refuse(construct: str) -> InvalidViewQuery:
    return InvalidViewQuery(f"{construct} is not available in view queries on PostgreSQL")


def lex(sql: str) -> list[Tok]:
    out: list[Tok] = []
    pos = 0
    while pos < len(sql):
        m = _TOKEN_RE.match(sql, pos)
        if m is None:
            raise InvalidViewQuery(f"unrecognized token near {sql[pos : pos + 20]!r}")
        kind = m.lastgroup or ""
        text = m.group()
        pos = m.end()
        if kind == "comment":
            kind, text = "ws", " "
        elif kind == "string" and text.endswith("'") is False:
            raise InvalidViewQuery("unterminated string")
        out.append(Tok(kind, text))
    return out


def _tree(tokens: list[Tok]) -> Paren:
    root = Paren()
    stack = [root]
    for t in tokens:
        if t.kind == "op" and t.text == "(":
            node = Paren()
            stack[-1].items.append(node)
            stack.append(node)
        elif t.kind == "op" and t.text == ")":
            if len(stack) == 1:
                raise InvalidViewQuery('near ")": syntax error')
            stack.pop()
        else:
            stack[-1].items.append(t)
    if len(stack) != 1:
        raise InvalidViewQuery("incomplete input")
    return root


def _split_commas(items: list[Tok | Paren]) -> list[list[Tok | Paren]]:
    parts: list[list[Tok | Paren]] = [[]]
    for it in items:
        if isinstance(it, Tok) and it.kind == "op" and it.text == ",":
            parts.append([])
        else:
            parts[-1].append(it)
    return parts


def _solid(items: list[Tok | Paren]) -> list[Tok | Paren]:
    return [i for i in items if not (isinstance(i, Tok) and i.kind == "ws")]


def _word(item: Tok | Paren | None) -> str:
    return item.text.lower() if isinstance(item, Tok) and item.kind == "word" else ""


class Translator:
    """One translation: `names` maps lower-cased schema names to their spelling."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names
        self.subqueries = 0

    def ident(self, raw: str) -> str:
        name = raw
        if raw[:1] in '"`[':
            name = raw[1:-1].replace('""', '"').replace("``", "`")
        name = self.names.get(name.lower(), name)
        return '"' + name.replace('"', '""') + '"'

    def seq(self, items: list[Tok | Paren]) -> str:
        solid = _solid(items)
        out: list[str] = []
        j = 0
        while j < len(solid):
            it = solid[j]
            nxt = solid[j + 1] if j + 1 < len(solid) else None
            j += 1
            if isinstance(it, Paren):
                out.append("(" + self.seq(it.items) + ")")
                prev = _word(solid[j - 2]) if j >= 2 else ""
                follows = _word(nxt)
                named = follows == "as" or (
                    isinstance(nxt, Tok)
                    and (nxt.kind == "qident" or (nxt.kind == "word" and follows not in KEYWORDS))
                )
                if prev in ("from", "join") and not named:
                    self.subqueries += 1  # SQLite allows a subquery without a name; PostgreSQL does not
                    out.append(f'AS "_sub{self.subqueries}"')
                continue
            if it.kind == "word":
                word = it.text.lower()
                if isinstance(nxt, Paren) and word not in KEYWORDS:
                    out.append(self.call(word, it.text, nxt))
                    j += 1
                elif word in _NOW:
                    out.append(_NOW[word])
                elif word == "is":
                    # SQLite's `a IS b` compares any values; PostgreSQL's IS takes only NULL/TRUE/FALSE
                    negate = _word(nxt) == "not"
                    target = _word(solid[j + 1] if negate and j + 1 < len(solid) else nxt)
                    if target in ("null", "true", "false", "distinct"):
                        out.append("IS")
                    elif negate:
                        out.append("IS DISTINCT FROM")
                        j += 1
                    else:
                        out.append("IS NOT DISTINCT FROM")
                elif word == "like":
                    out.append("ILIKE")
                elif word in ("glob", "regexp", "match", "collate", "indexed", "rowid", "_rowid_", "oid"):
                    raise _refuse(f"the {word.upper()} construct")
                elif word in KEYWORDS:
                    out.append(word.upper())
                else:
                    out.append(self.ident(it.text))
            elif it.kind == "qident":
                out.append(self.ident(it.text))
            elif it.kind == "param":
                raise _refuse(f"the parameter {it.text}")
            elif it.kind == "blob":
                raise _refuse("a blob literal")
            elif it.kind == "op":
                if it.text == ";":
                    raise InvalidViewQuery("multiple statements are not supported")
                if it.text in ("->", "->>"):
                    raise _refuse(f"the {it.text} operator")
                out.append("=" if it.text == "==" else it.text)
            else:
                out.append(it.text)
        return " ".join(out)

    def call(self, word: str, raw: str, paren: Paren) -> str:
        args = [self.seq(a).strip() for a in _split_commas(paren.items)] if _solid(paren.items) else []
        if word == "cast":
            return self.cast(paren)
        handler = _FUNCTIONS.get(word)
        if handler is None:
            raise _refuse(f"the function {raw}()")
        return handler(args)

    def cast(self, paren: Paren) -> str:
        solid = _solid(paren.items)
        at = max((n for n, it in enumerate(solid) if _word(it) == "as"), default=-1)
        if at < 1 or at + 1 >= len(solid):
            raise InvalidViewQuery('near "CAST": syntax error')
        target = _word(solid[at + 1])
        inner = solid[:at]
        expr = self.seq(inner)
        if len(inner) == 1 and isinstance(inner[0], Tok) and inner[0].kind == "string":
            expr = f"CAST({expr} AS TEXT)"  # a bare literal has no type PostgreSQL could pick
        pg = _TYPES.get(target)
        if pg is None:
            raise _refuse(f"CAST to {target.upper() or 'this type'}")
        if pg == "TEXT":
            return f"roost_text({expr})"
        if pg == "BIGINT":
            return f"CAST(TRUNC(roost_num({expr})) AS BIGINT)"
        if pg == "BOOLEAN":
            return f"(roost_num({expr}) <> 0)"
        return f"roost_num({expr})"


def _same(name: str) -> Callable[[list[str]], str]:
    return lambda args: f"{name}({', '.join(args)})"


def _minmax(agg: str, scalar: str) -> Callable[[list[str]], str]:
    return lambda args: f"{scalar if len(args) > 1 else agg}({', '.join(args)})"


def _text(arg: str) -> str:
    return f"CAST({arg} AS TEXT)"


def _strftime(fmt: str | None) -> Callable[[list[str]], str]:
    def build(args: list[str]) -> str:
        full = ([fmt] if fmt else []) + args
        if fmt and len(full) == 1:
            full.append("'now'")
        if not full:
            raise InvalidViewQuery("wrong number of arguments to function strftime()")
        return "roost_strftime(" + ", ".join([full[0], *(_text(a) for a in full[1:])]) + ")"

    return build


def _formatted(fmt: str, args: list[str], cast: str) -> str:
    return f"CAST({_strftime(None)([fmt, *(args or [NOW_TEXT])])} AS {cast})"


def _group_concat(args: list[str]) -> str:
    if not args or len(args) > 2:
        raise InvalidViewQuery("wrong number of arguments to function group_concat()")
    value, distinct = args[0], ""
    if value.upper().startswith("DISTINCT "):
        distinct, value = "DISTINCT ", value[9:]
    sep = args[1] if len(args) == 2 else "','"
    return f"STRING_AGG({distinct}{_text(value)}, {sep})"


_JSON_PATH_RE = re.compile(r"""^'\$((?:\.[A-Za-z_]\w*|\.\"[^"'\\]*\"|\[\d+\])*)'$""")
_JSON_STEP_RE = re.compile(r"""\.([A-Za-z_]\w*)|\.\"([^"'\\]*)\"|\[(\d+)\]""")


def _json_extract(args: list[str]) -> str:
    """json_extract(x, '$.a.b[0]') with one literal path: the value as text (SQLite returns text,
    numbers or JSON text; each reads back the same through a view's json field)."""
    m = _JSON_PATH_RE.match(args[1]) if len(args) == 2 else None
    if m is None:
        raise _refuse("json_extract() with anything but one literal path like '$.a.b[0]'")
    keys = ["".join(step) for step in _JSON_STEP_RE.findall(m.group(1))]
    path = "{" + ",".join('"' + k + '"' for k in keys) + "}"
    return f"(CAST({args[0]} AS JSONB) #>> '{path}')"


def _iif(args: list[str]) -> str:
    if len(args) != 3:
        raise InvalidViewQuery("wrong number of arguments to function iif()")
    return f"(CASE WHEN {args[0]} THEN {args[1]} ELSE {args[2]} END)"


def _round(args: list[str]) -> str:
    rest = "".join(f", CAST({a} AS INTEGER)" for a in args[1:])
    return f"CAST(ROUND(CAST({args[0]} AS NUMERIC){rest}) AS DOUBLE PRECISION)"


_FUNCTIONS: dict[str, Callable[[list[str]], str]] = {
    "count": _same("COUNT"),
    "sum": _same("SUM"),
    "avg": _same("AVG"),
    "min": _minmax("MIN", "LEAST"),
    "max": _minmax("MAX", "GREATEST"),
    "total": lambda a: f"CAST(COALESCE(SUM({', '.join(a)}), 0) AS DOUBLE PRECISION)",
    "coalesce": _same("COALESCE"),
    "ifnull": _same("COALESCE"),
    "nullif": _same("NULLIF"),
    "iif": _iif,
    "json_extract": _json_extract,
    "abs": _same("ABS"),
    "round": _round,
    "lower": _same("LOWER"),
    "upper": _same("UPPER"),
    "length": lambda a: f"LENGTH({_text(a[0])})" if len(a) == 1 else _same("LENGTH")(a),
    "substr": lambda a: f"SUBSTR({', '.join([_text(a[0]), *a[1:]])})",
    "substring": lambda a: f"SUBSTR({', '.join([_text(a[0]), *a[1:]])})",
    "trim": lambda a: f"BTRIM({', '.join(a)})",
    "ltrim": _same("LTRIM"),
    "rtrim": _same("RTRIM"),
    "replace": _same("REPLACE"),
    "instr": lambda a: f"STRPOS({', '.join(a)})",
    "group_concat": _group_concat,
    "strftime": _strftime(None),
    "date": _strftime(_DATE_FORMATS["date"]),
    "time": _strftime(_DATE_FORMATS["time"]),
    "datetime": _strftime(_DATE_FORMATS["datetime"]),
    "julianday": lambda a: _formatted("'%J'", a, "DOUBLE PRECISION"),
    "unixepoch": lambda a: _formatted("'%s'", a, "BIGINT"),
    "random": _same("RANDOM"),
    "row_number": _same("ROW_NUMBER"),
    "rank": _same("RANK"),
    "dense_rank": _same("DENSE_RANK"),
    "percent_rank": _same("PERCENT_RANK"),
    "cume_dist": _same("CUME_DIST"),
    "ntile": _same("NTILE"),
    "lag": _same("LAG"),
    "lead": _same("LEAD"),
    "first_value": _same("FIRST_VALUE"),
    "last_value": _same("LAST_VALUE"),
    "nth_value": _same("NTH_VALUE"),
}


def _select_list(root: Paren) -> tuple[int, int] | None:
    """Indexes (in root.items) of the first top-level SELECT and of its FROM (or the end)."""
    start = None
    for i, it in enumerate(root.items):
        w = _word(it)
        if start is None and w == "select":
            start = i
        elif start is not None and w in (
            "from",
            "union",
            "intersect",
            "except",
            "where",
            "group",
            "order",
            "limit",
        ):
            return start, i
    return (start, len(root.items)) if start is not None else None


def _name_columns(root: Paren, aliases: list[str]) -> None:
    """Give each top-level column its SQLite name (`AS "alias"`), as PocketBase's fields read it."""
    span = _select_list(root)
    if span is None:
        return
    start, end = span
    body = root.items[start + 1 : end]
    lead: list[Tok | Paren] = []
    if body and _word(_solid(body)[0] if _solid(body) else None) in ("distinct", "all"):
        first = _solid(body)[0]
        cut = body.index(first) + 1
        lead, body = body[:cut], body[cut:]
    parts = _split_commas(body)
    if len(parts) != len(aliases):
        return
    rebuilt: list[Tok | Paren] = [*lead]
    for n, (part, alias) in enumerate(zip(parts, aliases, strict=True)):
        solid = _solid(part)
        has_alias = len(solid) >= 2 and isinstance(solid[-1], Tok) and solid[-1].kind in ("word", "qident")
        has_alias = has_alias and (
            _word(solid[-2]) == "as" or not (isinstance(solid[-2], Tok) and solid[-2].text == ".")
        )
        if has_alias and _word(solid[-1]) not in KEYWORDS:
            cut = part.index(solid[-1])
            if _word(solid[-2]) == "as":
                cut = part.index(solid[-2])
            part = part[:cut]
        if n:
            rebuilt.append(Tok("op", ","))
        rebuilt.extend(part)
        rebuilt.extend(
            [
                Tok("ws", " "),
                Tok("word", "AS"),
                Tok("ws", " "),
                Tok("qident", '"' + alias.replace('"', '""') + '"'),
            ]
        )
        rebuilt.append(Tok("ws", " "))
    root.items[start + 1 : end] = rebuilt


def sqlite_column_names(aliases: list[str]) -> list[str]:
    """SQLite names a repeated column `name:1`, `name:2`..."""
    seen: dict[str, int] = {}
    out = []
    for a in aliases:
        key = a.lower()
        if key in seen:
            seen[key] += 1
            candidate = f"{a}:{seen[key]}"
            while candidate.lower() in seen:
                seen[key] += 1
                candidate = f"{a}:{seen[key]}"
            out.append(candidate)
            seen[candidate.lower()] = 0
        else:
            seen[key] = 0
            out.append(a)
    return out


def translate(sql: str, names: dict[str, str], aliases: list[str] | None = None) -> str:
    """The SQLite SELECT `sql` as PostgreSQL SQL; `aliases` names the top-level columns."""
    root = _tree(lex(sql))
    if aliases:
        _name_columns(root, sqlite_column_names(aliases))
    return Translator(names).seq(root.items).strip()


# SQLite's lenient conversions, used by translated CASTs and by the typed columns of a saved view.
# (No question marks in here: statements go through the `?` -> `$n` placeholder rendering.)
VIEW_FUNCTIONS = [
    r"""
CREATE OR REPLACE FUNCTION roost_num(v anyelement) RETURNS double precision LANGUAGE plpgsql IMMUTABLE AS $fn$
DECLARE m text;
BEGIN
    IF v IS NULL THEN RETURN NULL; END IF;
    IF pg_typeof(v) = 'boolean'::regtype THEN
        RETURN CASE WHEN v::text = 'true' THEN 1 ELSE 0 END;
    END IF;
    IF pg_typeof(v) IN ('smallint'::regtype, 'integer'::regtype, 'bigint'::regtype, 'real'::regtype,
                        'double precision'::regtype, 'numeric'::regtype) THEN
        RETURN v::text::double precision;
    END IF;
    -- text: its leading number, as SQLite's CAST reads it; anything else is 0
    m := substring(v::text from '^\s*([+-]{0,1}([0-9]+\.{0,1}[0-9]*|\.[0-9]+)([eE][+-]{0,1}[0-9]+){0,1})');
    IF m IS NULL THEN RETURN 0; END IF;
    RETURN m::double precision;
END
$fn$
""",
    r"""
CREATE OR REPLACE FUNCTION roost_text(v anyelement) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
    IF v IS NULL THEN RETURN NULL; END IF;
    IF pg_typeof(v) = 'boolean'::regtype THEN
        RETURN CASE WHEN v::text = 'true' THEN '1' ELSE '0' END;
    END IF;
    RETURN v::text;
END
$fn$
""",
    # a view's json column holds what PocketBase makes of the value: text that reads as JSON
    # (a number, a quoted string, an array, an object, null/true/false) is that JSON, other text
    # a JSON string, and any other value its JSON form
    r"""
CREATE OR REPLACE FUNCTION roost_view_json(v anyelement) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $fn$
DECLARE t text;
BEGIN
    IF v IS NULL THEN RETURN NULL; END IF;
    IF pg_typeof(v) IN ('text'::regtype, 'character varying'::regtype, 'character'::regtype, 'name'::regtype) THEN
        t := v::text;
        IF t IN ('null', 'true', 'false') THEN RETURN t::jsonb; END IF;
        IF t <> '' AND substr(t, 1, 1) ~ '[0-9"\[{-]' THEN
            BEGIN
                RETURN t::jsonb;
            EXCEPTION WHEN others THEN
                RETURN to_jsonb(t);
            END;
        END IF;
        RETURN to_jsonb(t);
    END IF;
    RETURN to_jsonb(v);
END
$fn$
""",
]
