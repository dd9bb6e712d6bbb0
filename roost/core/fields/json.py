from __future__ import annotations

import json
from typing import Any

import orjson

from roost.core.fields.base import Field
from roost.core.fields.cast import json_value
from roost.db.dialects.base import JSON
from roost.errors import field_error

DEFAULT_MAX_SIZE = 1 << 20


class JSONField(Field):
    type = "json"
    defaults = {"maxSize": 0, "required": False}

    @property
    def kind(self) -> str:
        return JSON

    def zero(self) -> Any:
        return None

    def to_db(self, value: Any, dialect: Any) -> Any:
        if not dialect.json_stored_as_text or value is None:
            return dialect.encode_json(value)
        # the text PocketBase stores (Go's encoding/json), which filters compare against
        return go_json(value)

    def from_db(self, raw: Any) -> Any:
        if isinstance(raw, str):
            try:
                return orjson.loads(raw)
            except orjson.JSONDecodeError:
                return raw
        return raw

    def prepare(self, value: Any) -> Any:
        # a string holding JSON is stored as that JSON, as PocketBase does; other strings stay strings
        if isinstance(value, str):
            try:
                return orjson.loads(value)  # kept as written, as PocketBase keeps the raw text
            except orjson.JSONDecodeError:
                return value
        return json_value(value)

    def validate(self, value: Any, record: Any) -> dict[str, Any] | None:
        if isinstance(value, str) and "\x00" in value:
            return field_error("validation_invalid_json", "Must be a valid json value.")
        limit = self.options["maxSize"] or DEFAULT_MAX_SIZE
        if value is not None and len(orjson.dumps(value)) > limit:
            return field_error(
                "validation_json_size_limit",
                f"The maximum allowed JSON size is {limit} bytes.",
                maxSize=limit,
            )
        if self.required and value in (None, "", [], {}, False, 0):
            return field_error("validation_required", "Cannot be blank.")
        return None


_GO_ESCAPES = {"\u2028": "\\u2028", "\u2029": "\\u2029"}


def _go_numbers(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)  # float64 values print without a fraction
    if isinstance(value, dict):
        return {k: _go_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_go_numbers(v) for v in value]
    return value


def go_json(value: Any) -> str:
    """JSON as PocketBase writes a decoded value (Go's encoder without HTML escaping): object keys
    sorted, whole floats without a fraction, the line separators escaped (only inside strings)."""
    decoded = _go_numbers(value)
    try:
        text = orjson.dumps(decoded, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:  # a whole number beyond 64 bits (e.g. 1e20 printed in full, as Go does)
        text = json.dumps(decoded, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if any(c in text for c in _GO_ESCAPES):
        text = "".join(_GO_ESCAPES.get(c, c) for c in text)
    return text
