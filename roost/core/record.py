"""`Record`: one row of a collection as hooks and scripts see it, read and written by field name.

    e.record["title"]                  # the current value (KeyError for an unknown name)
    e.record["title"] = "Hello"        # converted as the field converts submitted values
    e.record.set("tags+", "new")       # PocketBase's modifiers: name+ / +name / name-
    e.record.get("views", 0)
    e.record.original()                # the values as loaded (a copy), before this write's changes

A Record wraps the very dict the write path works on, so a hook's change is what gets validated
and saved; wrapping costs no copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from roost.core.collections import Collection


def _split_key(key: str) -> tuple[str, str]:
    if key.startswith("+"):
        return key[1:], "prepend"
    if key.endswith("+"):
        return key[:-1], "+"
    if key.endswith("-"):
        return key[:-1], "-"
    return key, ""


class Record:
    __slots__ = ("_original", "collection", "data")

    def __init__(
        self,
        collection: Collection,
        data: dict[str, Any] | None = None,
        *,
        original: dict[str, Any] | None = None,
    ) -> None:
        self.collection = collection
        if data is None:
            data = {f.name: f.zero() for f in collection.columns}
        self.data = data
        self._original = original

    @property
    def id(self) -> str:
        return str(self.data.get("id") or "")

    def __getitem__(self, name: str) -> Any:
        return self.data[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self.set(name, value)

    def __delitem__(self, name: str) -> None:
        del self.data[name]

    def __contains__(self, name: object) -> bool:
        return name in self.data

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    def set(self, name: str, value: Any) -> None:
        """Set a field, converting `value` as the field converts submitted input; names that are
        not fields (e.g. extra values added to a response) are stored as given."""
        field_name, modifier = _split_key(name)
        f = self.collection.field(field_name)
        if f is None:
            self.data[name] = value
        elif modifier:
            self.data[f.name] = f.apply_modifier(self.data.get(f.name, f.zero()), modifier, value)
        else:
            self.data[f.name] = f.prepare(value)

    def original(self) -> dict[str, Any]:
        """The values as they were loaded before this write changed them ({} for a new record)."""
        return dict(self._original) if self._original is not None else {}

    @property
    def is_new(self) -> bool:
        return self._original is None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.data)

    def __repr__(self) -> str:
        return f"Record({self.collection.name!r}, id={self.id!r})"
