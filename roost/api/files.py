"""Files API: record file downloads with thumbnails, and file tokens for protected files.

Mirrors PocketBase's `apis/file.go`: a file is served only through the record and file field
that hold it; protected fields need `?token=` of a user the collection's viewRule lets see the
record; thumbnails are made once, on first request, and kept next to the file.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncGenerator
from typing import Any

from roost.api.context import caller_for
from roost.core.app import App
from roost.core.auth import find_by_token, new_token
from roost.core.collections import Collection
from roost.core.events import FileDownloadRequestEvent
from roost.core.fields import FileField
from roost.core.fields.multi import as_list
from roost.core.record import Record
from roost.core.record_files import file_key, thumb_key
from roost.core.records import fetch_record, rule_matches
from roost.core.view_files import source_of_file
from roost.errors import NotFound, RoostError, Unauthorized
from roost.storage import Storage, StorageError, mime
from roost.storage.thumbs import ThumbError, make_thumb
from roost.web import FileResponse, Request, Response, Router, json_response

log = logging.getLogger("roost.api")

DEFAULT_THUMBS = ("100x100",)
THUMBABLE = {"image/png", "image/jpg", "image/jpeg", "image/gif", "image/webp"}
INLINE = {
    "image/png",
    "image/jpg",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/x-icon",
    "image/bmp",
    "video/webm",
    "video/mp4",
    "video/3gpp",
    "video/quicktime",
    "video/x-ms-wmv",
    "audio/basic",
    "audio/aiff",
    "audio/mpeg",
    "audio/midi",
    "audio/mp3",
    "audio/wave",
    "audio/wav",
    "audio/x-wav",
    "audio/x-mpeg",
    "audio/x-m4a",
    "audio/aac",
    "application/pdf",
    "application/x-pdf",
}
# content sniffing cannot tell these apart from plain text or zip, so the extension decides
BY_EXTENSION = {
    ".svg": "image/svg+xml",
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
CSP = b"default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
CACHE_CONTROL = b"max-age=2592000, stale-while-revalidate=86400"
_TRUE = {"1", "t", "T", "TRUE", "true", "True"}  # Go's strconv.ParseBool


def bind(router: Router, app: App) -> None:
    thumbs = ThumbMaker(app)

    async def token(request: Request) -> Response:
        if request.auth is None:
            raise Unauthorized("The request requires valid record authorization token.")
        coll, record = request.auth
        return json_response({"token": new_token(coll, record, "fileToken")})

    async def download(request: Request) -> Response:
        return await serve(app, thumbs, request)

    # the filename takes the rest of the path, so `a/../b` is looked up (and not found) as one name
    router.post("/api/files/token", token)
    router.get("/api/files/{collection}/{recordId}/{filename...}", download)
    router.add("HEAD", "/api/files/{collection}/{recordId}/{filename...}", download)


async def serve(app: App, thumbs: ThumbMaker, request: Request) -> Response:
    coll = app.collection(request.path_params["collection"])
    if coll is None:
        raise NotFound("Missing or invalid collection context.")
    record_id, filename = request.path_params["recordId"], request.path_params["filename"]
    # no stored id holds a NUL byte, and PostgreSQL rejects one in a query parameter
    record = None if "\x00" in record_id else await fetch_record(app, coll, record_id)
    if record is None:
        raise NotFound()
    field = _field_holding(coll, record, filename)
    if field is None:
        raise NotFound()
    if field.protected and not await _may_see_protected(app, coll, record_id, request):
        raise NotFound()

    files_coll, files_id = coll, record_id
    if coll.is_view:  # the file belongs to the record the view read it from
        source = await source_of_file(app, coll, field.name, filename)
        if source is None:
            raise NotFound()
        files_coll, files_id = source
    key, name = file_key(files_coll, files_id, filename), filename
    storage = app.storage
    try:
        info = await storage.astat(key)
        if info is None:
            raise NotFound()
        real_type = info.content_type or await _sniff(storage, key)
        size = request.query.get("thumb", "")
        if size and (size in DEFAULT_THUMBS or size in field.thumbs) and real_type in THUMBABLE:
            tkey = thumb_key(files_coll, files_id, filename, size)
            thumb_info = await storage.astat(tkey) if await thumbs.ensure(storage, key, tkey, size) else None
            if thumb_info is not None:
                key, name, info = tkey, f"{size}_{filename}", thumb_info
                real_type = info.content_type or await _sniff(storage, key)
    except StorageError as exc:
        log.warning("serving %s: %s", key, exc)  # as PocketBase: a store that fails serves a 404
        raise NotFound() from None

    ctype = BY_EXTENSION.get(os.path.splitext(key)[1], real_type)
    inline = real_type in INLINE and request.query.get("download", "") not in _TRUE
    headers = [
        (b"content-disposition", f'{"inline" if inline else "attachment"}; filename="{name}"'.encode()),
        (b"content-type", ctype.encode()),
        (b"content-security-policy", CSP),
        (b"cache-control", CACHE_CONTROL),
    ]
    served = key

    def stream(offset: int, length: int) -> AsyncGenerator[bytes, None]:
        return storage.astream(served, offset, length)

    hook = app.hooks.file_download_request
    if not hook.handlers:
        return FileResponse(request, info.size, None, headers, info.modified, stream=stream)
    event = FileDownloadRequestEvent(
        app, request, collection=coll, record=Record(coll, record), file_field=field.name, served_name=name
    )

    async def send(e: FileDownloadRequestEvent) -> None:
        e.response = FileResponse(request, info.size, None, headers, info.modified, stream=stream)

    await hook.trigger(event, send)
    return event.response or Response(204)


def _field_holding(coll: Collection, record: dict[str, Any], filename: str) -> FileField | None:
    for f in coll.fields:
        if isinstance(f, FileField) and filename in as_list(record.get(f.name)):
            return f
    return None


async def _sniff(storage: Storage, key: str) -> str:
    return mime.detect(await storage.aread_range(key, 0, mime.SNIFF_LEN) or b"")


async def _may_see_protected(app: App, coll: Collection, record_id: str, request: Request) -> bool:
    """The viewRule, for the user of the file token (never the Authorization header)."""
    token = request.query.get("token", "")
    found = await find_by_token(app, token, token_type="file") if token else None
    caller = caller_for(request, context="protectedFile")
    caller.auth, caller.auth_coll = (found[1], found[0]) if found else (None, None)
    if caller.superuser and not app.policy.superuser_allowed(app.policy.real_ip(request)):
        caller.auth, caller.auth_coll = None, None  # tokens are short-lived, but checked all the same
    caller.info.auth, caller.info.auth_collection = caller.auth, caller.auth_coll
    if caller.superuser:
        return True
    rule = coll.rules.get("viewRule")
    if rule is None:
        return False
    if rule == "":
        return True
    try:
        return await rule_matches(app, coll, rule, record_id, caller)
    except RoostError:
        return False  # a rule that cannot be evaluated grants nothing


class ThumbMaker:
    """Makes each thumbnail once: concurrent requests for the same one share the work, and
    at most a few images are decoded at a time (CPU work runs in a thread)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.pending: dict[str, asyncio.Future[bool]] = {}
        self.slots = asyncio.Semaphore((os.cpu_count() or 1) + 2)

    async def ensure(self, storage: Storage, original: str, thumb: str, size: str) -> bool:
        """True when the thumbnail exists (now); False means serve the original."""
        if await storage.aexists(thumb):
            return True
        running = self.pending.get(thumb)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.pending[thumb] = future
        ok = False
        try:
            async with self.slots:
                # decoding and the store's calls block: all of it runs in a worker thread
                ok = await asyncio.to_thread(self._make, storage, original, thumb, size)
            return ok
        finally:
            future.set_result(ok)  # on failure the waiters serve the original
            del self.pending[thumb]

    def _make(self, storage: Storage, original: str, thumb: str, size: str) -> bool:
        try:
            data = storage.read(original)
        except StorageError as exc:
            log.warning("serving the original of %s: %s", original, exc)
            return False
        if data is None:
            return False
        try:
            out, ctype = make_thumb(data, size)
            storage.write(thumb, out, ctype)
        except (ThumbError, StorageError) as exc:
            log.warning("serving the original of %s: %s", original, exc)
            return False
        if not storage.exists(original):
            # the file was deleted while its thumbnail was made: do not leave the thumbnail behind
            storage.delete_prefix(thumb.rsplit("/", 1)[0])
            return False
        return True
