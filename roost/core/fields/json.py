from __future__ import annotations

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
