from __future__ import annotations

from typing import Any

import orjson

from roost.core.fields.multi import MultiValueField
from roost.errors import field_error

DEFAULT_MAX_SIZE = 5 << 20


class FileField(MultiValueField):
    """Stored file names; uploads are validated and written by core.record_files through the storage."""

    type = "file"
    defaults = {
        "maxSelect": 0,
        "maxSize": 0,
        "mimeTypes": [],
        "protected": False,
        "required": False,
        "thumbs": [],
    }

    @property
    def max_size(self) -> int:
        return int(self.options["maxSize"] or DEFAULT_MAX_SIZE)

    @property
    def max_select(self) -> int:
        return max(int(self.options["maxSelect"] or 1), 1)

    @property
    def protected(self) -> bool:
        return bool(self.options.get("protected"))

    @property
    def thumbs(self) -> list[str]:
        return [str(t) for t in self.options.get("thumbs") or []]

    def prepare(self, value: Any) -> Any:
        # a nested list or object among the names is no file name: keep it as text so it is refused
        if isinstance(value, list):
            value = [orjson.dumps(v).decode() if isinstance(v, (list, dict)) else v for v in value]
        return super().prepare(value)

    def validate(self, value: Any, record: Any) -> dict[str, Any] | None:
        items = value if isinstance(value, list) else ([value] if value else [])
        if items and len(items) > self.max_select:
            limit = self.max_select
            return field_error(
                "validation_too_many_files", f"The maximum allowed files is {limit}.", maxSelect=limit
            )
        return super().validate(value, record)
