"""A store in front of an older one: new files go to the first, reads fall back to the second.

This is what switching to S3 builds (S3 in front of the local folder), so files stored before
the switch stay readable without a migration; PocketBase answers 404 for them instead.
Deletes reach both stores, so a deleted record leaves nothing behind in either. Thumbnails of
an old file are made from the local original and stored in the front store.
"""

from __future__ import annotations

from collections.abc import Generator

from roost.storage.base import CHUNK, Data, FileInfo, Storage


class LayeredStorage(Storage):
    def __init__(self, front: Storage, back: Storage) -> None:
        self.front = front
        self.back = back
        self.remote = front.remote or back.remote
        self.executor = front.executor if front.remote else back.executor

    def write(self, key: str, data: Data, content_type: str = "", original_name: str = "") -> None:
        self.front.write(key, data, content_type, original_name)

    def read(self, key: str) -> bytes | None:
        data = self.front.read(key)
        return data if data is not None else self.back.read(key)

    def exists(self, key: str) -> bool:
        return self.front.exists(key) or self.back.exists(key)

    def stat(self, key: str) -> FileInfo | None:
        return self.front.stat(key) or self.back.stat(key)

    def read_range(self, key: str, start: int, length: int) -> bytes | None:
        data = self.front.read_range(key, start, length)
        return data if data is not None else self.back.read_range(key, start, length)

    def iter_range(
        self, key: str, start: int, length: int, chunk: int = CHUNK
    ) -> Generator[bytes, None, None]:
        pieces = self.front.iter_range(key, start, length, chunk)
        try:
            first = next(pieces, None)
            if first is None:  # not in front (or nothing in that range): ask the older store
                yield from self.back.iter_range(key, start, length, chunk)
                return
            yield first
            yield from pieces
        finally:
            pieces.close()

    def delete(self, key: str) -> None:
        self.front.delete(key)
        self.back.delete(key)

    def delete_prefix(self, prefix: str) -> None:
        self.front.delete_prefix(prefix)
        self.back.delete_prefix(prefix)

    def list_files(self, prefix: str = "") -> list[tuple[str, FileInfo]]:
        seen = dict(self.back.list_files(prefix))
        seen.update(self.front.list_files(prefix))
        return sorted(seen.items())

    def close(self) -> None:
        self.front.close()
