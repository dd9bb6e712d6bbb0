"""Record operations for GraphQL resolvers, through the REST records API's own functions: the
same rules, rate limits, validation, hooks (`on_record_*_request` included) and realtime events.
Each operation gets a fresh caller whose `@request.method` and `@request.query` are those of
the REST request it stands for."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import orjson

from roost.api import guard
from roost.api import records as record_api
from roost.api.context import caller_for
from roost.core import records
from roost.core.app import App
from roost.core.collections import Collection
from roost.core.records import Caller
from roost.errors import BadRequest
from roost.realtime import Client
from roost.web import Request, Response


class RequestOps:
    """The `RecordOps` of one GraphQL request (or WebSocket connection, with `client`)."""

    def __init__(self, app: App, request: Request, client: Client | None = None) -> None:
        self.app = app
        self.request = request
        self.client = client
        # subscription key -> the queue its events are routed to (roost/api/graphql_ws.py)
        self.routes: dict[str, asyncio.Queue[bytes]] = {}
        self._next_key = 0

    def _caller(self, method: str, query: dict[str, str]) -> Caller:
        caller = caller_for(self.request)
        caller.info.method = method
        caller.info.query = query
        return caller

    async def list(self, coll: Collection, query: dict[str, str]) -> dict[str, Any]:
        await guard.record_route(self.app, self.request, coll, "list")
        caller = self._caller("GET", query)
        hooks = self.app.hooks
        if not hooks.record_list_request.handlers and not hooks.record_enrich.handlers:
            # what list_request answers then, without the JSON round trip
            return await records.list_records(self.app, coll, caller, query)
        return _json(await record_api.list_request(self.app, self.request, coll, caller, query))

    async def view(self, coll: Collection, record_id: str, expand: str) -> dict[str, Any]:
        await guard.record_route(self.app, self.request, coll, "view")
        query = {"expand": expand} if expand else {}
        caller = self._caller("GET", query)
        return _json(await record_api.view_request(self.app, self.request, coll, caller, record_id, query))

    async def create(self, coll: Collection, data: dict[str, Any], expand: str) -> dict[str, Any]:
        await guard.record_route(self.app, self.request, coll, "create")
        query = {"expand": expand} if expand else {}
        caller = self._caller("POST", query)
        response = await record_api.create_request(
            self.app, self.request, coll, caller, data, {}, False, query=query
        )
        return _json(response)

    async def update(
        self, coll: Collection, record_id: str, data: dict[str, Any], expand: str
    ) -> dict[str, Any]:
        await guard.record_route(self.app, self.request, coll, "update")
        query = {"expand": expand} if expand else {}
        caller = self._caller("PATCH", query)
        response = await record_api.update_request(
            self.app, self.request, coll, caller, record_id, data, {}, False, query=query
        )
        return _json(response)

    async def delete(self, coll: Collection, record_id: str) -> None:
        await guard.record_route(self.app, self.request, coll, "delete")
        caller = self._caller("DELETE", {})
        response = await record_api.delete_request(self.app, self.request, coll, caller, record_id)
        if response.status >= 400:
            _json(response)  # raises with the hook's answer

    async def subscribe(
        self, coll: Collection, record_id: str | None, flt: str, expand: str
    ) -> AsyncIterator[dict[str, Any]]:
        """Events of `coll` (or of one record) as the realtime API delivers them to this
        connection's client: the subscriber's own list or view rule and `flt` decide."""
        client = self.client
        hub = self.app.realtime
        if client is None or hub is None:
            raise BadRequest("Subscriptions are served over WebSocket (graphql-transport-ws).")
        topic = f"{coll.name}/{record_id}" if record_id else f"{coll.name}/*"
        options = orjson.dumps({"query": {k: v for k, v in (("filter", flt), ("expand", expand)) if v}})
        self._next_key += 1
        # the trailing parameter keeps two subscriptions to the same topic apart
        key = f"{topic}?options={quote(options.decode())}&graphql={self._next_key}"
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        self.routes[key] = queue
        hub.clients.set_subscriptions(client, [*client.subscriptions, key])
        try:
            while True:
                yield orjson.loads(await queue.get())
        finally:
            self.routes.pop(key, None)
            if not client.closed:
                hub.clients.set_subscriptions(client, [k for k in client.subscriptions if k != key])


def _json(response: Response) -> dict[str, Any]:
    """The record(s) of a REST answer; a hook's own error answer raised as that error."""
    try:
        body = orjson.loads(response.body) if response.body else None
    except orjson.JSONDecodeError:
        body = None
    if response.status >= 400:
        from roost.web.errors import ApiError

        info = body if isinstance(body, dict) else {}
        raise ApiError(response.status, str(info.get("message") or ""), info.get("data") or {})
    if not isinstance(body, dict):
        raise BadRequest("A hook answered this request with something other than a record.")
    return body
