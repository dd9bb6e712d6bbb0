"""Serving stored bytes the way Go's `http.ServeContent` does.

Range requests give 206 (one range) or `multipart/byteranges` (several), an unsatisfiable
range gives 416, `If-Modified-Since` gives 304 and `If-Range` falls back to the whole file
when the file changed. HEAD sends the headers a GET would, without the body. The file is
read in chunks through `read(offset, length)`, so a range of a large video costs only that
range.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

from roost.web.request import Request
from roost.web.response import Response

Reader = Callable[[int, int], bytes | None]
# (offset, length) -> the bytes in pieces; closed early when the client goes away
Streamer = Callable[[int, int], AsyncGenerator[bytes, None]]

CHUNK = 256 << 10
_INT_RE = re.compile(r"^\d+$")
_TEXT_PLAIN = b"text/plain; charset=utf-8"


class RangeError(ValueError):
    def __init__(self, message: str, no_overlap: bool = False) -> None:
        super().__init__(message)
        self.no_overlap = no_overlap


def parse_ranges(header: str, size: int) -> list[tuple[int, int]]:
    """`bytes=0-99,-20` -> [(start, length), ...] as net/http's parseRange reads it."""
    if not header:
        return []
    if not header.startswith("bytes="):
        raise RangeError("invalid range")
    ranges: list[tuple[int, int]] = []
    no_overlap = False
    for part in header[6:].split(","):
        part = part.strip(" \t")
        if not part:
            continue
        first, sep, last = part.partition("-")
        if not sep:
            raise RangeError("invalid range")
        first, last = first.strip(" \t"), last.strip(" \t")
        if not first:
            # a suffix range: the last N bytes
            if not _INT_RE.match(last):
                raise RangeError("invalid range")
            n = min(int(last), size)
            ranges.append((size - n, n))
            continue
        if not _INT_RE.match(first):
            raise RangeError("invalid range")
        start = int(first)
        if start >= size:
            no_overlap = True
            continue
        if not last:
            ranges.append((start, size - start))
            continue
        if not _INT_RE.match(last) or start > int(last):
            raise RangeError("invalid range")
        end = min(int(last), size - 1)
        ranges.append((start, end - start + 1))
    if no_overlap and not ranges:
        raise RangeError("invalid range: failed to overlap", no_overlap=True)
    return ranges


def _http_date(ts: float) -> bytes:
    return formatdate(ts, usegmt=True).encode()


def _parse_date(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


class FileResponse(Response):
    """A stored file. `headers` carry Content-Type, Content-Disposition and the like."""

    __slots__ = ("head", "parts", "read", "stream")

    def __init__(
        self,
        request: Request,
        size: int,
        read: Reader | None,
        headers: list[tuple[bytes, bytes]],
        modified: float = 0.0,
        stream: Streamer | None = None,
    ) -> None:
        """The bytes come from `read` (blocking, in chunks; fine for a local disk) or `stream`
        (async pieces of a range, for stores that must not block the event loop)."""
        super().__init__(200, b"", list(headers))
        self.read = read
        self.stream = stream
        self.head = request.method == "HEAD"
        self.parts: list[tuple[int, int, bytes]] = [(0, size, b"")]  # (start, length, part header)
        whole = int(modified)
        if whole > 0:
            self.headers.append((b"last-modified", _http_date(whole)))
        since = _parse_date(request.header(b"if-modified-since"))
        if whole > 0 and since is not None and whole <= since and request.method in ("GET", "HEAD"):
            self._not_modified()
            return
        self.headers.append((b"accept-ranges", b"bytes"))
        range_header = request.header(b"range") or ""
        if range_header and request.method in ("GET", "HEAD") and self._range_still_valid(request, whole):
            self._plan_ranges(range_header, size)
        if self.status == 200:
            self.headers.append((b"content-length", str(size).encode()))

    def _range_still_valid(self, request: Request, modified: int) -> bool:
        """`If-Range` with a date: use the range only if the file has not changed since."""
        if_range = request.header(b"if-range")
        if not if_range:
            return True
        when = _parse_date(if_range)
        return when is not None and modified > 0 and int(when) == modified

    def _plan_ranges(self, header: str, size: int) -> None:
        try:
            ranges = parse_ranges(header, size)
        except RangeError as exc:
            self._unsatisfiable(str(exc), size if exc.no_overlap else None)
            return
        if not ranges or sum(length for _, length in ranges) > size:
            return  # nothing usable, or more than the file: send it whole
        self.status = 206
        if len(ranges) == 1:
            start, length = ranges[0]
            self.parts = [(start, length, b"")]
            self.headers.append((b"content-range", f"bytes {start}-{start + length - 1}/{size}".encode()))
            self.headers.append((b"content-length", str(length).encode()))
            return
        boundary = secrets.token_hex(30)
        ctype = next((v for k, v in self.headers if k == b"content-type"), b"")
        self.parts = []
        for start, length in ranges:
            head = (f"\r\n--{boundary}\r\n" if self.parts else f"--{boundary}\r\n").encode()
            head += f"Content-Range: bytes {start}-{start + length - 1}/{size}\r\n".encode()
            if ctype:
                head += b"Content-Type: " + ctype + b"\r\n"
            head += b"\r\n"
            self.parts.append((start, length, head))
        self.parts.append((0, 0, f"\r\n--{boundary}--\r\n".encode()))
        total = sum(length + len(head) for _, length, head in self.parts)
        self.headers = [(k, v) for k, v in self.headers if k != b"content-type"]
        self.headers.append((b"content-type", f"multipart/byteranges; boundary={boundary}".encode()))
        self.headers.append((b"content-length", str(total).encode()))

    def _unsatisfiable(self, message: str, size: int | None) -> None:
        # like http.Error: a short text body, none of the caching headers of the file
        keep = (b"content-disposition", b"content-security-policy")
        self.status = 416
        self.headers = [(k, v) for k, v in self.headers if k in keep]
        if size is not None:
            self.headers.append((b"content-range", f"bytes */{size}".encode()))
        self.body = (message + "\n").encode()
        self.headers += [(b"content-type", _TEXT_PLAIN), (b"content-length", str(len(self.body)).encode())]
        self.parts = []

    def _not_modified(self) -> None:
        self.status = 304
        self.headers = [(k, v) for k, v in self.headers if k not in (b"content-type", b"content-length")]
        self.parts = []

    async def send(self, send: Callable[..., Any], extra_headers: list[tuple[bytes, bytes]]) -> None:
        # uploaded files may be embedded anywhere, so the global X-Frame-Options is not sent
        extra = [h for h in extra_headers if h[0] != b"x-frame-options"]
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers + extra})
        if self.head or not (self.parts or self.body):
            await send({"type": "http.response.body", "body": b""})
            return
        if self.body:
            await send({"type": "http.response.body", "body": self.body})
            return
        for start, length, head in self.parts:
            if head:
                await send({"type": "http.response.body", "body": head, "more_body": True})
            if self.stream is not None:
                if length:
                    async with aclosing(self.stream(start, length)) as pieces:
                        async for chunk in pieces:
                            await send({"type": "http.response.body", "body": chunk, "more_body": True})
                continue
            assert self.read is not None
            offset = start
            while offset < start + length:
                chunk = self.read(offset, min(CHUNK, start + length - offset)) or b""
                if not chunk:
                    break  # the file shrank underneath us; end the body early
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                offset += len(chunk)
        await send({"type": "http.response.body", "body": b"", "more_body": False})
