"""The Collection model: fields, rules, indexes and auth options; and the in-memory registry."""

from __future__ import annotations

import copy
import re
import zlib
from collections.abc import Callable
from typing import Any

from roost.core.collection_defaults import TOKEN_TYPES
from roost.core.fields import Field, make_field
from roost.errors import ValidationError, field_error

RULE_NAMES = ("listRule", "viewRule", "createRule", "updateRule", "deleteRule")
AUTH_RULE_NAMES = ("authRule", "manageRule")
AUTH_OPTION_KEYS = (
    "authRule",
    "manageRule",
    "authAlert",
    "oauth2",
    "passwordAuth",
    "mfa",
    "otp",
    *TOKEN_TYPES,
    "verificationTemplate",
    "resetPasswordTemplate",
    "confirmEmailChangeTemplate",
)
NAME_RE = re.compile(r"^\w+$")


def collection_id(type_: str, name: str) -> str:
    return f"pbc_{zlib.crc32((type_ + name).encode())}"


def _field(index: int, spec: Any) -> Field:
    try:
        return make_field(spec)
    except (KeyError, AttributeError):
        kind = spec.get("type") if isinstance(spec, dict) else None
        raise ValidationError(
            {
                "fields": {
                    str(index): {
                        "type": field_error("validation_invalid_field_type", f"Unknown field type {kind!r}.")
                    }
                }
            },
            "Invalid collection fields.",
        ) from None


class Collection:
    """A collection definition. Immutable once built: updates build a new instance."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.id: str = spec.get("id") or ""  # empty until a new collection is saved
        self.name: str = spec.get("name") or ""
        self.type: str = spec.get("type", "base")
        self.system = bool(spec.get("system", False))
        self.fields: list[Field] = [_field(i, f) for i, f in enumerate(spec.get("fields") or [])]
        self.indexes: list[str] = list(spec.get("indexes") or [])
        self.rules: dict[str, str | None] = {r: spec.get(r) for r in RULE_NAMES}
        self.created: str = spec.get("created", "")
        self.updated: str = spec.get("updated", "")
        self.options: dict[str, Any] = (
            {k: spec[k] for k in AUTH_OPTION_KEYS if k in spec} if self.is_auth else {}
        )
        if self.is_auth:
            self.rules["authRule"] = self.options.get("authRule", "")
            self.rules["manageRule"] = self.options.get("manageRule")
        self.field_map: dict[str, Field] = {f.name: f for f in self.fields}
        self.lower_field_map: dict[str, Field] = {f.name.lower(): f for f in self.fields}
        self.columns: list[Field] = [f for f in self.fields if f.has_column]
        self.table = self.name
        # compiled SQL and rule caches are attached by the query layer, keyed on this instance
        self.cache: dict[Any, Any] = {}

    @property
    def is_auth(self) -> bool:
        return self.type == "auth"

    @property
    def is_view(self) -> bool:
        return self.type == "view"

    def field(self, name: str) -> Field | None:
        return self.field_map.get(name)

    def token_secret(self, token_type: str) -> str:
        return str(self.options.get(token_type, {}).get("secret", ""))

    def token_duration(self, token_type: str) -> int:
        return int(self.options.get(token_type, {}).get("duration", 0))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        for r in RULE_NAMES:
            out[r] = self.rules[r]
        out["name"] = self.name
        out["type"] = self.type
        out["fields"] = [f.to_json() for f in self.fields]
        out["indexes"] = list(self.indexes)
        out["created"] = self.created
        out["updated"] = self.updated
        out["system"] = self.system
        if self.is_auth:
            for key in AUTH_OPTION_KEYS:
                if key not in self.options:
                    continue
                value = copy.deepcopy(self.options[key])
                if key in TOKEN_TYPES and isinstance(value, dict):
                    value.pop("secret", None)  # secrets are never output
                if key == "oauth2":
                    for p in value.get("providers", []):
                        p.pop("clientSecret", None)
                out[key] = value
        if self.is_view:
            out["viewQuery"] = self.spec.get("viewQuery", "")
        return out

    def to_storage(self) -> dict[str, Any]:
        """The full definition, secrets included, as stored in `_collections`."""
        return copy.deepcopy(self.spec)


class Registry:
    """All collections by id and by lower-cased name; `version` bumps on every change, and
    every function in `watchers` is called after it."""

    def __init__(self) -> None:
        self.by_id: dict[str, Collection] = {}
        self.by_name: dict[str, Collection] = {}
        self.version = 0
        self.watchers: list[Callable[[], None]] = []

    def find(self, id_or_name: str) -> Collection | None:
        c = self.by_id.get(id_or_name)
        if c is None:
            c = self.by_name.get(id_or_name.lower())
        return c

    def put(self, collection: Collection) -> None:
        old = self.by_id.get(collection.id)
        if old is not None:
            self.by_name.pop(old.name.lower(), None)
        self.by_id[collection.id] = collection
        self.by_name[collection.name.lower()] = collection
        self._changed()

    def remove(self, collection: Collection) -> None:
        self.by_id.pop(collection.id, None)
        self.by_name.pop(collection.name.lower(), None)
        self._changed()

    def _changed(self) -> None:
        self.version += 1
        for watcher in self.watchers:
            watcher()

    def all(self) -> list[Collection]:
        return list(self.by_id.values())
