"""SQLite's comparison rules, emulated on engines with typed columns (PostgreSQL).

PocketBase leaves a filter's comparisons to SQLite: a column's declared type gives it an affinity,
literals and other expressions have none, and before comparing, SQLite converts one side by the
other's affinity (https://sqlite.org/datatype3.html#comparisons). Values then compare by storage
class first (NULL < numbers < text) and within a class by value (text byte by byte). `render`
gives the same answer in SQL over the engine's typed values; where both classes are known when
the filter is compiled (a column against a literal, the common case) the SQL stays a plain
comparison an index can serve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from roost.db.dialects.base import AFF_NONE, AFF_NUMERIC, AFF_TEXT, NO_CONST, Val

Frag = tuple[str, list[Any]]
NUM, TXT = 1, 2  # storage classes in comparison order (NULL aside)

# SQLite's test for text that NUMERIC affinity turns into a number
NUMERIC_TEXT = re.compile(r"^[ \t\n\r\f]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[ \t\n\r\f]*$")
_NUMERIC_SQL = (
    "'^[ \\t\\n\\r\\f]*[+-]{0,1}([0-9]+\\.{0,1}[0-9]*|\\.[0-9]+)([eE][+-]{0,1}[0-9]+){0,1}[ \\t\\n\\r\\f]*$'"
)
_NUMERIC_SQL = (
    _NUMERIC_SQL.replace("\\t", "\t").replace("\\n", "\n").replace("\\r", "\r").replace("\\f", "\f")
)


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


def const_text(value: Any) -> str:
    if isinstance(value, float):
        return real_text(value)
    return str(value)


@dataclass(slots=True)
class SV:
    """A value as SQLite would hold it: class (NUM/TXT, or SQL giving 1/2), number, text, NULL test."""

    cls: int | Frag
    num: Frag | None
    txt: Frag | None
    isnull: Frag | None  # None: never NULL
    const: Any = NO_CONST  # a literal's value (str, float or int)


def _j(*pieces: str | Frag) -> Frag:
    sql: list[str] = []
    params: list[Any] = []
    for p in pieces:
        if isinstance(p, str):
            sql.append(p)
        else:
            sql.append(p[0])
            params += p[1]
    return "".join(sql), params


def _base(v: Val) -> SV:
    x: Frag = (v.sql, list(v.params))
    if v.const is not NO_CONST:
        if isinstance(v.const, str):
            return SV(TXT, None, ("?::text", [v.const]), None, v.const)
        return SV(NUM, ("?::float8", [float(v.const)]), None, None, v.const)
    isnull = _j("(", x, " IS NULL)")
    if v.shape == "num":
        return SV(NUM, _j("(", x, ")::float8"), None, isnull)
    if v.shape == "bool":
        return SV(NUM, _j("(", x, ")::int::float8"), None, isnull)
    if v.shape == "jsonraw":
        return SV(TXT, None, _minified(x), isnull)
    if v.shape == "json":
        t = _j("COALESCE(jsonb_typeof(", x, "), 'null')")
        cls = _j("(CASE ", t, " WHEN 'number' THEN 1 WHEN 'boolean' THEN 1 WHEN 'null' THEN NULL ELSE 2 END)")
        num = _j(
            "(CASE ", t, " WHEN 'number' THEN (", x, " #>> '{}')::float8 WHEN 'boolean' THEN ",
            "(CASE WHEN (", x, ")::text = 'true' THEN 1 ELSE 0 END)::float8 END)",
        )  # fmt: skip
        txt = _j(
            "(CASE ", t, " WHEN 'string' THEN ", x, " #>> '{}' WHEN 'boolean' THEN ",
            "(CASE WHEN (", x, ")::text = 'true' THEN '1' ELSE '0' END) ELSE ", _minified(x), " END)",
        )  # fmt: skip
        return SV(cls, num, txt, _j("(", x, " IS NULL OR jsonb_typeof(", x, ") = 'null')"))
    return SV(TXT, None, _j("(", x, ")::text"), isnull)


def _minified(x: Frag) -> Frag:
    """A JSON value's text as PocketBase holds it on SQLite (roost_json_text, a setup function)."""
    return _j("roost_json_text(", x, ")")


