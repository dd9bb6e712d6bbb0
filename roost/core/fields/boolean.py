from __future__ import annotations

from typing import Any

from roost.core.fields.base import Field
from roost.core.fields.cast import to_bool
from roost.db.dialects.base import BOOL


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
