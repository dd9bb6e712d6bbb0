"""A hand-written scanner and recursive-descent parser for PocketBase filter expressions.

Grammar (precedence: && over ||, parentheses group):
    filter   := or
    or       := and ( "||" and )*
    and      := term ( "&&" term )*
    term     := "(" filter ")" | operand OP operand
    operand  := identifier | text | number | function "(" operand ("," operand)* ")"
"""

from __future__ import annotations

import re
from functools import lru_cache

from roost.filter.ast import Call, Expr, Group, Identifier, Literal, Node, Operand
from roost.filter.errors import FilterError

MAX_FILTER_LENGTH = 3500
MAX_EXPRESSIONS = 200
MAX_FUNCTION_DEPTH = 3
MAX_SORT_FIELDS = 8
MAX_SORT_FIELD_LENGTH = 255

OPERATORS = ("?!=", "?>=", "?<=", "?!~", "!=", ">=", "<=", "!~", "?=", "?>", "?<", "?~", "=", ">", "<", "~")
_OP_RE = re.compile("|".join(re.escape(o) for o in OPERATORS))
_NUMBER_RE = re.compile(r"-?\d+(\.\d+)?(?![\w.])")
_IDENT_RE = re.compile(r"[A-Za-z_@#][\w.:]*")
_FILTER_IDENT_RE = re.compile(r"[A-Za-z_@#][\w.:]*", re.ASCII)  # fexpr: ASCII letters and digits only
_WHITESPACE = " \t\n"  # fexpr's whitespace: \r and the like are not
_WS_RE = re.compile(r"[ \t\n]+")
_ESCAPES = {"\\": "\\", "n": "\n", "t": "\t", "r": "\r", '"': '"', "'": "'"}


class _Token:
    __slots__ = ("kind", "pos", "value")

    def __init__(self, kind: str, value: object, pos: int) -> None:
        self.kind = kind  # ident, text, number, op, join, lparen, rparen, comma
        self.value = value
        self.pos = pos

    def __repr__(self) -> str:
        return f"{self.kind}:{self.value!r}@{self.pos}"


def _err(text: str, pos: int, what: str) -> FilterError:
    snippet = text[pos : pos + 20]
    return FilterError(f"Invalid filter expression: {what} at position {pos} (near {snippet!r})")


def tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in _WHITESPACE:
            i = _WS_RE.match(text, i).end()  # type: ignore[union-attr]
            continue
        if text.startswith("//", i):
            nl = text.find("\n", i)
            i = n if nl < 0 else nl + 1
            continue
        if c in "'\"":
            j = i + 1
            buf: list[str] = []
            while j < n and text[j] != c:
                if text[j] == "\\" and j + 1 < n and text[j + 1] in _ESCAPES:
                    # the escapes the JS SDK's pb.filter() writes, in either quote kind
                    buf.append(_ESCAPES[text[j + 1]])
                    j += 2
                    continue
                buf.append(text[j])
                j += 1
            if j >= n:
                raise _err(text, i, "unterminated text literal")
            tokens.append(_Token("text", "".join(buf), i))
            i = j + 1
            continue
        if c == "(":
            tokens.append(_Token("lparen", c, i))
            i += 1
            continue
        if c == ")":
            tokens.append(_Token("rparen", c, i))
            i += 1
            continue
        if c == ",":
            tokens.append(_Token("comma", c, i))
            i += 1
            continue
        if text.startswith("&&", i) or text.startswith("||", i):
            tokens.append(_Token("join", text[i : i + 2], i))
            i += 2
            continue
        if c.isdigit() or (c == "-" and i + 1 < n and text[i + 1].isdigit()):
            m = _NUMBER_RE.match(text, i)
            if not m:
                raise _err(text, i, "invalid number")
            raw = m.group(0)
            value: int | float = float(raw) if "." in raw else int(raw)
            if isinstance(value, int) and not -(2**63) <= value < 2**63:
                value = float(raw)  # beyond a 64-bit integer: bound as a real, as PocketBase's float64
            tokens.append(_Token("number", value, i))
            i = m.end()
            continue
        if (c.isascii() and c.isalpha()) or c in "_@#":
            m = _FILTER_IDENT_RE.match(text, i)
            assert m is not None
            raw = m.group(0)
            if raw.endswith((".", ":")):
                raise _err(text, i, f"invalid identifier {raw!r}")
            tokens.append(_Token("ident", raw, i))
            i = m.end()
            continue
        m = _OP_RE.match(text, i)
        if m:
            tokens.append(_Token("op", m.group(0), i))
            i = m.end()
            continue
        raise _err(text, i, f"unexpected character {c!r}")
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.count = 0
        self.joins = ["&&"]  # per group level: the last join, which a group written without one takes

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        tok = self.peek()
        if tok is None:
            raise _err(self.text, len(self.text), "unexpected end of expression")
        self.i += 1
        return tok

    def parse(self) -> Node:
        if not self.tokens:
            raise FilterError("Invalid filter expression: it is empty.")
        node = self.parse_or()
        tok = self.peek()
        if tok is not None:
            raise _err(self.text, tok.pos, f"unexpected {tok.kind} {tok.value!r}")
        return node

    def joined(self, join: str) -> bool:
        """Whether a `join` follows: written, or a group right after a term (fexpr joins it with
        the last join of its level)."""
        tok = self.peek()
        if tok is None:
            return False
        if tok.kind == "join" and tok.value == join:
            self.i += 1
            self.joins[-1] = join
            return True
        return tok.kind == "lparen" and self.joins[-1] == join

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while self.joined("||"):
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Group("||", tuple(items))

    def parse_and(self) -> Node:
        items = [self.parse_term()]
        while self.joined("&&"):
            items.append(self.parse_term())
        return items[0] if len(items) == 1 else Group("&&", tuple(items))

    def parse_group(self) -> Node:
        self.i += 1
        if (nxt := self.peek()) is not None and nxt.kind == "rparen":
            raise _err(self.text, nxt.pos, "empty group")
        self.joins.append("&&")
        node = self.parse_or()
        self.joins.pop()
        close = self.take()
        if close.kind != "rparen":
            raise _err(self.text, close.pos, "expected ')'")
        return node

    def parse_term(self) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind == "lparen":
            return self.parse_group()
        left = self.parse_operand(0)
        op = self.take()
        if op.kind == "lparen":
            # fexpr drops an unfinished expression that a group interrupts: `a (b = 1)` is `(b = 1)`
            self.i -= 1
            return self.parse_group()
        if op.kind != "op":
            raise _err(self.text, op.pos, f"expected an operator, got {op.kind} {op.value!r}")
        if (nxt := self.peek()) is not None and nxt.kind == "lparen":
            return self.parse_group()  # `a = (b = 1)` is `(b = 1)`
        right = self.parse_operand(0)
        self.count += 1
        if self.count > MAX_EXPRESSIONS:
            raise FilterError(f"Invalid filter expression: more than {MAX_EXPRESSIONS} expressions.")
        return Expr(left, str(op.value), right)

    def parse_operand(self, depth: int) -> Operand:
        tok = self.take()
        if tok.kind == "text":
            return Literal(tok.value)
        if tok.kind == "number":
            return Literal(tok.value)
        if tok.kind == "ident":
            raw = str(tok.value)
            nxt = self.peek()
            if nxt is not None and nxt.kind == "lparen" and nxt.pos == tok.pos + len(raw):
                return self.parse_call(raw, tok.pos, depth + 1)
            if raw.lower() in ("true", "false"):
                return Literal(raw.lower() == "true")
            if raw.lower() == "null":
                return Literal(None)
            return make_identifier(raw, tok.pos, self.text)
        raise _err(self.text, tok.pos, f"expected an operand, got {tok.kind} {tok.value!r}")

    def parse_call(self, name: str, pos: int, depth: int) -> Call:
        if depth > MAX_FUNCTION_DEPTH:
            raise _err(self.text, pos, f"functions nested deeper than {MAX_FUNCTION_DEPTH}")
        self.take()  # (
        args: list[Operand] = []
        if (tok := self.peek()) is not None and tok.kind == "rparen":
            self.i += 1
            return Call(name, (), pos)
        while True:
            args.append(self.parse_operand(depth))
            tok = self.take()
            if tok.kind == "rparen":
                return Call(name, tuple(args), pos)
            if tok.kind != "comma":
                raise _err(self.text, tok.pos, "expected ',' or ')' in function arguments")


def make_identifier(raw: str, pos: int = 0, text: str = "") -> Identifier:
    modifier = ""
    body = raw
    # `@collection.name:alias.field` keeps its alias colon; a trailing `:modifier` is split off.
    last = raw.rsplit(".", 1)[-1]
    if ":" in last:
        idx = raw.rindex(":")
        body, modifier = raw[:idx], raw[idx + 1 :]
        if not modifier or not body:
            raise _err(text or raw, pos, f"invalid identifier {raw!r}")
    parts = tuple(body.split("."))
    if any(not p for p in parts):
        raise _err(text or raw, pos, f"invalid identifier {raw!r}")
    return Identifier(parts, modifier, raw, pos)


@lru_cache(maxsize=2048)
def parse(text: str) -> Node:
    """Parse a filter; results are cached because apps send the same filters again and again."""
    if len(text) > MAX_FILTER_LENGTH:
        raise FilterError(f"Invalid filter expression: longer than {MAX_FILTER_LENGTH} characters.")
    return _Parser(text).parse()


@lru_cache(maxsize=1024)
def parse_sort(text: str) -> tuple[tuple[Identifier, bool], ...]:
    """`-created,title,+id` -> ((Identifier, descending), ...)."""
    terms: list[tuple[Identifier, bool]] = []
    for raw in text.split(","):
        raw = raw.strip()
        if not raw:
            raise FilterError(f"Invalid sort {text!r}: empty sort field.")
        desc = raw.startswith("-")
        if raw[0] in "+-":
            raw = raw[1:].strip()
        if len(raw) > MAX_SORT_FIELD_LENGTH or not _IDENT_RE.fullmatch(raw):
            raise FilterError(f"Invalid sort field {raw!r}.")
        terms.append((make_identifier(raw), desc))
    if len(terms) > MAX_SORT_FIELDS:
        raise FilterError(f"Invalid sort: at most {MAX_SORT_FIELDS} fields are allowed.")
    return tuple(terms)
