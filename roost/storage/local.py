from __future__ import annotations

import contextlib
import os
import shutil
import stat

from roost.errors import BadRequest
from roost.storage.base import Data, FileInfo, Storage, is_safe_key


class LocalStorage(Storage):
    def __init__(self, root: str) -> None:
        self.root = os.path.realpath(root)

    def _path(self, key: str) -> str:
        """The file for `key`, refused unless every segment is a plain name and the resolved
        path (symbolic links followed) stays inside the storage root."""
        if not is_safe_key(key):
            raise BadRequest("Invalid file path.")
        path = os.path.realpath(os.path.join(self.root, key))
        if not path.startswith(self.root + os.sep):
            raise BadRequest("Invalid file path.")
        return path

    def write(self, key: str, data: Data, content_type: str = "", original_name: str = "") -> None:
        # a folder keeps no metadata: the type is sniffed from the content when served
        path = self._path(key)
        tmp = path + ".tmp"
        for attempt in range(2):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            try:
                fh = open(tmp, "wb")  # noqa: SIM115 closed by `with fh` below, after the retry
            except FileNotFoundError:
                if attempt:
                    raise
                continue  # a concurrent delete pruned the directory just now
            try:
                with fh:
                    if isinstance(data, bytes):
                        fh.write(data)
                    else:
                        shutil.copyfileobj(data, fh, 1 << 20)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.remove(tmp)  # a full disk must not leave half a file behind
                raise
            return

    def read(self, key: str) -> bytes | None:
        try:
            with open(self._path(key), "rb") as fh:
                return fh.read()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def exists(self, key: str) -> bool:
        return os.path.isfile(self._path(key))

    def stat(self, key: str) -> FileInfo | None:
        try:
            st = os.stat(self._path(key))
        except (FileNotFoundError, NotADirectoryError):
            return None
        return FileInfo(st.st_size, st.st_mtime) if stat.S_ISREG(st.st_mode) else None

    def read_range(self, key: str, start: int, length: int) -> bytes | None:
        try:
            with open(self._path(key), "rb") as fh:
                fh.seek(start)
                return fh.read(length)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def list_files(self, prefix: str = "") -> list[tuple[str, FileInfo]]:
        top = self._path(prefix) if prefix else self.root
        out: list[tuple[str, FileInfo]] = []
        for folder, _, names in os.walk(top):
            for name in names:
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue  # removed while walking
                if stat.S_ISREG(st.st_mode):
                    key = os.path.relpath(path, self.root).replace(os.sep, "/")
                    out.append((key, FileInfo(st.st_size, st.st_mtime)))
        return sorted(out)

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            os.remove(path)
        except FileNotFoundError:
            return
        self._prune(os.path.dirname(path))

    def delete_prefix(self, prefix: str) -> None:
        path = self._path(prefix)
        shutil.rmtree(path, ignore_errors=True)
        self._prune(os.path.dirname(path))

    def _prune(self, directory: str) -> None:
        """Remove directories left empty (a record's folder after its last file went)."""
        while directory.startswith(self.root + os.sep):
            try:
                os.rmdir(directory)
            except OSError:
                return  # not empty, or already gone
            directory = os.path.dirname(directory)
