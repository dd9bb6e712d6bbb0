"""The Field base: its JSON options, storage kind, input normalisation, validation, encoding."""

from __future__ import annotations

import zlib
from typing import Any, ClassVar

from roost.core.fields.cast import to_string
from roost.db.dialects.base import JSON, TEXT
from roost.errors import field_error

COMMON_KEYS = ("hidden", "id", "name", "presentable", "system", "type")


class Field:
    type: ClassVar[str] = ""
    # option name -> default, in PocketBase's JSON (besides the common keys and "help")
    defaults: ClassVar[dict[str, Any]] = {}
    has_help: ClassVar[bool] = True

    def __init__(self, spec: dict[str, Any]) -> None:
        self.name: str = spec.get("name", "")
        self.id: str = spec.get("id") or f"{self.type}{zlib.crc32(self.name.encode())}"
        self.system = bool(spec.get("system", False))
        self.hidden = bool(spec.get("hidden", False))
        self.presentable = bool(spec.get("presentable", False))
        self.help = str(spec.get("help", "") or "")
        self.options: dict[str, Any] = {}
        for key, default in self.defaults.items():
            value = spec.get(key, default)
            self.options[key] = default if value is None and default is not None else value
        self.required = bool(self.options.get("required", False))
        self.setup()

    def setup(self) -> None:
        """Derive whatever the hot path needs from the options once."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "hidden": self.hidden,
            "id": self.id,
            "name": self.name,
            "presentable": self.presentable,
            "system": self.system,
            "type": self.type,
        }
        if self.has_help:
            out["help"] = self.help
        out.update(self.options)
        return out

    # --- storage ---------------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return TEXT

    @property
    def is_multi(self) -> bool:
        return False

    @property
    def has_column(self) -> bool:
        return True

    def zero(self) -> Any:
        return ""

    def to_db(self, value: Any, dialect: Any) -> Any:
        if self.kind == JSON:
            return dialect.encode_json(value)
        return value

    def from_db(self, raw: Any) -> Any:
        return "" if raw is None else raw

    # --- input -------------------------------------------------------------------------------------
    def prepare(self, value: Any) -> Any:
        """Normalise a submitted value (JSON, or a form value typed by cast.infer_form_value) to the
        stored Python value; the base is cast.ToString (text, editor)."""
        return to_string(value)

    def apply_modifier(self, current: Any, modifier: str, value: Any) -> Any:
        """`field+`, `+field` and `field-` setters; fields without them ignore the key."""
        return current

    def validate(self, value: Any, record: Any) -> dict[str, Any] | None:
        if self.required and self.is_blank(value):
            return field_error("validation_required", "Cannot be blank.")
        return None

    def is_blank(self, value: Any) -> bool:
        return value in ("", None, [], {}, 0, False)

    # --- schema validation (collection create/update) ----------------------------------------------
    def check_options(self, collection: Any, registry: Any) -> dict[str, Any] | None:
        return None
