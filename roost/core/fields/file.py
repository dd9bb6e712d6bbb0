from __future__ import annotations

from typing import Any

from roost.core.fields.multi import MultiValueField
from roost.errors import field_error

DEFAULT_MAX_SIZE = 5 << 20


class FileField(MultiValueField):
    """File names; the uploads themselves are handled by core.files through the storage backend."""

    type = "file"
    defaults = {"maxSelect": 0, "maxSize": 0, "mimeTypes": [], "protected": False, "required": False, "thumbs": []}

    @property
    def max_size(self) -> int:
        return int(self.options["maxSize"] or DEFAULT_MAX_SIZE)

    def validate(self, value: Any, record: Any) -> dict[str, Any] | None:
        items = value if isinstance(value, list) else ([value] if value else [])
        limit = max(self.options["maxSelect"] or 1, 1)
        if len(items) > limit:
            return field_error("validation_too_many_values", f"Select no more than {limit}.", maxSelect=limit)
        return super().validate(value, record)
