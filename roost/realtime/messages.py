"""Wire formats of realtime messages."""

from __future__ import annotations

import orjson


def sse(client_id: str, name: str, data: bytes) -> bytes:
    """One server-sent event; every message repeats the client id, as PocketBase does."""
    return b"id:%s\nevent:%s\ndata:%s\n\n" % (client_id.encode(), name.encode(), data)


def connect_data(client_id: str) -> bytes:
    return orjson.dumps({"clientId": client_id})


def ws_event(name: str, data: bytes) -> bytes:
    """`{"event": <subscription>, "data": {...}}` without decoding `data` again."""
    return b'{"event":%s,"data":%s}' % (orjson.dumps(name), data)
