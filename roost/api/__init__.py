"""HTTP API: one module per resource, each with `bind(router, app)` listing its routes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from roost.core.app import App
    from roost.web.access_log import AccessLog

__all__ = ["build_asgi"]


def build_asgi(app: App, access_log: AccessLog | None = None) -> Any:
    """The ASGI application of `app` (roost/api/server.py). Imported here on call, so that a
    module of this package can be imported without every route module along with it."""
    from roost.api.server import build_asgi as build

    return build(app, access_log)
