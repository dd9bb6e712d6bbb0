from __future__ import annotations

from typing import Any

from roost.core.fields.base import Field
from roost.errors import field_error

DEFAULT_MAX_SIZE = 5 << 20


class EditorField(Field):
    type = "editor"
    defaults = {"convertURLs": False, "maxSize": 0, "required": False}

    def validate(self, value: Any, record: Any) -> dict[str, Any] | None:
        limit = self.options["maxSize"] or DEFAULT_MAX_SIZE
        if len(value.encode()) > limit:
            return field_error(
                "validation_content_size_limit",
                f"The maximum allowed content size is {limit} bytes.",
                maxSize=limit,
            )
        return super().validate(value, record)
