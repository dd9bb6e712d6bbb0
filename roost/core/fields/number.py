from __future__ import annotations

import math
from typing import Any

from roost.core.fields.base import Field
from roost.core.fields.cast import to_float
from roost.db.dialects.base import NUMBER
from roost.errors import field_error


def to_number(value: Any) -> int | float:
    """PocketBase's cast: bools to 0/1, numbers as float64, numeric text parsed, anything else 0;
    integral values come back as int. Not-a-number and infinities stay floats (validation refuses them)."""
    if type(value) is int and -(2**53) < value < 2**53:
        return value
    f = to_float(value)
    if math.isfinite(f) and f.is_integer() and abs(f) < 2**53:
        return int(f)
    return f


class NumberField(Field):
    type = "number"
    defaults = {"max": None, "min": None, "onlyInt": False, "required": False}

    @property
    def kind(self) -> str:
        return NUMBER

    def zero(self) -> Any:
        return 0

    def from_db(self, raw: Any) -> Any:
        return 0 if raw is None else to_number(raw)

    def prepare(self, value: Any) -> Any:
        return to_number(value)

    def apply_modifier(self, current: Any, modifier: str, value: Any) -> Any:
        if modifier == "+":
            return to_number(to_number(current) + to_number(value))
        if modifier == "-":
            return to_number(to_number(current) - to_number(value))
        return current

    def validate(self, value: Any, record: Any) -> dict[str, Any] | None:
        if isinstance(value, float) and not math.isfinite(value):
            return field_error("validation_not_a_number", "The submitted number is not properly formatted.")
        if value == 0:
            return super().validate(value, record)
        if self.options["onlyInt"] and not float(value).is_integer():
            return field_error("validation_only_int_constraint", "Decimal numbers are not allowed.")
        lo, hi = self.options["min"], self.options["max"]
        if lo is not None and value < lo:
            return field_error("validation_min_number_constraint", f"Must be larger than {lo:g}.", min=lo)
        if hi is not None and value > hi:
            return field_error("validation_max_number_constraint", f"Must be less than {hi:g}.", max=hi)
        return None
