"""The small pages at `/_/` that the default emails and OAuth2 redirects link to
(`#/auth/confirm-verification/{TOKEN}` and the like): static HTML, CSS and JS shipped in the
package, under a strict Content-Security-Policy. A dashboard replaces this module by binding
its own `/_/` routes instead."""

from __future__ import annotations

from pathlib import Path

from roost.core.app import App
from roost.errors import NotFound
from roost.web import Request, Response, Router

STATIC = Path(__file__).parent / "static" / "auth_pages"
_TYPES = {
    "index.html": b"text/html; charset=utf-8",
    "auth-pages.js": b"text/javascript; charset=utf-8",
    "auth-pages.css": b"text/css; charset=utf-8",
}
CSP = (
    b"default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    b"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def bind(router: Router, app: App) -> None:
    files = {name: (STATIC / name).read_bytes() for name in _TYPES}

    def serve(name: str) -> Response:
        headers = [
            (b"content-type", _TYPES[name]),
            (b"content-security-policy", CSP),
            (b"cache-control", b"no-cache"),
            (b"referrer-policy", b"no-referrer"),
        ]
        return Response(200, files[name], headers)

    async def index(request: Request) -> Response:
        return serve("index.html")

    async def asset(request: Request) -> Response:
        name = request.path_params["file"]
        if name not in files or name == "index.html":
            raise NotFound()
        return serve(name)

    router.get("/_/", index)
    router.get("/_/{file}", asset)
