"""The expression tree of a parsed filter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Literal:
    """A text, number, true/false/null literal. `value` is str, int, float, bool or None."""

    value: Any


@dataclass(frozen=True, slots=True)
class Identifier:
    """A field path such as `author.name:lower` or `@request.auth.id`, with its modifier split off."""

    path: tuple[str, ...]
    modifier: str = ""
    raw: str = ""
    pos: int = 0


@dataclass(frozen=True, slots=True)
class Call:
    """A function call such as `strftime('%Y', created)` or `geoDistance(a, b, c, d)`."""

    name: str
    args: tuple[Operand, ...]
    pos: int = 0


Operand = Literal | Identifier | Call


@dataclass(frozen=True, slots=True)
class Expr:
    """`left op right`; `op` keeps the `?` any-of prefix (`?=`, `?~`, ...)."""

    left: Operand
    op: str
    right: Operand


@dataclass(frozen=True, slots=True)
class Group:
    """`items` joined by `join` ("&&" or "||"); && binds tighter, as in PocketBase."""

    join: str
    items: tuple[Node, ...]


Node = Expr | Group
