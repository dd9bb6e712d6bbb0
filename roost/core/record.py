"""`Record`: one row of a collection as hooks and scripts see it, read and written by field name.

    e.record["title"]                  # the current value (KeyError for an unknown name)
    e.record["title"] = "Hello"        # converted as the field converts submitted values
    e.record.set("tags+", "new")       # PocketBase's modifiers: name+ / +name / name-
    e.record.get("views", 0)
    e.record.original()                # the record as loaded (a copy), before this write's changes
    e.record.changes()                 # the values that differ from original()

A Record wraps the very dict the write path works on, so a hook's change is what gets validated
and saved; wrapping costs no copy. Library code builds one by hand and saves it:

    post = roost.Record(posts, {"title": "Hello"})
    await app.save(post)               # post.id is now set
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

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
        if not isinstance(collection, Collection):
            raise TypeError("Record() takes a Collection (see app.find_collection_by_name_or_id).")
        self.collection = collection
        self.data: dict[str, Any] = data if data is not None else {}
        self._original = original

    @classmethod
    def loaded(cls, collection: Collection, data: dict[str, Any]) -> Record:
        """A record as stored (not new): `original()` equals its current values."""
        return cls(collection, data, original=copy.deepcopy(data))

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

    def original(self) -> Record:
        """The record as it was loaded, before this write changed it (empty for a new record)."""
        data = copy.deepcopy(self._original or {})
        return Record(self.collection, data, original=dict(data))

    def changes(self) -> dict[str, Any]:
        """Values that differ from `original()`."""
        base = self._original or {}
        return {k: v for k, v in self.data.items() if k not in base or base[k] != v}

    @property
    def is_new(self) -> bool:
        """Not saved yet (built by hand, not loaded)."""
        return self._original is None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.data)

    def __repr__(self) -> str:
        return f"Record({self.collection.name!r}, id={self.id!r})"
