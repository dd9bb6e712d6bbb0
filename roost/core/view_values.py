"""Values of view records, converted as PocketBase's fields convert what a query returns.

A view column holds whatever its expression yields (a number in a text field, text in a json
field...), so each field type reads it with PocketBase's cast rules rather than trusting the
column's storage kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from roost.core.fields import Field
from roost.core.fields.cast import to_bool, to_string
from roost.core.fields.number import to_number

_TEXT_TYPES = {"text", "email", "url", "editor", "date", "autodate", "password"}
_JSON_START = set('0123456789-"[{')


def _text(raw: Any) -> Any:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    return to_string(raw)


def _number(raw: Any) -> Any:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    return 0 if raw is None else to_number(raw)


def json_value(raw: Any) -> Any:
    """PocketBase's JSONField.PrepareValue for a scanned value: text that is JSON (starting with a
    digit, '-', a quote, '[' or '{', or exactly null/true/false) is that JSON; other text stays a
    string; other values are kept."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e21:
        return int(raw)  # a float64 marshals without a fraction
    if not isinstance(raw, str):
        return raw
    if raw in ("null", "true", "false") or (raw and raw[0] in _JSON_START):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            return raw
    return raw


def decoder(field: Field) -> Callable[[Any], Any]:
    if field.type in _TEXT_TYPES:
        return _text
    if field.type == "number":
        return _number
    if field.type == "bool":
        return lambda raw: to_bool(raw.decode() if isinstance(raw, bytes) else raw)
    if field.type == "json":
        return json_value
    return field.from_db
