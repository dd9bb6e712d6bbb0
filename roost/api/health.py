"""GET /api/health: `{message, code, data}`; superusers also get `canBackup`, `realIP` and
`possibleProxyHeader` (the first proxy header present), as PocketBase's `apis/health.go`."""

from __future__ import annotations

from roost.core.app import App
from roost.core.records import SUPERUSERS_ID
from roost.web import Request, Response, Router, json_response

# besides the trusted ones, headers that suggest a reverse proxy (the dashboard's reminder)
_COMMON_PROXY_HEADERS = ("CF-Connecting-IP", "Fly-Client-IP", "X-Forwarded-For")


def _proxy_header(app: App, request: Request) -> str:
    headers = request.headers
    trusted = app.settings.get("trustedProxy", {}).get("headers") or []
    for name in (*trusted, *_COMMON_PROXY_HEADERS):
        if headers.get(str(name).lower()):
            return str(name)
    return ""


def bind(router: Router, app: App) -> None:
    async def health(request: Request) -> Response:
        data = {}
        if request.auth is not None and request.auth[0].id == SUPERUSERS_ID:
            data = {
                "canBackup": not app.backups.busy(),
                "realIP": app.policy.real_ip(request),
                "possibleProxyHeader": _proxy_header(app, request),
            }
        return json_response({"message": "API is healthy.", "code": 200, "data": data})

    router.get("/api/health", health)
    router.add("HEAD", "/api/health", health)
