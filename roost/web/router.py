"""A segment-trie router: `/api/collections/{c}/records/{id}` costs a few dict lookups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

Handler = Callable[..., Awaitable[Any]]


class _Node:
    __slots__ = ("handlers", "param", "param_name", "pattern", "static", "tail_name")

    def __init__(self) -> None:
        self.static: dict[str, _Node] = {}
        self.param: _Node | None = None
        self.param_name = ""
        self.handlers: dict[str, Handler] = {}
        self.tail_name = ""  # a `{name...}` wildcard that captures the rest of the path
        self.pattern = ""  # the route path as added (`/api/collections/{collection}/records`)


class Router:
    def __init__(self) -> None:
        self.root = _Node()
        # (method, path) of every route, in the order added (the API description reads it)
        self.paths: list[tuple[str, str]] = []
        # the ASGI app for `websocket` scopes (the realtime WebSocket), if any
        self.websocket_handler: Callable[..., Awaitable[None]] | None = None

    def add(self, method: str, path: str, handler: Handler) -> None:
        node = self.root
        for seg in path.strip("/").split("/"):
            if seg.startswith("{") and seg.endswith("...}"):
                node.tail_name = seg[1:-4]
                tail = node.static.setdefault("\0tail", _Node())
                node = tail
                break
            if seg.startswith("{") and seg.endswith("}"):
                if node.param is None:
                    node.param = _Node()
                    node.param_name = seg[1:-1]
                elif node.param_name != seg[1:-1]:
                    raise ValueError(f"conflicting parameter names at {path}")
                node = node.param
            else:
                node = node.static.setdefault(seg, _Node())
        if method in node.handlers:
            raise ValueError(f"duplicate route {method} {path}: a route with that method and path exists")
        node.handlers[method] = handler
        if not node.pattern:
            node.pattern = path
        self.paths.append((method, path))

    def _node(self, path: str) -> _Node | None:
        """The node a route pattern was added at (the same walk as `add`), if any."""
        node: _Node | None = self.root
        for seg in path.strip("/").split("/"):
            assert node is not None
            if seg.startswith("{") and seg.endswith("...}"):
                return node.static.get("\0tail") if node.tail_name == seg[1:-4] else None
            if seg.startswith("{") and seg.endswith("}"):
                node = node.param if node.param_name == seg[1:-1] else None
            else:
                node = node.static.get(seg)
            if node is None:
                return None
        return node

    def find(self, method: str, path: str) -> Handler | None:
        """The handler added for `method` and the route pattern `path`, if any."""
        node = self._node(path)
        return node.handlers.get(method) if node is not None else None

    def wrap(self, method: str, path: str, wrapper: Callable[[Handler], Handler]) -> bool:
        """Replace the handler of a route by `wrapper(handler)`; False when there is no such route."""
        node = self._node(path)
        if node is None or method not in node.handlers:
            return False
        node.handlers[method] = wrapper(node.handlers[method])
        return True

    def get(self, path: str, handler: Handler) -> None:
        self.add("GET", path, handler)

    def post(self, path: str, handler: Handler) -> None:
        self.add("POST", path, handler)

    def patch(self, path: str, handler: Handler) -> None:
        self.add("PATCH", path, handler)

    def put(self, path: str, handler: Handler) -> None:
        self.add("PUT", path, handler)

    def delete(self, path: str, handler: Handler) -> None:
        self.add("DELETE", path, handler)

    def match(self, path: str) -> tuple[dict[str, Handler] | None, dict[str, str]]:
        """Returns (handlers by method, path params), or (None, {}) when no route matches."""
        handlers, params, _ = self.match_route(path)
        return handlers, params

    def match_route(self, path: str) -> tuple[dict[str, Handler] | None, dict[str, str], str]:
        """As `match`, with the route's pattern (`/api/collections/{collection}/records/{id}`):
        what metrics name a request by, never its raw path."""
        node = self.root
        params: dict[str, str] = {}
        segs = path.strip("/").split("/")
        for i, seg in enumerate(segs):
            nxt = node.static.get(seg)
            if nxt is None:
                if node.param is not None and seg:
                    params[node.param_name] = unquote(seg) if "%" in seg else seg
                    nxt = node.param
                elif node.tail_name:
                    params[node.tail_name] = unquote("/".join(segs[i:]))
                    tail = node.static["\0tail"]
                    return tail.handlers, params, tail.pattern
                else:
                    return None, {}, ""
            node = nxt
        if not node.handlers and node.tail_name:
            params[node.tail_name] = ""
            tail = node.static["\0tail"]
            return tail.handlers, params, tail.pattern
        return node.handlers, params, node.pattern
