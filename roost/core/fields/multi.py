"""Shared behaviour of fields that hold one value or, with maxSelect > 1, a list of values."""

from __future__ import annotations

from typing import Any

import orjson

from roost.core.fields.base import Field
from roost.core.fields.cast import to_string_list
from roost.db.dialects.base import JSON, TEXT


def as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str) and value.startswith("["):
        try:
            parsed = orjson.loads(value)
        except orjson.JSONDecodeError:
            return [value]
        # a JSON list of strings, as PocketBase reads it into []string; any other text is one value
        if isinstance(parsed, list) and all(isinstance(v, str) for v in parsed):
            return parsed
        return [value]
    return [value]


class MultiValueField(Field):
    @property
    def is_multi(self) -> bool:
        return (self.options.get("maxSelect") or 0) > 1

    @property
    def kind(self) -> str:
        return JSON if self.is_multi else TEXT

    def zero(self) -> Any:
        return [] if self.is_multi else ""

    def from_db(self, raw: Any) -> Any:
        if self.is_multi:
            if raw is None or raw == "":
                return []
            if isinstance(raw, str):
                return as_list(raw)
            return raw if isinstance(raw, list) else [raw]
        if isinstance(raw, list):
            return raw[-1] if raw else ""
        return "" if raw is None else raw

    def prepare(self, value: Any) -> Any:
        # cast.ToString per item; empty values and duplicates are dropped, first occurrence kept
        items = to_string_list(as_list(value))
        if self.is_multi:
            return items
        return items[-1] if items else ""

    def apply_modifier(self, current: Any, modifier: str, value: Any) -> Any:
        cur = as_list(current)
        vals = to_string_list(as_list(value))
        if modifier == "+":  # append
            merged = cur + [v for v in vals if v not in cur]
        elif modifier == "prepend":
            merged = [v for v in vals if v not in cur] + cur
        elif modifier == "-":
            merged = [v for v in cur if v not in vals]
        else:
            return current
        return merged if self.is_multi else (merged[-1] if merged else "")
