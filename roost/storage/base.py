from __future__ import annotations

import abc
from dataclasses import dataclass


def is_safe_key(key: str) -> bool:
    """A `collectionId/recordId/filename` style key whose segments are all plain names."""
    if not key or "\\" in key or "\x00" in key:
        return False
    return all(segment not in ("", ".", "..") for segment in key.split("/"))


@dataclass(frozen=True, slots=True)
class FileInfo:
    size: int
    modified: float  # seconds since the epoch


class Storage(abc.ABC):
    """Keys are `collectionId/recordId/filename` paths; implementations must reject traversal."""

    @abc.abstractmethod
    def write(self, key: str, data: bytes) -> None: ...

    @abc.abstractmethod
    def read(self, key: str) -> bytes | None: ...

    @abc.abstractmethod
    def exists(self, key: str) -> bool: ...

    @abc.abstractmethod
    def delete(self, key: str) -> None: ...

    @abc.abstractmethod
    def delete_prefix(self, prefix: str) -> None: ...

    # Serving needs the size and a slice without loading a whole video; backends that can seek
    # override these two, the defaults work for any backend.
    def stat(self, key: str) -> FileInfo | None:
        data = self.read(key)
        return None if data is None else FileInfo(len(data), 0.0)

    def read_range(self, key: str, start: int, length: int) -> bytes | None:
        data = self.read(key)
        return None if data is None else data[start : start + length]
