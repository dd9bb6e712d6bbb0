"""The Storage interface: blocking primitives plus an async face for the event loop.

Keys are `collectionId/recordId/filename` paths. Every primitive is a plain blocking call, so
code that runs in a worker thread or a CLI command (thumbnails, backups) uses them directly.
Code on the event loop uses the `a*` twins: a local disk answers inline (a thread hop costs
more than the read), a remote store (`remote = True`) runs the call in its own thread pool.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncGenerator, Callable, Generator
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import BinaryIO, TypeVar

T = TypeVar("T")

log = logging.getLogger("roost.storage")

CHUNK = 256 << 10  # bytes per read when streaming a file out

Data = bytes | BinaryIO  # a whole file, or an open binary file read from its current position


class StorageError(Exception):
    """The store refused or could not be reached; the message carries the store's own words."""


def is_safe_key(key: str) -> bool:
    """A `collectionId/recordId/filename` style key whose segments are all plain names."""
    if not key or "\\" in key or "\x00" in key:
        return False
    return all(segment not in ("", ".", "..") for segment in key.split("/"))


@dataclass(frozen=True, slots=True)
class FileInfo:
    size: int
    modified: float  # seconds since the epoch
    # the type recorded when the file was stored; "" when the store keeps none (sniff the content)
    content_type: str = ""


class Storage(abc.ABC):
    """Keys are `collectionId/recordId/filename` paths; implementations must reject traversal.
    A prefix given to `delete_prefix`/`list_files` names a folder: `a/b` covers `a/b/...`, never `a/bc`."""

    remote = False  # True: calls wait on the network and must not run on the event loop
    executor: Executor | None = None  # where remote calls run (None: the loop's default pool)

    @abc.abstractmethod
    def write(self, key: str, data: Data, content_type: str = "", original_name: str = "") -> None:
        """Store `data` under `key`. `content_type` and `original_name` are kept as the file's
        metadata where the store has a place for them (S3 does, as PocketBase writes them)."""

    @abc.abstractmethod
    def read(self, key: str) -> bytes | None: ...

    @abc.abstractmethod
    def exists(self, key: str) -> bool: ...

    @abc.abstractmethod
    def delete(self, key: str) -> None: ...

    @abc.abstractmethod
    def delete_prefix(self, prefix: str) -> None: ...

    @abc.abstractmethod
    def list_files(self, prefix: str = "") -> list[tuple[str, FileInfo]]:
        """(key, info) of every file under the folder `prefix` ("" for all), in key order."""

    # Serving needs the size and a slice without loading a whole video; backends that can seek
    # override these, the defaults work for any backend.
    def stat(self, key: str) -> FileInfo | None:
        data = self.read(key)
        return None if data is None else FileInfo(len(data), 0.0)

    def read_range(self, key: str, start: int, length: int) -> bytes | None:
        data = self.read(key)
        return None if data is None else data[start : start + length]

    def iter_range(
        self, key: str, start: int, length: int, chunk: int = CHUNK
    ) -> Generator[bytes, None, None]:
        """`length` bytes from `start` in pieces of at most `chunk`; ends early if the file is
        shorter (or gone). Remote stores fetch the whole range in one request."""
        offset, end = start, start + length
        while offset < end:
            block = self.read_range(key, offset, min(chunk, end - offset))
            if not block:
                return
            yield block
            offset += len(block)

    def discard(self, keys: list[str]) -> None:
        """Remove files without waiting (a rolled-back upload): inline on a local disk, in the
        background for a remote store, so a failing request is not held up by the network."""
        if not self.remote:
            for key in keys:
                self.delete(key)
            return
        loop = asyncio.get_running_loop()
        for key in keys:
            loop.run_in_executor(self.executor, self._delete_quietly, key)

    def _delete_quietly(self, key: str) -> None:
        try:
            self.delete(key)
        except Exception as exc:  # nobody waits for this answer: say it in the log
            log.warning("removing %s failed: %s", key, exc)

    def close(self) -> None:  # noqa: B027 (most stores hold nothing to release)
        """Release connections and threads (a store replaced by a settings change)."""

    # --- the async face, for code on the event loop ------------------------------------------------
    async def _call(self, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        if not self.remote:
            return fn(*args, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(fn, *args, **kwargs))

    async def awrite(self, key: str, data: Data, content_type: str = "", original_name: str = "") -> None:
        await self._call(self.write, key, data, content_type, original_name)

    async def aread(self, key: str) -> bytes | None:
        return await self._call(self.read, key)

    async def aexists(self, key: str) -> bool:
        return await self._call(self.exists, key)

    async def astat(self, key: str) -> FileInfo | None:
        return await self._call(self.stat, key)

    async def aread_range(self, key: str, start: int, length: int) -> bytes | None:
        return await self._call(self.read_range, key, start, length)

    async def adelete(self, key: str) -> None:
        await self._call(self.delete, key)

    async def adelete_prefix(self, prefix: str) -> None:
        await self._call(self.delete_prefix, prefix)

    async def alist_files(self, prefix: str = "") -> list[tuple[str, FileInfo]]:
        return await self._call(self.list_files, prefix)

    async def astream(
        self, key: str, start: int, length: int, chunk: int = CHUNK
    ) -> AsyncGenerator[bytes, None]:
        """`iter_range` for the event loop: each piece is read inline or in the pool; closing
        the iterator early (a client that went away) releases the underlying download."""
        pieces = self.iter_range(key, start, length, chunk)
        try:
            while True:
                block = await self._call(next, pieces, b"")
                if not block:
                    return
                yield block
        finally:
            with contextlib.suppress(Exception):
                await self._call(pieces.close)
