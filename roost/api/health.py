from __future__ import annotations

from roost.core.app import App
from roost.web import Request, Response, Router, json_response


def bind(router: Router, app: App) -> None:
    async def health(request: Request) -> Response:
        data = {}
        if request.auth is not None and request.auth[0].id == "pbc_3142635823":
            data = {"canBackup": False, "realIP": request.client_ip, "possibleProxyHeader": ""}
        return json_response({"message": "API is healthy.", "code": 200, "data": data})

    router.get("/api/health", health)
    router.add("HEAD", "/api/health", health)
