"""Uploads for file fields: PocketBase's stored names, its validation order, write-then-commit cleanup.

A write resolves each file field in two passes, as PocketBase does: first the body values
(plain names, then the `+field`/`field+`/`field-` modifiers, already applied by record_write),
then the uploads. Uploads sent under the plain field name replace the value, keeping only the
names sent alongside them; uploads under `+field`/`field+` are prepended/appended. Files are
written only after everything validated, inside the write, and removed again on rollback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from roost.core.collections import Collection
from roost.core.fields import FileField
from roost.core.fields.cast import to_string_list
from roost.core.fields.multi import as_list
from roost.errors import field_error
from roost.security.ids import LOWER_ALNUM, random_string
from roost.storage import mime
from roost.storage.base import is_safe_key

if TYPE_CHECKING:
    from roost.core.app import App

# Go's \w is ASCII-only, so everything else splits words and is dropped from names
_WORD_SPLIT_RE = re.compile(r"[\W_]+", re.ASCII)
_EXT_INVALID_RE = re.compile(r"[^\w.*\-+=#]+", re.ASCII)


def snakecase(text: str) -> str:
    """PocketBase's inflector.Snakecase: `myTestDB` -> `my_test_db`, other characters split words."""
    words = []
    for word in _WORD_SPLIT_RE.split(text):
        if not word:
            continue
        chars = []
        for i, c in enumerate(word):
            if c.isupper() and i > 0 and not word[i - 1].isupper():
                chars.append("_")
            chars.append(c)
        words.append("".join(chars))
    return "_".join(words).lower()


def base_name(filename: str) -> str:
    """The last path segment of a client filename (multipart names must not carry directories)."""
    trimmed = filename.rstrip("/")
    return trimmed.rsplit("/", 1)[-1] if trimmed else filename


def _extension(name: str) -> str:
    """`.txt`, or a double extension such as `.tar.gz`, with its leading dot; "" if none."""
    primary = name.rfind(".")
    if primary < 0:
        return ""
    secondary = name.rfind(".", 0, primary)
    return name[secondary:] if secondary >= 0 else name[primary:]


def normalize_name(original: str, data: bytes) -> str:
    """`My Secret File.txt` -> `my_secret_file_<10 random>.txt`, as PocketBase names stored files.

    Names shorter than 3 characters get a random part; a missing extension comes from the content."""
    name = base_name(original)[-300:]
    ext = _extension(name)
    clean_ext = "." + _EXT_INVALID_RE.sub("", ext).strip(".")
    if clean_ext == ".":
        clean_ext = mime.extension(mime.detect(data))
    if len(clean_ext) > 20:
        clean_ext = "." + clean_ext[-20:].strip(".")
    stem = snakecase((name[: -len(ext)] if ext else name).strip("."))
    if len(stem) < 3:
        stem += random_string(10, LOWER_ALNUM)
    stem = stem[:100]
    return f"{stem}_{random_string(10, LOWER_ALNUM)}{clean_ext}"


def file_key(coll: Collection, record_id: str, name: str) -> str:
    return f"{coll.id}/{record_id}/{name}"


def thumb_key(coll: Collection, record_id: str, name: str, size: str) -> str:
    return f"{coll.id}/{record_id}/thumbs_{name}/{size}_{name}"


@dataclass
class Upload:
    """A validated upload with the name it will be stored under."""

    original: str
    name: str
    data: bytes


@dataclass
class PendingFiles:
    app: Any
    coll: Collection
    record_id: str
    to_write: list[Upload] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    async def commit(self) -> None:
        storage = self.app.storage
        for up in self.to_write:
            key = file_key(self.coll, self.record_id, up.name)
            # the written list goes first: a rollback must also catch an upload cut off halfway
            self.written.append(key)
            await storage.awrite(key, up.data, mime.detect(up.data), up.original)

    def rollback(self) -> None:
        self.app.storage.discard(self.written)
        self.written = []


async def delete_file(app: App, coll: Collection, record_id: str, name: str) -> None:
    if not is_safe_key(f"{record_id}/{name}") or "/" in record_id or "/" in name:
        return  # not a plain stored name: never let it address another path
    storage = app.storage
    await storage.adelete(file_key(coll, record_id, name))
    await storage.adelete_prefix(f"{coll.id}/{record_id}/thumbs_{name}")


