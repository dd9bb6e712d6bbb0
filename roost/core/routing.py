"""Custom routes: `app.router.get("/api/hello/{name}", handler, *middlewares)`.

A handler takes a `RequestEvent` and returns a response (`return e.json(200, {...})`). A
middleware takes the same event and calls `await e.next()` to continue (or raises, or answers
itself without calling it). `app.router.use(mw)` adds a middleware to every route, the built-in
ones included. Routes are mounted on the same router as the built-in API, so they get the same
auth loading, CORS headers and error handling. A route added with a `summary` or `description`
(`app.router.get(path, handler, summary="Say hello")`) is described in /api/openapi.json; `openapi`
adds or overrides keys of its OpenAPI operation (`parameters`, `requestBody`, `responses`...).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from roost.core.events import RequestEvent
from roost.errors import BadRequest, Forbidden, Unauthorized
from roost.hooks import Hook
from roost.web import Request, Response

if TYPE_CHECKING:
    from roost.core.app import App

RouteHandler = Callable[[RequestEvent], Awaitable[Response | None] | Response | None]
Middleware = Callable[[RequestEvent], Awaitable[Any] | Any]
WebHandler = Callable[[Request], Awaitable[Response]]

SUPERUSERS = "_superusers"


@dataclass(slots=True)
class Route:
    method: str
    path: str
    handler: RouteHandler
    middlewares: Hook[RequestEvent] = field(default_factory=Hook)
    summary: str = ""
    description: str = ""
    openapi: dict[str, Any] = field(default_factory=dict)
    # set when one of its middlewares is require_auth/require_superuser (documented as secured)
    requires_auth: bool = False


class Routes:
    """The routes and middlewares added by hooks and scripts, mounted when the server is built."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.middlewares: Hook[RequestEvent] = Hook("router")

    def add(
        self,
        method: str,
        path: str,
        handler: RouteHandler,
        *middlewares: Middleware,
        summary: str = "",
        description: str = "",
        openapi: dict[str, Any] | None = None,
    ) -> Route:
        route = Route(
            method.upper(),
            "/" + path.strip("/"),
            handler,
            summary=summary,
            description=description,
            openapi=dict(openapi or {}),
        )
        for mw in middlewares:
            route.middlewares.bind(mw)
            if isinstance(mw, _Guard) and mw.requires_auth:
                route.requires_auth = True
        self.routes.append(route)
        return route

    def get(
        self,
        path: str,
        handler: RouteHandler,
        *middlewares: Middleware,
        summary: str = "",
        description: str = "",
        openapi: dict[str, Any] | None = None,
    ) -> Route:
        return self.add(
            "GET", path, handler, *middlewares, summary=summary, description=description, openapi=openapi
        )

    def post(
        self,
        path: str,
        handler: RouteHandler,
        *middlewares: Middleware,
        summary: str = "",
        description: str = "",
        openapi: dict[str, Any] | None = None,
    ) -> Route:
        return self.add(
            "POST", path, handler, *middlewares, summary=summary, description=description, openapi=openapi
        )

    def put(
        self,
        path: str,
        handler: RouteHandler,
        *middlewares: Middleware,
        summary: str = "",
        description: str = "",
        openapi: dict[str, Any] | None = None,
    ) -> Route:
        return self.add(
            "PUT", path, handler, *middlewares, summary=summary, description=description, openapi=openapi
        )

    def patch(
        self,
        path: str,
        handler: RouteHandler,
        *middlewares: Middleware,
        summary: str = "",
        description: str = "",
        openapi: dict[str, Any] | None = None,
    ) -> Route:
        return self.add(
            "PATCH", path, handler, *middlewares, summary=summary, description=description, openapi=openapi
        )

    def delete(
        self,
        path: str,
        handler: RouteHandler,
        *middlewares: Middleware,
        summary: str = "",
        description: str = "",
        openapi: dict[str, Any] | None = None,
    ) -> Route:
        return self.add(
            "DELETE", path, handler, *middlewares, summary=summary, description=description, openapi=openapi
        )

    def use(self, middleware: Middleware, id: str | None = None, priority: int = 0) -> str:
        """Run `middleware` around every request (built-in routes too); returns its id."""
        return self.middlewares.bind(middleware, id, priority)

    def unuse(self, id: str) -> None:
        self.middlewares.unbind(id)


def custom_handler(app: App, route: Route) -> WebHandler:
    """The web handler of a custom route: the route's middlewares, then its handler."""

    async def run(e: RequestEvent) -> None:
        result = route.handler(e)
        if result is not None and hasattr(result, "__await__"):
            result = await result
        if isinstance(result, Response):
            e.response = result

    async def handle(request: Request) -> Response:
        event = RequestEvent(app, request)
        await route.middlewares.trigger(event, run)
        return event.response if event.response is not None else Response(204)

    return handle


async def with_middlewares(app: App, request: Request, handler: WebHandler) -> Response:
    """Run the global middlewares around one (built-in or custom) route's handler."""
    event = RequestEvent(app, request)

    async def run(e: RequestEvent) -> None:
        e.response = await handler(request)

    await app.router.middlewares.trigger(event, run)
    return event.response if event.response is not None else Response(204)


# --- ready-made middlewares ---------------------------------------------------------------------------
class _Guard:
    """A ready-made middleware; the API description reads `requires_auth` off it."""

    __slots__ = ("check", "requires_auth")

    def __init__(self, check: Middleware, requires_auth: bool) -> None:
        self.check = check
        self.requires_auth = requires_auth

    def __call__(self, e: RequestEvent) -> Awaitable[Any] | Any:
        return self.check(e)


def require_auth(*collections: str) -> Middleware:
    """Only authenticated callers (from one of `collections`, names or ids, if given)."""
    allowed = frozenset(collections)

    async def check(e: RequestEvent) -> None:
        found = e.request.auth
        if not found:
            raise Unauthorized("The request requires valid record authorization token.")
        if allowed and found[0].name not in allowed and found[0].id not in allowed:
            raise Forbidden("The authorized record is not allowed to perform this action.")
        await e.next()

    return _Guard(check, True)


def require_superuser() -> Middleware:
    """Only superusers."""
    return require_auth(SUPERUSERS)


def require_guest_only() -> Middleware:
    """Only callers without an auth token."""

    async def check(e: RequestEvent) -> None:
        if e.request.auth:
            raise BadRequest("The request can be accessed only by guests.")
        await e.next()

    return _Guard(check, False)
