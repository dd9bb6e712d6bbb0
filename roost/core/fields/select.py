from __future__ import annotations

from typing import Any

from roost.core.fields.multi import MultiValueField
from roost.errors import field_error


class SelectField(MultiValueField):
    type = "select"
    defaults = {"maxSelect": 0, "required": False, "values": []}

    def validate(self, value: Any, record: Any) -> dict[str, Any] | None:
        items = value if isinstance(value, list) else ([value] if value else [])
        allowed = self.options["values"] or []
        for item in items:
            if item not in allowed:
                return field_error("validation_invalid_value", f"Invalid value {item}.", value=item)
        limit = max(self.options["maxSelect"] or 1, 1)
        if len(items) > limit:
            return field_error("validation_too_many_values", f"Select no more than {limit}.", maxSelect=limit)
        return super().validate(value, record)

    def check_options(self, collection: Any, registry: Any) -> dict[str, Any] | None:
        if not self.options["values"]:
            return {"values": {"code": "validation_required", "message": "Cannot be blank."}}
        return None
