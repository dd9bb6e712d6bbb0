"""Writing, checking and unpacking backup zips.

Layout of a backup:

    roost_backup.json   the manifest: format, what made it, and every other entry's size and sha256
    data.db             a SQLite database snapshot, or
    database/...        a logical dump (one file per table plus its own description)
    storage/...         the stored files, under their storage keys

Unpacking refuses an archive before writing anything outside the destination: entry names
must be relative paths of plain segments (no `..`, no absolute or drive paths, no backslashes,
no symbolic links), every entry must be listed in the manifest with its size and checksum, and
every listed file must be present. Checksums are verified while unpacking; a mismatch stops
it and the partial output is the caller's to delete."""

from __future__ import annotations

import hashlib
import os
import stat
import time
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, Any

import orjson

from roost.errors import RoostError

MANIFEST = "roost_backup.json"
FORMAT = 1
CHUNK = 1 << 20
# already compressed: stored as they are instead of spending CPU on deflate for nothing
_STORED_EXT = frozenset(
    [
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".webp",
        ".avif",
        ".heic",
        ".mp4",
        ".mov",
        ".webm",
        ".mkv",
        ".mp3",
        ".m4a",
        ".aac",
        ".ogg",
        ".opus",
        ".flac",
        ".zip",
        ".gz",
        ".tgz",
        ".bz2",
        ".xz",
        ".zst",
        ".7z",
        ".rar",
        ".pdf",
        ".docx",
        ".xlsx",
        ".pptx",
        ".woff",
        ".woff2",
    ]
)

Progress = Callable[[int, int], None]  # (bytes done, bytes in all)


class ArchiveError(RoostError):
    """The archive is not a backup Roost can restore (the message says why)."""


def safe_entry(name: str) -> bool:
    """A relative path of plain segments, the same on every system."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or ":" in name.split("/", 1)[0]:
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


class ArchiveWriter:
    """Builds a backup zip at `path`: add files, then `finish(meta)` writes the manifest."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=1)
        self.files: dict[str, dict[str, Any]] = {}

    def add_file(self, name: str, source: str, progress: Callable[[int], None] | None = None) -> int:
        """Copy `source` into the archive as `name`, hashing it on the way; returns its size."""
        if not safe_entry(name) or name == MANIFEST:
            raise ArchiveError(f"Invalid archive entry name {name!r}.")
        ext = os.path.splitext(name)[1].lower()
        method = zipfile.ZIP_STORED if ext in _STORED_EXT else zipfile.ZIP_DEFLATED
        info = zipfile.ZipInfo(name, time.gmtime(os.stat(source).st_mtime)[:6])
        info.compress_type = method
        info.external_attr = 0o644 << 16
        digest = hashlib.sha256()
        size = 0
        with open(source, "rb") as src, self._zip.open(info, "w", force_zip64=True) as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
                size += len(chunk)
                if progress is not None:
                    progress(len(chunk))
        self.files[name] = {"size": size, "sha256": digest.hexdigest()}
        return size

    def finish(self, meta: dict[str, Any]) -> None:
        manifest = {"format": FORMAT, **meta, "files": dict(sorted(self.files.items()))}
        self._zip.writestr(MANIFEST, orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
        self._zip.close()

    def abort(self) -> None:
        self._zip.close()


def _open(path: str | IO[bytes]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise ArchiveError(f"The file is not a valid zip archive: {exc}.") from None


def _manifest_of(zf: zipfile.ZipFile) -> dict[str, Any]:
    try:
        info = zf.getinfo(MANIFEST)
    except KeyError:
        raise ArchiveError(f"The archive has no {MANIFEST} manifest: it is not a Roost backup.") from None
    if info.file_size > 64 << 20:
        raise ArchiveError("The backup manifest is too large.")
    try:
        manifest = orjson.loads(zf.read(info))
    except (orjson.JSONDecodeError, zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"The backup manifest cannot be read: {exc}.") from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("The backup manifest is not in a format this version of Roost reads.")
    for name, entry in files.items():
        if not safe_entry(name) or not isinstance(entry, dict):
            raise ArchiveError(f"The backup manifest lists an unsafe path: {name!r}.")
        if not isinstance(entry.get("size"), int) or not isinstance(entry.get("sha256"), str):
            raise ArchiveError(f"The backup manifest has no size or checksum for {name!r}.")
    checked: dict[str, Any] = manifest
    return checked


def _entries(zf: zipfile.ZipFile, files: dict[str, Any]) -> Iterator[zipfile.ZipInfo]:
    """The archive's entries, after checking they match the manifest exactly."""
    seen: set[str] = set()
    infos = []
    for info in zf.infolist():
        name = info.filename
        if name == MANIFEST:
            continue
        if info.is_dir():
            if not safe_entry(name.rstrip("/")):
                raise ArchiveError(f"The archive holds an unsafe path: {name!r}.")
            continue
        if not safe_entry(name):
            raise ArchiveError(f"The archive holds an unsafe path: {name!r}.")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ArchiveError(f"The archive holds a symbolic link: {name!r}.")
        if name in seen:
            raise ArchiveError(f"The archive holds {name!r} twice.")
        if name not in files:
            raise ArchiveError(f"The archive holds {name!r}, which its manifest does not list.")
        if info.file_size != files[name]["size"]:
            raise ArchiveError(f"The size of {name!r} does not match the manifest.")
        seen.add(name)
        infos.append(info)
    missing = sorted(set(files) - seen)
    if missing:
        raise ArchiveError(f"The archive lacks {missing[0]!r}, which its manifest lists.")
    return iter(infos)


def read_manifest(path: str | IO[bytes]) -> dict[str, Any]:
    """The manifest of the backup at `path` (or in a seekable file), after checking the entries against it (no checksums:
    those are verified while unpacking). Raises ArchiveError."""
    with _open(path) as zf:
        manifest = _manifest_of(zf)
        for _ in _entries(zf, manifest["files"]):
            pass
        return manifest


def extract(path: str, dest: str, progress: Progress | None = None) -> dict[str, Any]:
    """Unpack the backup at `path` into the empty folder `dest`, verifying every checksum;
    returns the manifest. Raises ArchiveError (`dest` may then hold a partial copy)."""
    root = os.path.realpath(dest)
    os.makedirs(root, exist_ok=True)
    with _open(path) as zf:
        manifest = _manifest_of(zf)
        files = manifest["files"]
        total = sum(int(f["size"]) for f in files.values())
        done = 0
        for info in _entries(zf, files):
            target = os.path.realpath(os.path.join(root, *info.filename.split("/")))
            if not target.startswith(root + os.sep):
                raise ArchiveError(f"The archive holds an unsafe path: {info.filename!r}.")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            digest = hashlib.sha256()
            size = 0
            try:
                with zf.open(info) as src, open(target, "xb") as out:
                    done = _copy(src, out, digest, done, total, progress)
                    size = out.tell()
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ArchiveError(f"{info.filename!r} cannot be unpacked: {exc}.") from None
            if size != files[info.filename]["size"] or digest.hexdigest() != files[info.filename]["sha256"]:
                raise ArchiveError(f"The checksum of {info.filename!r} does not match the manifest.")
    return manifest


def _copy(
    src: IO[bytes], out: IO[bytes], digest: Any, done: int, total: int, progress: Progress | None
) -> int:
    while chunk := src.read(CHUNK):
        digest.update(chunk)
        out.write(chunk)
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    return done
