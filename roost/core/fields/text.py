from __future__ import annotations

import re
from typing import Any

from roost.core.fields.base import Field
from roost.errors import field_error
from roost.security.ids import random_string

_CLASS_RE = re.compile(r"^\[([^\]]+)\]\{(\d+)\}$")


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
    m = _CLASS_RE.match(pattern)
    if not m:
        return random_string(15, "abcdefghijklmnopqrstuvwxyz0123456789")
    return random_string(int(m.group(2)), _expand_class(m.group(1)))


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
        return None

    def check_options(self, collection: Any, registry: Any) -> dict[str, Any] | None:
        if self.options.get("pattern"):
            try:
                re.compile(self.options["pattern"])
            except re.error:
                return {"pattern": field_error("validation_invalid_regex", "Invalid regular expression.")}
        return None
