"""`Record`: one record of a collection as library code and migrations see it."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from roost.core.collections import Collection


class Record:
    """Field values by name (`record["title"]`, `get`, `set`), the collection they belong to, and
    `original()`: the values as last loaded or saved. A record built by hand is new until saved.

        post = roost.Record(posts, {"title": "Hello"})
        await app.save(post)        # post.id is now set
    """

    __slots__ = ("_data", "_original", "collection")

    def __init__(self, collection: Collection, data: dict[str, Any] | None = None) -> None:
        if not isinstance(collection, Collection):
            raise TypeError("Record() takes a Collection (see app.find_collection_by_name_or_id).")
        self.collection = collection
        self._data: dict[str, Any] = dict(data or {})
        self._original: dict[str, Any] | None = None

    @classmethod
    def loaded(cls, collection: Collection, data: dict[str, Any]) -> Record:
        """A record as stored (not new): `original()` equals its current values."""
        record = cls(collection, data)
        record._original = copy.deepcopy(data)
        return record

    @property
    def id(self) -> str:
        return str(self._data.get("id") or "")

    def is_new(self) -> bool:
        return self._original is None

    def get(self, name: str, default: Any = None) -> Any:
        return self._data.get(name, default)

    def set(self, name: str, value: Any) -> None:
        self._data[name] = value

    def __getitem__(self, name: str) -> Any:
        return self._data[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self._data[name] = value

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def original(self) -> Record:
        """The record as last loaded or saved (empty for a new record)."""
        return Record.loaded(self.collection, copy.deepcopy(self._original or {}))

    def changes(self) -> dict[str, Any]:
        """Values that differ from `original()`."""
        base = self._original or {}
        return {k: v for k, v in self._data.items() if k not in base or base[k] != v}

    def to_dict(self) -> dict[str, Any]:
        return dict(self._data)

    def __repr__(self) -> str:
        return f"Record({self.collection.name!r}, id={self.id!r})"
