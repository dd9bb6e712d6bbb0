from __future__ import annotations

from typing import Any

from roost.core.fields.base import Field
from roost.db.dialects.base import BOOL


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return str(value).strip().lower() in ("1", "true", "on", "yes", "t")


class BoolField(Field):
    type = "bool"
    defaults = {"required": False}

    @property
    def kind(self) -> str:
        return BOOL

    def zero(self) -> Any:
        return False

    def from_db(self, raw: Any) -> Any:
        return bool(raw) if raw is not None else False

    def prepare(self, value: Any) -> Any:
        return to_bool(value)
