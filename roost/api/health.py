"""GET /api/health: `{message, code, data}`; superusers also get `canBackup`, `realIP` and
`possibleProxyHeader` (the first proxy header present), as PocketBase's `apis/health.go`."""

from __future__ import annotations

from roost.core.app import App
from roost.core.records import SUPERUSERS_ID
from roost.web import Request, Response, Router, json_response

_PROXY_HEADERS = ("CF-Connecting-IP", "Fly-Client-IP", "X-Forwarded-For")


def bind(router: Router, app: App) -> None:
    async def health(request: Request) -> Response:
        data = {}
        if request.auth is not None and request.auth[0].id == SUPERUSERS_ID:
            trusted = app.settings.get("trustedProxy", {}).get("headers") or []
            proxy = next(
                (h for h in (*trusted, *_PROXY_HEADERS) if request.header(str(h).lower().encode())), ""
            )
            data = {
                "canBackup": not app.backups.busy(),
                "realIP": request.client_ip,
                "possibleProxyHeader": proxy,
            }
        return json_response({"message": "API is healthy.", "code": 200, "data": data})

    router.get("/api/health", health)
    router.add("HEAD", "/api/health", health)
