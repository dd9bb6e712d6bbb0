"""Backups API (superusers): list, create, upload, download (with a superuser file token),
delete and restore, answering as PocketBase's `apis/backup*.go`."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncGenerator
from datetime import UTC, datetime

from roost.api.collections import require_superuser
from roost.api.files import CACHE_CONTROL, CSP
from roost.core.app import App
from roost.core.auth import find_by_token
from roost.core.backups import BUSY
from roost.core.record_files import base_name
from roost.core.records import SUPERUSERS_ID
from roost.errors import BadRequest, Forbidden, NotFound, ValidationError, field_error
from roost.storage import StorageError, mime
from roost.web import FileResponse, Request, Response, Router, json_response
from roost.web.multipart import stream_file_part

NAME_RE = re.compile(r"^[a-z0-9_-]+\.zip$")
LOADING = "An error occurred while loading the submitted data."
VALIDATING = "An error occurred while validating the submitted data."
FORBIDDEN = "Insufficient permissions to access the resource."


def bind(router: Router, app: App) -> None:
    router.get("/api/backups", lambda request: list_backups(app, request))
    router.post("/api/backups", lambda request: create(app, request))
    router.post("/api/backups/upload", lambda request: upload(app, request))
    router.get("/api/backups/{key}", lambda request: download(app, request))
    router.add("HEAD", "/api/backups/{key}", lambda request: download(app, request))
    router.delete("/api/backups/{key}", lambda request: delete(app, request))
    router.post("/api/backups/{key}/restore", lambda request: restore(app, request))


async def _exists(app: App, name: str) -> bool:
    """Whether the name is taken; a store that cannot answer takes it, as in PocketBase."""
    try:
        return await app.backups.store.exists(name)
    except StorageError:
        return True


def _modified(ts: float) -> str:
    moment = datetime.fromtimestamp(ts, UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


async def list_backups(app: App, request: Request) -> Response:
    require_superuser(request)
    try:
        found = await app.backups.store.list()
    except StorageError as exc:
        raise BadRequest(f"Failed to retrieve backup items. Raw error: \n{exc}.") from None
    return json_response([{"key": b.key, "size": b.size, "modified": _modified(b.modified)} for b in found])


async def create(app: App, request: Request) -> Response:
    require_superuser(request)
    if app.backups.busy():
        raise BadRequest(BUSY)
    try:
        data, _ = await request.data()  # JSON, or a form as the dashboard may send
    except BadRequest:
        raise BadRequest(LOADING) from None
    name = data.get("name", "")
    if not isinstance(name, str):
        raise BadRequest(LOADING)
    if name:
        error = None
        if len(name) > 150:
            error = field_error(
                "validation_length_out_of_range", "The length must be between 1 and 150.", max=150, min=1
            )
        elif not NAME_RE.match(name):
            error = field_error("validation_match_invalid", "Must be in a valid format.")
        elif await _exists(app, name):
            error = field_error(
                "validation_backup_name_exists", "The backup file name is invalid or already exists."
            )
        if error is not None:
            raise ValidationError({"name": error}, VALIDATING)
    try:
        await app.create_backup(name)
    except BadRequest as exc:
        if exc.message == BUSY:
            raise
        raise BadRequest("Failed to create backup.") from None
    except Exception:
        raise BadRequest("Failed to create backup.") from None
    return Response(204)


async def upload(app: App, request: Request) -> Response:
    require_superuser(request)
    part = await stream_file_part(request, "file", app.backups.temp_dir)
    if part is None:
        raise ValidationError({"file": field_error("validation_required", "Cannot be blank.")}, VALIDATING)
    filename, path = part
    try:
        name = base_name(filename)
        with open(path, "rb") as fh:  # noqa: ASYNC230 a few bytes of a local file
            head = fh.read(mime.SNIFF_LEN)
        kind = mime.detect(head)
        if kind != "application/zip":
            from roost.core.record_files import normalize_name

            message = f'"{normalize_name(name, head)}" mime type must be one of: application/zip.'
            raise ValidationError({"file": field_error("validation_invalid_mime_type", message)}, VALIDATING)
        store = app.backups.store
        if not store.valid_key(name) or await _exists(app, name):
            raise ValidationError(
                {
                    "file": field_error(
                        "validation_backup_name_exists", "Backup file with the specified name already exists."
                    )
                },
                VALIDATING,
            )
        try:
            await store.add(path, name)
        except StorageError as exc:
            raise BadRequest(f"Failed to upload backup. Raw error: \n{exc}.") from None
    finally:
        if os.path.exists(path):  # noqa: ASYNC240
            os.remove(path)
    return Response(204)


async def download(app: App, request: Request) -> Response:
    token = request.query.get("token", "")
    found = await find_by_token(app, token, token_type="file") if token else None
    if found is None or found[0].id != SUPERUSERS_ID:
        raise Forbidden(FORBIDDEN)
    if not app.policy.superuser_allowed(app.policy.real_ip(request)):
        raise Forbidden(FORBIDDEN)
    key = request.path_params["key"]
    store = app.backups.store
    try:
        info = await store.stat(key)
    except StorageError:
        info = None
    if info is None:
        # PocketBase: the local folder's 404, but its S3 reader's failure as a plain 400
        raise BadRequest() if store.remote else NotFound()

    def stream(offset: int, length: int) -> AsyncGenerator[bytes, None]:
        return store.stream(key, offset, length)

    headers = [
        (b"content-disposition", f'attachment; filename="{key}"'.encode()),
        (b"content-type", b"application/zip"),
        (b"content-security-policy", CSP),
        (b"cache-control", CACHE_CONTROL),
    ]
    return FileResponse(request, info.size, None, headers, info.modified, stream=stream)


async def delete(app: App, request: Request) -> Response:
    require_superuser(request)
    key = request.path_params["key"]
    if key and app.backups.active == key:
        raise BadRequest("The backup is currently being used and cannot be deleted.")
    error = await app.backups.store.delete(key)
    if error is not None:
        raise BadRequest(f"Invalid or already deleted backup file. Raw error: \n{error}.")
    return Response(204)


async def restore(app: App, request: Request) -> Response:
    require_superuser(request)
    if app.backups.busy():
        raise BadRequest(BUSY)
    await app.backups.check(request.path_params["key"])
    app.backups.restore_soon(request.path_params["key"])
    return Response(204)
