from __future__ import annotations

import functools
import re
from typing import Any

from roost.core.fields.base import Field
from roost.errors import field_error
from roost.security.ids import random_string

_CLASS_RE = re.compile(r"^\[([^\]]+)\]\{(\d+)\}$")
DEFAULT_ID_PATTERN = "^[a-z0-9]+$"
# a record id names its storage folder: with a relaxed pattern these still never make one
FORBIDDEN_PK_CHARACTERS = (
    ".",
    "/",
    "\\",
    "|",
    '"',
    "'",
    "`",
    "<",
    ">",
    ":",
    "?",
    "*",
    "%",
    "$",
    "\x00",
    "\t",
    "\n",
    "\r",
    " ",
)
RESERVED_PKS = (
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
)


def _expand_class(cls: str) -> str:
    chars: list[str] = []
    i = 0
    while i < len(cls):
        if i + 2 < len(cls) and cls[i + 1] == "-":
            chars.extend(chr(c) for c in range(ord(cls[i]), ord(cls[i + 2]) + 1))
            i += 3
        else:
            chars.append(cls[i])
            i += 1
    return "".join(chars)


def generate(pattern: str) -> str:
    """Values for the `[a-z0-9]{15}` style autogenerate patterns PocketBase uses."""
    length, alphabet = _parse_autogenerate(pattern)
    return random_string(length, alphabet)


@functools.lru_cache(maxsize=256)
def _parse_autogenerate(pattern: str) -> tuple[int, str]:
    """(length, alphabet) of an autogenerate pattern; parsed once, since every create uses it."""
    m = _CLASS_RE.match(pattern)
    if not m:
        return 15, "abcdefghijklmnopqrstuvwxyz0123456789"
    return int(m.group(2)), _expand_class(m.group(1))


def primary_key_error(value: str) -> dict[str, Any] | None:
    """PocketBase's checks of an id whatever the field's pattern: no path or shell characters
    and no reserved device name, since the id is a folder name in the storage."""
    for ch in FORBIDDEN_PK_CHARACTERS:
        if ch in value:
            return field_error(
                "validation_forbidden_pk_character", f"'{ch}' is not a valid primary key character.", ch=ch
            )
    for reserved in RESERVED_PKS:
        if value.upper() == reserved:
            return field_error(
                "validation_reserved_pk",
                f"The primary key '{reserved}' is reserved and cannot be used.",
                reserved=reserved,
            )
    return None


class TextField(Field):
    type = "text"
    defaults = {
        "autogeneratePattern": "",
        "max": 0,
        "min": 0,
        "pattern": "",
        "primaryKey": False,
        "required": False,
    }

    def setup(self) -> None:
        pattern = self.options.get("pattern") or ""
        self._pattern = re.compile(pattern) if pattern else None

    def apply_modifier(self, current: Any, modifier: str, value: Any) -> Any:
        if modifier == "autogenerate" and self.options["autogeneratePattern"]:
            return generate(self.options["autogeneratePattern"]) + (str(value) if value else "")
        return current

    def autogenerate(self) -> str:
        return generate(self.options["autogeneratePattern"]) if self.options["autogeneratePattern"] else ""

    def validate(self, value: Any, record: Any) -> dict[str, Any] | None:
        if value == "":
            return super().validate(value, record)
        n = len(value)
        lo, hi = self.options["min"] or 0, self.options["max"] or 0
        if self.options.get("primaryKey"):
            hi = hi or 15
        if lo and n < lo:
            return field_error(
                "validation_min_text_constraint", f"Must be at least {lo} character(s).", min=lo
            )
        limit = hi or 5000
        if n > limit:
            return field_error(
                "validation_max_text_constraint", f"Must be less than {limit} character(s).", max=limit
            )
        if self._pattern is not None and not self._pattern.search(value):
            return field_error("validation_invalid_format", "Invalid value format.")
        if self.options.get("primaryKey") and self.options.get("pattern") != DEFAULT_ID_PATTERN:
            return primary_key_error(value)
        return None

    def check_options(self, collection: Any, registry: Any) -> dict[str, Any] | None:
        if self.options.get("pattern"):
            try:
                re.compile(self.options["pattern"])
            except re.error:
                return {"pattern": field_error("validation_invalid_regex", "Invalid regular expression.")}
        return None
