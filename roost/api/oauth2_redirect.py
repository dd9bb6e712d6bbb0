"""GET/POST /api/oauth2-redirect: where the provider sends the browser back in the SDK's popup
flow. The `state` is the realtime client id that subscribed to `@oauth2`; the code (or error)
is forwarded to it as an `@oauth2` message, then the browser sees a success or failure page."""

from __future__ import annotations

import logging

import orjson

from roost.core.app import App
from roost.web import Request, Response, Router

log = logging.getLogger("roost")

TOPIC = "@oauth2"
SUCCESS_PATH = "../_/#/auth/oauth2-redirect-success"
FAILURE_PATH = "../_/#/auth/oauth2-redirect-failure"


def bind(router: Router, app: App) -> None:
    async def redirect(request: Request) -> Response:
        if request.method == "POST":
            try:
                data, _ = await request.data()
            except Exception:
                return _redirect(request, FAILURE_PATH)
        else:
            data = dict(request.query)
        state, code, error = (str(data.get(k) or "") for k in ("state", "code", "error"))
        if not state:
            log.debug("Missing OAuth2 state parameter")
            return _redirect(request, FAILURE_PATH)
        message: dict[str, str] = {"state": state, "code": code}
        if error:
            message["error"] = error
        hub = app.realtime
        delivered = hub is not None and await hub.deliver_once(
            state, TOPIC, orjson.dumps(message), request.client_ip
        )
        if not delivered:
            log.debug("Missing or invalid OAuth2 subscription client %s", state)
            return _redirect(request, FAILURE_PATH)
        if error or not code:
            return _redirect(request, FAILURE_PATH)
        return _redirect(request, SUCCESS_PATH)

    router.get("/api/oauth2-redirect", redirect)
    router.post("/api/oauth2-redirect", redirect)


def _redirect(request: Request, location: str) -> Response:
    status = 307 if request.method == "GET" else 303
    return Response(status, b"", [(b"location", location.encode())])
