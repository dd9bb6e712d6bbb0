"""Where backups are kept: the data folder's `backups/` or, while `settings.backups.s3.enabled`,
that S3 bucket (PocketBase's NewBackupsFilesystem). Backups are made and restored from a local
work folder either way; this store only lists, keeps, hands out and deletes the finished zips.

In S3 a backup's key is its name at the bucket's root, as PocketBase stores it, so a bucket
written by either server lists and restores from the other (the archive formats differ: each
restores only its own)."""

from __future__ import annotations

import abc
import asyncio
import io
import os
from collections.abc import AsyncGenerator, Callable
from typing import Any, TypeVar

from roost.archive import BackupFolder, BackupInfo, read_manifest
from roost.storage import Storage, StorageError, open_s3

T = TypeVar("T")
ZIP_TYPE = "application/zip"
_READ_AHEAD = 256 << 10  # bytes per ranged GET when reading a zip's directory in place


class BackupStore(abc.ABC):
    """The finished backups, by key (a plain file name)."""

    remote = False

    @abc.abstractmethod
    def valid_key(self, key: str) -> bool:
        """Whether `key` can name a backup at all (no separators, no traversal)."""

    @abc.abstractmethod
    async def list(self, prefix: str = "") -> list[BackupInfo]:
        """Every backup whose key starts with `prefix`, sorted by key."""

    @abc.abstractmethod
    async def stat(self, key: str) -> BackupInfo | None: ...

    async def exists(self, key: str) -> bool:
        return await self.stat(key) is not None

    @abc.abstractmethod
    async def add(self, source: str, key: str) -> None:
        """Keep the finished local file `source` as `key` (replacing one of that key); `source`
        is gone afterwards."""

    @abc.abstractmethod
    async def delete(self, key: str) -> str | None:
        """Delete `key`; None when done, else the store's reason (a missing key is one)."""

    @abc.abstractmethod
    async def local_copy(self, key: str, work: str) -> str | None:
        """A local file holding the backup `key` (downloaded into the folder `work` when the
        store is remote); None when there is no such backup."""

    @abc.abstractmethod
    async def manifest(self, key: str) -> dict[str, Any]:
        """The backup's manifest, checked against its entries (roost.archive.read_manifest),
        read without downloading the whole archive. Raises ArchiveError."""

    @abc.abstractmethod
    def stream(self, key: str, offset: int, length: int) -> AsyncGenerator[bytes, None]:
        """`length` bytes of the backup from `offset`, for a download."""

    def close(self) -> None:  # noqa: B027 (the local folder holds nothing)
        """Release connections and threads (the settings changed)."""


class LocalBackupStore(BackupStore):
    def __init__(self, folder: BackupFolder) -> None:
        self.folder = folder

    def valid_key(self, key: str) -> bool:
        return self.folder.path(key) is not None

    async def list(self, prefix: str = "") -> list[BackupInfo]:
        return self.folder.list(prefix)

    async def stat(self, key: str) -> BackupInfo | None:
        return self.folder.stat(key)

    async def add(self, source: str, key: str) -> None:
        self.folder.add(source, key)

    async def delete(self, key: str) -> str | None:
        if self.folder.delete(key):
            return None
        where = os.path.join(self.folder.root, key)
        return f"[key: {key}] remove {where}: no such file or directory\nresource not found"

    async def local_copy(self, key: str, work: str) -> str | None:
        path = self.folder.path(key)
        return path if path is not None and os.path.isfile(path) else None  # noqa: ASYNC240 a stat

    async def manifest(self, key: str) -> dict[str, Any]:
        path = self.folder.path(key)
        if path is None:
            raise FileNotFoundError(key)
        return await asyncio.to_thread(read_manifest, path)

    async def stream(self, key: str, offset: int, length: int) -> AsyncGenerator[bytes, None]:
        path = self.folder.path(key)
        if path is None:
            return
        with open(path, "rb") as fh:  # noqa: ASYNC230 local reads, as the file API serves them
            fh.seek(offset)
            while length > 0 and (block := fh.read(min(length, 256 << 10))):
                length -= len(block)
                yield block


class S3BackupStore(BackupStore):
    remote = True

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def valid_key(self, key: str) -> bool:
        return bool(key) and key not in (".", "..") and not any(c in key for c in "/\\\x00")

    async def list(self, prefix: str = "") -> list[BackupInfo]:
        # every object of the bucket, as PocketBase lists it (a shared bucket shows its other files)
        files = await self.storage.alist_files("")
        return [BackupInfo(k, f.size, f.modified) for k, f in files if k.startswith(prefix)]

    async def stat(self, key: str) -> BackupInfo | None:
        if not self.valid_key(key):
            return None
        info = await self.storage.astat(key)
        return None if info is None else BackupInfo(key, info.size, info.modified)

    async def add(self, source: str, key: str) -> None:
        def upload() -> None:
            with open(source, "rb") as fh:
                self.storage.write(key, fh, ZIP_TYPE, key)
            os.remove(source)

        await self._run(upload)

    async def delete(self, key: str) -> str | None:
        # S3 deletes a missing key without complaint, and PocketBase answers 204 for it too
        try:
            if not self.valid_key(key):
                return f"[key: {key}] Invalid file path."
            await self.storage.adelete(key)
        except StorageError as exc:
            return str(exc)
        return None

    async def local_copy(self, key: str, work: str) -> str | None:
        if await self.stat(key) is None:
            return None
        target = os.path.join(work, "download.zip")

        def download() -> None:
            info = self.storage.stat(key)
            size = info.size if info is not None else 0
            with open(target, "wb") as out:
                for block in self.storage.iter_range(key, 0, size):
                    out.write(block)

        await self._run(download)
        return target

    async def manifest(self, key: str) -> dict[str, Any]:
        def read() -> dict[str, Any]:
            info = self.storage.stat(key)
            if info is None:
                raise FileNotFoundError(key)
            raw = _RangeFile(self.storage, key, info.size)
            with io.BufferedReader(raw, _READ_AHEAD) as fh:
                return read_manifest(fh)

        return await self._run(read)

    def stream(self, key: str, offset: int, length: int) -> AsyncGenerator[bytes, None]:
        return self.storage.astream(key, offset, length)

    async def _run(self, fn: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.storage.executor, fn)

    def close(self) -> None:
        self.storage.close()


class _RangeFile(io.RawIOBase):
    """A read-only, seekable view of one stored object through ranged GETs: zipfile reads a
    backup's directory and manifest from the end of the archive without fetching the rest."""

    def __init__(self, storage: Storage, key: str, size: int) -> None:
        self.storage, self.key, self.size, self.pos = storage, key, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def readinto(self, buffer: Any) -> int:
        want = min(len(buffer), self.size - self.pos)
        if want <= 0:
            return 0
        block = self.storage.read_range(self.key, self.pos, want) or b""
        buffer[: len(block)] = block
        self.pos += len(block)
        return len(block)


def open_store(folder: BackupFolder, s3_settings: dict[str, Any]) -> BackupStore:
    return S3BackupStore(open_s3(s3_settings)) if s3_settings.get("enabled") else LocalBackupStore(folder)