def _numeric_affinity(sv: SV) -> SV:
    """Text that looks like a number becomes that number."""
    if sv.cls == NUM:
        return sv
    assert sv.txt is not None
    t = sv.txt
    if isinstance(sv.const, str):  # a literal: decided now
        if NUMERIC_TEXT.match(sv.const):
            return SV(NUM, ("?::float8", [float(sv.const)]), None, None, float(sv.const))
        return sv
    looks = _j("(", t, " ~ ", _NUMERIC_SQL, ")")
    if isinstance(sv.cls, int):
        cls: Frag = _j("(CASE WHEN ", t, " IS NULL THEN NULL WHEN ", looks, " THEN 1 ELSE 2 END)")
    else:
        cls = _j("(CASE WHEN ", sv.cls, " = 2 AND ", looks, " THEN 1 ELSE ", sv.cls, " END)")
    num = _j("(CASE WHEN ", looks, " THEN (", t, ")::float8 ELSE ", sv.num or ("NULL", []), " END)")
    return SV(cls, num, t, sv.isnull)


def _text_affinity(sv: SV) -> SV:
    """A number becomes its text."""
    if sv.cls == TXT:
        return sv
    assert sv.num is not None
    if sv.const is not NO_CONST:
        text = const_text(sv.const)
        return SV(TXT, None, ("?::text", [text]), None, text)
    num_text = _j("(CASE WHEN ", sv.num, " = trunc(", sv.num, ") AND abs(", sv.num, ") < 1e15 THEN (",
                  sv.num, ")::bigint::text ELSE (", sv.num, ")::text END)")  # fmt: skip
    if sv.cls == NUM:
        return SV(TXT, None, num_text, sv.isnull)
    assert sv.txt is not None
    assert not isinstance(sv.cls, int)
    return SV(_j("(CASE WHEN ", sv.cls, " IS NULL THEN NULL ELSE 2 END)"), None, sv.txt, sv.isnull)


def _coalesced(sv: SV) -> SV:
    if sv.isnull is None:
        return sv
    txt = _j("COALESCE(", sv.txt, ", '')") if sv.txt is not None else ("''", [])
    if sv.cls == TXT:
        return SV(TXT, None, txt, None)
    cls = _j(
        "(CASE WHEN ",
        sv.isnull,
        " THEN 2 ELSE ",
        sv.cls if not isinstance(sv.cls, int) else str(sv.cls),
        " END)",
    )
    return SV(cls, sv.num, txt, None)


def _aff(v: Val) -> str:
    return AFF_NONE if v.coalesce else v.aff


def values(left: Val, right: Val) -> tuple[SV, SV]:
    """Both sides as SQLite holds them once it has applied the affinities."""
    a, b = _base(left), _base(right)
    if left.coalesce:
        a = _coalesced(a)
    if right.coalesce:
        b = _coalesced(b)
    la, ra = _aff(left), _aff(right)
    if la == AFF_NUMERIC and ra != AFF_NUMERIC:
        b = _numeric_affinity(b)
    elif ra == AFF_NUMERIC and la != AFF_NUMERIC:
        a = _numeric_affinity(a)
    elif la == AFF_TEXT and ra == AFF_NONE:
        b = _text_affinity(b)
    elif ra == AFF_TEXT and la == AFF_NONE:
        a = _text_affinity(a)
    return a, b


_NULL_SAFE = {"IS": "=", "IS NOT": "<>"}


