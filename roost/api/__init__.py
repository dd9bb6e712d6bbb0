"""HTTP API: one module per resource, each with `bind(router, app)` listing its routes."""

from roost.api.server import build_asgi

__all__ = ["build_asgi"]
