"""The backups folder (`<data>/backups`): list, find, add and delete backup files by key, and the
lock that lets one backup or restore run at a time.

Keys are plain file names: anything with a path separator, a NUL, or that resolves outside
the folder is no key at all (looked up as missing)."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import IO

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class BackupInfo:
    key: str
    size: int
    modified: float  # seconds since the epoch


class BackupFolder:
    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)

    def path(self, key: str) -> str | None:
        """The file of `key`, or None when `key` cannot name a file of this folder."""
        if not key or key in (".", "..") or "/" in key or "\\" in key or "\x00" in key:
            return None
        root = os.path.realpath(self.root)
        path = os.path.realpath(os.path.join(root, key))
        return path if os.path.dirname(path) == root else None

    def stat(self, key: str) -> BackupInfo | None:
        path = self.path(key)
        if path is None:
            return None
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not os.path.isfile(path):
            return None
        return BackupInfo(key, st.st_size, st.st_mtime)

    def exists(self, key: str) -> bool:
        return self.stat(key) is not None

    def list(self, prefix: str = "") -> list[BackupInfo]:
        """Every backup whose key starts with `prefix`, sorted by key (as PocketBase lists them)."""
        try:
            names = os.listdir(self.root)
        except FileNotFoundError:
            return []
        out = []
        for name in sorted(names):
            if name.startswith(prefix):
                info = self.stat(name)
                if info is not None:
                    out.append(info)
        return out

    def add(self, source: str, key: str) -> None:
        """Move the finished file `source` in as `key` (atomically; an existing one is replaced)."""
        path = self.path(key)
        if path is None:
            raise ValueError(f"invalid backup key {key!r}")
        os.makedirs(self.root, exist_ok=True)
        os.replace(source, path)

    def delete(self, key: str) -> bool:
        path = self.path(key)
        if path is None:
            return False
        try:
            os.remove(path)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return False
        return True


class BackupLock:
    """One backup or restore at a time, across the processes sharing a data folder.

    Within a process a name marks the running operation; between processes (server workers,
    the `roost backup` command) an exclusive lock on a file in the data folder does."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.active: str | None = None
        self._fh: IO[bytes] | None = None

    def acquire(self, name: str) -> bool:
        if self.active is not None:
            return False
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        fh = open(self.path, "ab")  # noqa: SIM115 held open while the lock is held
        if fcntl is not None:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                fh.close()
                return False
        self._fh, self.active = fh, name
        return True

    def release(self) -> None:
        fh, self._fh, self.active = self._fh, None, None
        if fh is not None:
            fh.close()  # closing drops the lock

    def busy(self) -> bool:
        """Whether a backup or restore runs here or in another process."""
        if self.active is not None:
            return True
        if fcntl is None or not os.path.exists(self.path):
            return False
        with open(self.path, "ab") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            with contextlib.suppress(OSError):
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return False