def render(left: Val, op: str, right: Val) -> Frag:
    """`left op right` (op: = <> < <= > >= IS, IS NOT) as SQLite would answer it."""
    if left.sql == "NULL" or right.sql == "NULL":
        if op not in _NULL_SAFE:
            return "(NULL::boolean)", []
        other = right if left.sql == "NULL" else left
        if other.sql == "NULL":
            return ("TRUE" if op == "IS" else "FALSE"), []
        isnull = _base(other).isnull if not other.coalesce else None
        if isnull is None:
            return ("FALSE" if op == "IS" else "TRUE"), []
        return isnull if op == "IS" else _j("(NOT ", isnull, ")")
    a, b = values(left, right)
    base = _NULL_SAFE.get(op, op)
    cmp = _compare(a, base, b)
    if op not in _NULL_SAFE:
        return cmp
    nulls = [n for n in (a.isnull, b.isnull) if n is not None]
    if not nulls:
        return cmp
    if len(nulls) == 1:
        n = nulls[0]
        return _j(
            "(CASE WHEN ",
            n,
            f" THEN {'FALSE' if base == '=' else 'TRUE'} ELSE COALESCE(",
            cmp,
            ", FALSE) END)",
        )
    assert a.isnull is not None and b.isnull is not None
    both = _j(a.isnull, " AND ", b.isnull)
    either = _j(a.isnull, " OR ", b.isnull)
    eq_null = "TRUE" if base == "=" else "FALSE"
    return _j(
        "(CASE WHEN ",
        both,
        f" THEN {eq_null} WHEN ",
        either,
        f" THEN {'FALSE' if base == '=' else 'TRUE'} ELSE COALESCE(",
        cmp,
        ", FALSE) END)",
    )


def _cmp_sql(x: Frag, op: str, y: Frag, text: bool) -> Frag:
    collate = ' COLLATE "C"' if text and op not in ("=", "<>") else ""
    return _j("(", x, collate, f" {op} ", y, collate, ")")


def _compare(a: SV, op: str, b: SV) -> Frag:
    if isinstance(a.cls, int) and isinstance(b.cls, int):
        if a.cls == b.cls:
            if a.cls == NUM:
                return _cmp_sql(a.num, op, b.num, False)  # type: ignore[arg-type]
            return _cmp_sql(a.txt, op, b.txt, True)  # type: ignore[arg-type]
        result = {"=": a.cls == b.cls, "<>": a.cls != b.cls, "<": a.cls < b.cls, "<=": a.cls <= b.cls,
                  ">": a.cls > b.cls, ">=": a.cls >= b.cls}[op]  # fmt: skip
        nulls = [n for n in (a.isnull, b.isnull) if n is not None]
        if not nulls:
            return ("TRUE" if result else "FALSE"), []
        cond = nulls[0] if len(nulls) == 1 else _j(nulls[0], " OR ", nulls[1])
        return _j("(CASE WHEN ", cond, f" THEN NULL ELSE {'TRUE' if result else 'FALSE'} END)")
    acls, bcls = _cls_sql(a), _cls_sql(b)
    parts: list[str | Frag] = ["(CASE WHEN ", acls, " <> ", bcls, " THEN ", acls, f" {op} ", bcls]
    if a.num is not None and b.num is not None:
        parts += [" WHEN ", acls, " = 1 THEN ", _cmp_sql(a.num, op, b.num, False)]
    if a.txt is not None and b.txt is not None:
        parts += [" WHEN ", acls, " = 2 THEN ", _cmp_sql(a.txt, op, b.txt, True)]
    parts.append(" END)")
    return _j(*parts)


def _cls_sql(sv: SV) -> Frag:
    """The class as SQL, NULL for a NULL value."""
    if not isinstance(sv.cls, int):
        return sv.cls
    if sv.isnull is None:
        return str(sv.cls), []
    return _j("(CASE WHEN ", sv.isnull, f" THEN NULL ELSE {sv.cls} END)")


def text_of(v: Val) -> Frag:
    """The text SQLite reads for a value where it wants text (LIKE, ||)."""
    sv = _base(v)
    if v.coalesce:
        sv = _coalesced(sv)
    if sv.cls == NUM:
        sv = _text_affinity(sv)
    elif not isinstance(sv.cls, int):
        # a JSON value: numbers as their text
        assert sv.txt is not None
        return sv.txt
    assert sv.txt is not None
    return sv.txt


def sort_value(v: Val) -> str:
    """An ORDER BY term in SQLite's order: NULL, numbers by value, then text byte by byte."""
    sv = _base(v)
    if isinstance(sv.cls, int) or sv.isnull is None:
        raise ValueError("sort_value is for JSON values")
    sql, params = _j(
        "(CASE WHEN ", sv.isnull, " THEN NULL ELSE ROW(", sv.cls, ", ", sv.num or ("NULL", []), ", ",
        sv.txt or ("NULL", []), ' COLLATE "C") END)',
    )  # fmt: skip
    assert not params
    return sql
