from __future__ import annotations

from typing import Any

from roost.core.fields.base import Field
from roost.core.fields.cast import to_string
from roost.errors import field_error


class PlainPassword(str):
    """A submitted password awaiting hashing (records.save hashes it before writing)."""


class PasswordField(Field):
    """Stores a bcrypt hash; the value is never output through the API."""

    type = "password"
    defaults = {"cost": 0, "max": 0, "min": 0, "pattern": "", "required": False}

    def prepare(self, value: Any) -> Any:
        return PlainPassword(to_string(value))

    @staticmethod
    def unhashable(value: Any) -> bool:
        """bcrypt takes at most 72 bytes; PocketBase fails such a write as a whole, with no field error."""
        return isinstance(value, PlainPassword) and len(value.encode("utf-8", "surrogatepass")) > 72

    def validate(self, value: Any, record: Any) -> dict[str, Any] | None:
        if not isinstance(value, PlainPassword):  # unchanged stored hash
            if self.required and not value:
                return field_error("validation_required", "Cannot be blank.")
            return None
        if value == "":
            if self.required:
                return field_error("validation_required", "Cannot be blank.")
            return None
        n = len(value)
        lo = self.options["min"] or 0
        hi = self.options["max"] or 71
        if n < lo:
            return field_error(
                "validation_min_text_constraint", f"Must be at least {lo} character(s).", min=lo
            )
        if n > hi:
            return field_error(
                "validation_max_text_constraint", f"Must be less than {hi} character(s).", max=hi
            )
        return None
