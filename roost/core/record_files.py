"""Uploads for file fields: validation, PocketBase-style names, write-then-commit, cleanup."""

from __future__ import annotations

import mimetypes
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from roost.core.collections import Collection
from roost.core.fields import FileField
from roost.core.fields.multi import as_list
from roost.errors import field_error
from roost.security.ids import LOWER_ALNUM, random_string

if TYPE_CHECKING:
    from roost.core.app import App

_SNAKE_RE = re.compile(r"[^\w]+")


def normalize_name(original: str) -> str:
    """`My Secret File.txt` -> `my_secret_file_<10 random>.txt`, as PocketBase names stored files."""
    base = os.path.basename(original.replace("\\", "/"))
    stem, ext = os.path.splitext(base)
    ext = re.sub(r"[^\w.]", "", ext.lower())[:20]
    stem = _SNAKE_RE.sub("_", stem).strip("_").lower()[:100] or "file"
    return f"{stem}_{random_string(10, LOWER_ALNUM)}{ext}"


_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"), (b"%PDF-", "application/pdf"), (b"PK\x03\x04", "application/zip"),
]


def sniff_mime(data: bytes, filename: str, declared: str) -> str:
    for sig, mime in _SIGNATURES:
        if data.startswith(sig):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "image/svg+xml"
    guessed = mimetypes.guess_type(filename)[0]
    if guessed:
        return guessed
    if declared and declared != "application/octet-stream":
        return declared
    try:
        data[:512].decode("utf-8")
        return "text/plain; charset=utf-8"
    except UnicodeDecodeError:
        return "application/octet-stream"


def file_key(coll: Collection, record_id: str, name: str) -> str:
    return f"{coll.id}/{record_id}/{name}"


@dataclass
class PendingFiles:
    app: Any
    coll: Collection
    record_id: str
    to_write: list[tuple[str, bytes]] = field(default_factory=list)
    to_remove: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    async def commit(self) -> None:
        for name, data in self.to_write:
            key = file_key(self.coll, self.record_id, name)
            self.app.storage.write(key, data)
            self.written.append(key)

    def rollback(self) -> None:
        for key in self.written:
            self.app.storage.delete(key)

    def cleanup_replaced(self) -> None:
        for name in self.to_remove:
            delete_file(self.app, self.coll, self.record_id, name)


def delete_file(app: App, coll: Collection, record_id: str, name: str) -> None:
    app.storage.delete(file_key(coll, record_id, name))
    app.storage.delete_prefix(f"{coll.id}/{record_id}/thumbs_{name}")


def prepare_uploads(app: App, coll: Collection, record: dict[str, Any], old: dict[str, Any],
                    files: dict[str, list[Any]], data: dict[str, Any]) -> tuple[PendingFiles, dict[str, Any]]:
    from roost.core.record_write import _split_key

    pending = PendingFiles(app, coll, record["id"] if record.get("id") else "")
    errors: dict[str, Any] = {}
    for key, uploads in files.items():
        name, mod = _split_key(key)
        f = coll.field(name)
        if not isinstance(f, FileField):
            continue
        current = as_list(record.get(f.name))
        if mod == "" and f.name in data:
            # the field was also sent as names: keep only those of the existing ones
            current = [n for n in as_list(data[f.name]) if n in as_list(old.get(f.name))]
        elif mod == "" and not f.is_multi:
            current = []
        new_names: list[str] = []
        for up in uploads:
            if up.size == 0 and not up.filename:
                continue
            if up.size > f.max_size:
                errors[f.name] = field_error("validation_file_size_limit",
                                             f"Failed to upload {up.filename!r} - the maximum allowed file size is {f.max_size} bytes.",
                                             file=up.filename, maxSize=f.max_size)
                break
            mime = sniff_mime(up.data, up.filename, up.content_type)
            allowed = f.options.get("mimeTypes") or []
            if allowed and mime.split(";")[0] not in allowed:
                errors[f.name] = field_error("validation_invalid_mime_type",
                                             f"Failed to upload {up.filename!r} - the mime type must be one of: {', '.join(allowed)}.",
                                             file=up.filename, types=", ".join(allowed))
                break
            stored = normalize_name(up.filename or "file")
            new_names.append(stored)
            pending.to_write.append((stored, up.data))
        names = (new_names + current) if mod == "prepend" else (current + new_names)
        if not f.is_multi:
            names = names[-1:]
        if f.name not in errors:
            limit = max(f.options.get("maxSelect") or 1, 1)
            if len(names) > limit:
                errors[f.name] = field_error("validation_too_many_values", f"Select no more than {limit}.", maxSelect=limit)
        record[f.name] = names if f.is_multi else (names[0] if names else "")
    if errors:
        pending.to_write.clear()
    return pending, errors


def removed_files(coll: Collection, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for f in coll.fields:
        if isinstance(f, FileField):
            keep = set(as_list(new.get(f.name)))
            out += [n for n in as_list(old.get(f.name)) if n not in keep]
    return out


def delete_record_files(app: App, coll: Collection, record: dict[str, Any]) -> None:
    if any(isinstance(f, FileField) for f in coll.fields) and record.get("id"):
        app.storage.delete_prefix(f"{coll.id}/{record['id']}")
