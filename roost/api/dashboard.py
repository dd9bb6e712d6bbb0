"""The admin dashboard at `/_/`: one single-page app (roost/dashboard/static, plain ES modules, no
build step) that also answers the pages PocketBase's emails and OAuth2 redirects link to
(`/_/#/auth/...`).

Every file is read and gzipped once, on the first dashboard request (a server that only serves
the API never holds them: about 0.5 MB). The page itself is `no-cache`; it loads the
assets under `/_/assets/<version>/...`, where the version is a hash of all the files, so the
assets (and the relative imports between modules) are cached for a year and a new release never
meets a stale copy. The Content-Security-Policy allows this origin only: no inline script or
style, no remote hosts."""

from __future__ import annotations

import functools
import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from roost.core.app import App
from roost.errors import NotFound
from roost.web import Request, Response, Router

STATIC = Path(__file__).resolve().parent.parent / "dashboard" / "static"
ASSETS = "/_/assets/"
VERSION_MARK = b"{{ASSETS}}"  # in index.html: replaced by ASSETS + version
_TYPES = {
    ".html": b"text/html; charset=utf-8",
    ".js": b"text/javascript; charset=utf-8",
    ".css": b"text/css; charset=utf-8",
    ".svg": b"image/svg+xml",
    ".png": b"image/png",
}
_TEXT = b"text/plain; charset=utf-8"  # LICENSE.*, VERSIONS
CSP = (
    b"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    b"img-src 'self' data: blob:; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
    b"form-action 'none'; frame-ancestors 'none'"
)
_COMMON = [
    (b"content-security-policy", CSP),
    (b"referrer-policy", b"no-referrer"),
    (b"vary", b"Accept-Encoding"),
]
_GZIP_MIN = 512  # smaller bodies are not worth a compression header


@dataclass(frozen=True)
class Asset:
    content_type: bytes
    body: bytes
    gzipped: bytes | None


def load(root: Path = STATIC) -> tuple[str, dict[str, Asset]]:
    """(version, {path relative to root: asset}) for every file under `root`."""
    raw = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    digest = hashlib.sha256()
    for name, body in raw.items():
        digest.update(name.encode() + b"\0" + body + b"\0")
    version = digest.hexdigest()[:12]
    raw["index.html"] = raw["index.html"].replace(VERSION_MARK, f"{ASSETS}{version}".encode())
    assets = {}
    for name, body in raw.items():
        kind = _TYPES.get(Path(name).suffix, _TEXT)
        packed = gzip.compress(body, 9, mtime=0) if len(body) >= _GZIP_MIN else None
        assets[name] = Asset(kind, body, packed if packed and len(packed) < len(body) else None)
    return version, assets


def _accepts_gzip(request: Request) -> bool:
    accept = request.header(b"accept-encoding") or ""
    return any(part.split(";")[0].strip() in ("gzip", "*") for part in accept.split(","))


def _send(request: Request, asset: Asset, cache: bytes) -> Response:
    headers = [(b"content-type", asset.content_type), (b"cache-control", cache), *_COMMON]
    if asset.gzipped is not None and _accepts_gzip(request):
        return Response(200, asset.gzipped, [*headers, (b"content-encoding", b"gzip")])
    return Response(200, asset.body, headers)


def bind(router: Router, app: App) -> None:
    files = functools.cache(load)  # (version, assets), read once a page asks

    async def page(request: Request) -> Response:
        return _send(request, files()[1]["index.html"], b"no-cache")

    async def asset(request: Request) -> Response:
        version, assets = files()
        path = request.path_params["file"]
        if path == "index.html":
            return _send(request, assets["index.html"], b"no-cache")
        # /_/assets/<version>/<name>: only the current version, whose files never change
        prefix, _, name = path.partition(f"assets/{version}/")
        found = assets.get(name) if prefix == "" and name and name != "index.html" else None
        if found is None:
            raise NotFound()
        return _send(request, found, b"public, max-age=31536000, immutable")

    router.get("/_/", page)
    router.get("/_/{file...}", asset)
