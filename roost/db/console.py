"""The SQL console's engine-neutral parts: which statements write, how values are shown.

Superusers send any SQL to `POST /api/sql`; each dialect runs it (`Dialect.run_console`) and
hands back a ConsoleResult whose cells are already text, as PocketBase shows them."""

from __future__ import annotations

import datetime
import decimal
import math
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson

MAX_ROWS = 1000  # PocketBase's cap on the rows one query returns
TIMEOUT_SECONDS = 180.0  # PocketBase's limit on one query

# statements that change data or schema: run in one transaction, answered with affectedRows
_WRITE_KEYWORDS = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER"})
_LEADING_NOISE = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*", re.S)


@dataclass(slots=True)
class ConsoleColumn:
    name: str
    type: str = ""  # the declared column type, "" for an expression
    nullable: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "nullable": self.nullable}


@dataclass(slots=True)
class ConsoleResult:
    columns: list[ConsoleColumn] = field(default_factory=list)
    rows: list[list[str | None]] = field(default_factory=list)
    affected_rows: int = 0


def is_write(sql: str) -> bool:
    """Whether the query's first keyword (after comments) changes data or schema."""
    head = sql[_LEADING_NOISE.match(sql).end() :]  # type: ignore[union-attr]  # always matches
    keyword = re.match(r"[A-Za-z]+", head)
    return keyword is not None and keyword.group(0).upper() in _WRITE_KEYWORDS


def unique_names(names: list[str]) -> list[str]:
    """Repeated column names get `:1`, `:2`... as PocketBase names them (`a`, `a:1`)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            seen[name] += 1
            out.append(f"{name}:{seen[name]}")
        else:
            seen[name] = 0
            out.append(name)
    return out


def show(value: Any) -> str | None:
    """A cell as text: numbers as Go prints them, blobs as their bytes, JSON as JSON."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return str(value)


def go_float(value: float) -> str:
    """Go's `strconv.FormatFloat(v, 'g', -1, 64)`: the shortest digits that read back as `v`,
    in exponent form when the exponent is below -4 or at least 6 (`1.234567e+06`, `1e-06`)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign = "-" if value < 0 else ""
    _, digit_tuple, exponent = decimal.Decimal(repr(abs(value))).as_tuple()
    assert isinstance(exponent, int)  # finite
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + exponent - 1  # the decimal exponent of the first digit
    digits = digits.rstrip("0") or "0"
    if point < -4 or point >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'+' if point >= 0 else '-'}{abs(point):02d}"
    if point >= 0:
        whole, frac = digits[: point + 1].ljust(point + 1, "0"), digits[point + 1 :]
    else:
        whole, frac = "0", "0" * (-point - 1) + digits
    return f"{sign}{whole}" + (f".{frac}" if frac else "")