def prepare_uploads(
    app: App,
    coll: Collection,
    record: dict[str, Any],
    old: dict[str, Any],
    files: dict[str, list[Any]],
    data: dict[str, Any],
) -> tuple[PendingFiles, dict[str, Any]]:
    """Resolve every file field of `record` to stored names and validate it.

    `record` holds the body values already applied; returns the files to write and the errors."""
    pending = PendingFiles(app, coll, str(record.get("id") or ""))
    errors: dict[str, Any] = {}
    for f in coll.fields:
        if not isinstance(f, FileField):
            continue
        value = _resolve(f, record, old, data, files)
        if value is None:
            continue
        err = _validate(f, value, as_list(old.get(f.name)))
        if err is not None:
            errors[f.name] = err
            continue
        names = [v.name if isinstance(v, Upload) else v for v in value]
        record[f.name] = names if f.is_multi else (names[0] if names else "")
        pending.to_write += [v for v in value if isinstance(v, Upload)]
    if errors:
        pending.to_write.clear()
    return pending, errors


def _resolve(
    f: FileField,
    record: dict[str, Any],
    old: dict[str, Any],
    data: dict[str, Any],
    files: dict[str, list[Any]],
) -> list[str | Upload] | None:
    """The field's new value (names and uploads), or None when the write leaves it as it was."""
    plain, prepend, append = (_uploads(files.get(k, [])) for k in (f.name, "+" + f.name, f.name + "+"))
    current = [str(v) for v in as_list(record.get(f.name)) if v not in (None, "")]
    if not (plain or prepend or append) and current == [str(v) for v in as_list(old.get(f.name))]:
        return None
    value: list[str | Upload] = list(current)
    if plain:
        # names sent with the uploads are kept, everything else is replaced
        sent = to_string_list(as_list(data.get(f.name)))
        value = [*sent, *plain]
    value = [*prepend, *value, *append]
    seen: set[str] = set()
    unique: list[str | Upload] = []
    for v in value:
        key = v.name if isinstance(v, Upload) else v
        if key not in seen:
            seen.add(key)
            unique.append(v)
    return unique if f.is_multi else unique[-1:]


def _uploads(parts: list[Any]) -> list[Upload]:
    return [Upload(base_name(p.filename), normalize_name(p.filename, p.data), p.data) for p in parts]


def _validate(f: FileField, value: list[str | Upload], old_names: list[Any]) -> dict[str, Any] | None:
    """PocketBase's order: unknown names, then the count, then each upload's size and type."""
    known = {str(n) for n in old_names}
    invalid = [v[:250] for v in value if isinstance(v, str) and v not in known]
    if invalid:
        return field_error(
            "validation_invalid_file", f"Invalid new files: [{' '.join(invalid)}].", invalidFiles=invalid
        )
    limit = f.max_select
    if len(value) > limit:
        return field_error(
            "validation_too_many_files", f"The maximum allowed files is {limit}.", maxSelect=limit
        )
    allowed = [str(t) for t in f.options.get("mimeTypes") or []]
    for up in value:
        if not isinstance(up, Upload):
            continue
        if len(up.data) > f.max_size:
            return field_error(
                "validation_file_size_limit",
                f"Failed to upload {up.original[:300]} - the maximum allowed file size is "
                f"{f.max_size} bytes.",
                file=up.original[:300],
                maxSize=f.max_size,
            )
        if allowed:
            detected = mime.detect(up.data)
            if not any(mime.matches(detected, t) for t in allowed):
                return field_error(
                    "validation_invalid_mime_type",
                    f'"{up.name}" mime type must be one of: {", ".join(allowed)}.',
                )
    return None


def removed_files(coll: Collection, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for f in coll.fields:
        if isinstance(f, FileField):
            keep = set(as_list(new.get(f.name)))
            out += [n for n in as_list(old.get(f.name)) if n not in keep]
    return out


async def delete_record_files(app: App, coll: Collection, record: dict[str, Any]) -> None:
    rid = str(record.get("id") or "")
    if any(isinstance(f, FileField) for f in coll.fields) and is_safe_key(rid) and "/" not in rid:
        # an id that is no plain folder name (stored before ids were checked) owns no folder
        await app.storage.adelete_prefix(f"{coll.id}/{rid}")
