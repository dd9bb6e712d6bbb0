"""Reading a view query's columns and tables the way PocketBase does, before any SQL runs.

PocketBase does not parse SQL: it splits the SELECT with a tokenizer that respects quotes and
parentheses, cuts it at FROM / JOIN / WHERE..., and reads `expr [AS] alias` per column. The
field types of a view come from that reading, so Roost reproduces it rule for rule (including
what it refuses, e.g. `a + b AS c` without parentheses). Pure functions, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass

_WHITESPACE = "\t\n\v\f\r \x85\xa0"
_QUOTES = "'\"`"


class ViewQueryError(Exception):
    """A view query PocketBase's reader refuses; the message is PocketBase's."""


def tokenize(text: str, separators: str, keep_separator: bool = False) -> list[str]:
    """PocketBase's tools/tokenizer: split at `separators` outside quotes and parentheses,
    trim whitespace that is not a separator, drop empty tokens."""
    cutset = "".join(c for c in _WHITESPACE if c not in separators)
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        buf: list[str] = []
        depth = 0
        quote = ""
        prev = ""
        while i < n:
            ch = text[i]
            i += 1
            if prev != "\\":
                if ch == "(" and not quote:
                    depth += 1
                elif ch == ")" and depth > 0 and not quote:
                    depth -= 1
                elif ch in _QUOTES:
                    if quote == ch:
                        quote = ""
                    elif not quote:
                        quote = ch
            if ch in separators and depth == 0 and not quote:
                if keep_separator:
                    buf.append(ch)
                break
            prev = ch
            buf.append(ch)
        token = "".join(buf)
        if depth > 0 or quote:
            raise ViewQueryError(f"unbalanced parenthesis or quoted expression: {_go_quote(token)}")
        token = token.strip(cutset)
        if token:
            out.append(token)
    return out


def _go_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def normalize_select(query: str) -> str:
    """Trim spaces and `;`, and refuse more than one statement (PocketBase's message)."""
    query = query.strip().strip(";")
    try:
        parts = tokenize(query, ";")
    except ViewQueryError:
        parts = []  # PocketBase ignores the tokenizer's error here (the reading of columns reports it)
    if len(parts) > 1:
        raise ViewQueryError("multiple statements are not supported")
    return query


@dataclass(frozen=True, slots=True)
class Identifier:
    original: str
    alias: str


_JOIN_RE = re.compile(
    r"\s+(full\s+outer\s+join|left\s+outer\s+join|right\s+outer\s+join|full\s+join|cross\s+join"
    r"|inner\s+join|outer\s+join|left\s+join|right\s+join|join)\s+?",
    re.IGNORECASE | re.MULTILINE,
)
_DISCARD_RE = re.compile(r"\s+(where|group\s+by|having|order|limit|with)\s+?", re.IGNORECASE | re.MULTILINE)
_COMMENTS_RE = re.compile(r"(/\*[\s\S]*?\*/)|(--.+$)", re.MULTILINE)


@dataclass(slots=True)
class ParsedQuery:
    columns: list[Identifier]
    tables: list[Identifier]


def parse_identifiers(query: str) -> ParsedQuery:
    """The SELECT's columns and the FROM/JOIN tables, each as (original, alias)."""
    text = query.strip().strip(";")
    text = _COMMENTS_RE.sub(" ", text)
    text = _JOIN_RE.sub(" __pb_join__ ", text)
    text = _DISCARD_RE.sub(" __pb_discard__ ", text)
    parts: dict[str, list[str]] = {"select": [], "from": [], "join": []}
    active: list[str] | None = None
    part_type = ""
    skip = False
    for token in tokenize(text, ",  \n\t", keep_separator=True):
        word = token.strip().lower()
        if word == "select":
            skip, part_type, active = False, "select", parts["select"]
        elif word == "distinct":
            continue
        elif word == "from":
            skip, part_type, active = False, "from", parts["from"]
        elif word == "__pb_join__":
            skip = False
            if part_type == "join":
                parts["join"].append(",")
            part_type, active = "join", parts["join"]
        elif word == "__pb_discard__":
            skip = True
        else:
            if part_type == "join" and word == "on":
                skip = True
            if not skip and active is not None:
                active.append(" ")
                active.append(token)
    return ParsedQuery(
        _extract("".join(parts["select"])),
        _extract("".join(parts["from"])) + _extract("".join(parts["join"])),
    )


def _extract(raw: str) -> list[Identifier]:
    return [_identifier(tokenize(item, " \n\t")) for item in tokenize(raw, ",")]


def _identifier(parts: list[str]) -> Identifier:
    if len(parts) == 3:
        if parts[1].lower() != "as":
            raise ViewQueryError(f'invalid identifier part - expected "as", got {parts[1]}')
        original, alias = parts[0], parts[2]
    elif len(parts) == 2:
        original, alias = parts
    elif len(parts) == 1:
        original, alias = parts[0], parts[0].split(".")[-1]
    else:
        raise ViewQueryError(f"invalid identifier parts [{' '.join(parts)}]")
    return Identifier(_trim_ident(original, ""), _trim_ident(alias, "'"))


def _trim_ident(raw: str, extra: str) -> str:
    chars = '`"[];' + extra
    return ".".join(p.strip(chars) for p in raw.split("."))


CAST_RE = re.compile(r"^cast\s*\(.*\s+as\s+(\w+)\s*\)$", re.IGNORECASE | re.DOTALL)
