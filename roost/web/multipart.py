"""multipart/form-data parsing with python-multipart, PocketBase style."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from python_multipart.multipart import MultipartParser, parse_options_header

from roost.errors import BadRequest
from roost.web.request import Request, add_form_value


@dataclass(slots=True)
class UploadedFile:
    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


async def parse_multipart(request: Request) -> tuple[dict[str, Any], dict[str, list[UploadedFile]]]:
    ctype_header = request.header(b"content-type") or ""
    _, params = parse_options_header(ctype_header)
    boundary = params.get(b"boundary")
    if not boundary:
        raise BadRequest()
    body = await request.body()

    parts: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    header_name = bytearray()
    header_value = bytearray()
    data = bytearray()

    def on_part_begin() -> None:
        current.clear()
        current["headers"] = {}
        data.clear()

    def on_header_field(buf: bytes, start: int, end: int) -> None:
        header_name.extend(buf[start:end])

    def on_header_value(buf: bytes, start: int, end: int) -> None:
        header_value.extend(buf[start:end])

    def on_header_end() -> None:
        current["headers"][bytes(header_name).lower()] = bytes(header_value)
        header_name.clear()
        header_value.clear()

    def on_part_data(buf: bytes, start: int, end: int) -> None:
        data.extend(buf[start:end])

    def on_part_end() -> None:
        parts.append({"headers": dict(current["headers"]), "data": bytes(data)})

    ended: list[bool] = []
    try:
        parser = MultipartParser(
            boundary,
            {
                "on_part_begin": on_part_begin,
                "on_header_field": on_header_field,
                "on_header_value": on_header_value,
                "on_header_end": on_header_end,
                "on_part_data": on_part_data,
                "on_part_end": on_part_end,
                "on_end": lambda: ended.append(True),
            },
        )
    except Exception:  # python-multipart refuses e.g. a boundary over 256 bytes
        raise BadRequest() from None
    try:
        parser.write(body)
        parser.finalize()
    except Exception:  # python-multipart raises its own error types; PocketBase answers a bare 400
        raise BadRequest() from None
    if not ended:  # cut off before the closing boundary
        raise BadRequest()

    fields: dict[str, Any] = {}
    files: dict[str, list[UploadedFile]] = {}
    json_payloads: list[dict[str, Any]] = []
    for part in parts:
        disposition = part["headers"].get(b"content-disposition", b"")
        _, dparams = parse_options_header(disposition)
        name = dparams.get(b"name", b"").decode("utf-8", "replace")
        if not name:
            continue
        filename = dparams.get(b"filename")
        if filename:  # a part with an empty filename is a plain value, as in Go's multipart reader
            files.setdefault(name, []).append(
                UploadedFile(
                    filename=filename.decode("utf-8", "replace"),
                    content_type=part["headers"].get(b"content-type", b"application/octet-stream").decode(),
                    data=part["data"],
                )
            )
            continue
        value = part["data"].decode("utf-8", "replace")
        if name == "@jsonPayload":
            try:
                payload = orjson.loads(value)
            except orjson.JSONDecodeError:
                raise BadRequest() from None
            if not isinstance(payload, dict):
                raise BadRequest()
            json_payloads.append(payload)
            continue
        add_form_value(fields, name, value)
    for payload in json_payloads:
        fields.update(payload)
    return fields, files


async def stream_file_part(request: Request, field: str, folder: str) -> tuple[str, str] | None:
    """Read a multipart body part by part, writing the first file submitted as `field` to a new
    file in `folder` as it arrives (nothing is held in memory, there is no size limit: backup
    uploads). Returns (client filename, path written) or None when no such file was sent; other
    parts are skipped. Raises BadRequest for a malformed body (the written file is removed)."""
    import os
    import tempfile

    ctype_header = request.header(b"content-type") or ""
    ctype, params = parse_options_header(ctype_header)
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        return None
    os.makedirs(folder, exist_ok=True)
    state: dict[str, Any] = {"headers": {}, "target": None, "result": None}
    header_name = bytearray()
    header_value = bytearray()

    def on_part_begin() -> None:
        state["headers"] = {}
        state["target"] = None

    def on_header_field(buf: bytes, start: int, end: int) -> None:
        header_name.extend(buf[start:end])

    def on_header_value(buf: bytes, start: int, end: int) -> None:
        header_value.extend(buf[start:end])

    def on_header_end() -> None:
        state["headers"][bytes(header_name).lower()] = bytes(header_value)
        header_name.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        if state["result"] is not None:
            return
        _, dparams = parse_options_header(state["headers"].get(b"content-disposition", b""))
        filename = dparams.get(b"filename")
        if dparams.get(b"name", b"").decode("utf-8", "replace") == field and filename:
            fd, path = tempfile.mkstemp(prefix="upload_", dir=folder)
            state["target"] = os.fdopen(fd, "wb")
            state["result"] = (filename.decode("utf-8", "replace"), path)

    def on_part_data(buf: bytes, start: int, end: int) -> None:
        if state["target"] is not None:
            state["target"].write(buf[start:end])

    def on_part_end() -> None:
        if state["target"] is not None:
            state["target"].close()
            state["target"] = None

    ended: list[bool] = []
    try:
        parser = MultipartParser(
            boundary,
            {
                "on_part_begin": on_part_begin,
                "on_header_field": on_header_field,
                "on_header_value": on_header_value,
                "on_header_end": on_header_end,
                "on_headers_finished": on_headers_finished,
                "on_part_data": on_part_data,
                "on_part_end": on_part_end,
                "on_end": lambda: ended.append(True),
            },
        )
        while True:
            message = await request.receive()
            if message["type"] == "http.disconnect":
                break
            parser.write(message.get("body", b""))
            if not message.get("more_body", False):
                break
        parser.finalize()
        if not ended:
            raise ValueError("cut off before the closing boundary")
    except Exception:
        if state["target"] is not None:
            state["target"].close()
        if state["result"] is not None:
            os.remove(state["result"][1])
        raise BadRequest() from None
    result: tuple[str, str] | None = state["result"]
    return result
