"""GraphQL over WebSocket at /api/graphql: the `graphql-transport-ws` protocol (the protocol of
the `graphql-ws` library). `connection_init` may carry `{"Authorization": token}`; the caller's
subscriptions are realtime subscriptions of one realtime client, so events reach it through the
same hub, rules and filters as /api/realtime (every instance's writes included)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import orjson
from graphql import ExecutionResult, GraphQLError, subscribe
from graphql.language import DocumentNode, OperationDefinitionNode, OperationType

from roost.api.graphql_ops import RequestOps
from roost.core.apidocs import audience_of
from roost.core.app import App
from roost.core.auth import find_by_token
from roost.core.graphql import Schemas
from roost.core.graphql.fast import RecordExecutor
from roost.core.realtime_access import Auth
from roost.web import Request, Router

PATH = "/api/graphql"
PROTOCOL = "graphql-transport-ws"
INIT_TIMEOUT = 10.0  # s to wait for connection_init


class _Close(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def mount(router: Router, app: App, schemas: Schemas) -> None:
    """Serve WebSockets at PATH; any other path goes to the handler bound before (realtime)."""
    previous = router.websocket_handler

    async def websocket(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("path") != PATH:
            if previous is not None:
                await previous(scope, receive, send)
            return
        if (await receive())["type"] != "websocket.connect":
            return
        if PROTOCOL not in (scope.get("subprotocols") or []):
            await send({"type": "websocket.close", "code": 4406})  # refuses the upgrade
            return
        await send({"type": "websocket.accept", "subprotocol": PROTOCOL})
        conn = _Connection(app, schemas, scope, send)
        try:
            await conn.run(receive)
        except _Close as exc:
            await conn.close(exc.code, exc.reason)
        finally:
            await conn.stop()

    router.websocket_handler = websocket


class _Connection:
    def __init__(self, app: App, schemas: Schemas, scope: dict[str, Any], send: Any) -> None:
        self.app = app
        self.schemas = schemas
        self.scope = scope
        self._send = send
        self._lock = asyncio.Lock()
        self.ops: RequestOps | None = None  # set by connection_init
        self.operations: dict[str, asyncio.Task[None]] = {}
        self.dispatcher: asyncio.Task[None] | None = None
        self.closed = False

    async def frame(self, message: dict[str, Any]) -> None:
        async with self._lock:
            if not self.closed:
                await self._send({"type": "websocket.send", "text": orjson.dumps(message).decode()})

    async def close(self, code: int, reason: str) -> None:
        async with self._lock:
            if not self.closed:
                self.closed = True
                await self._send({"type": "websocket.close", "code": code, "reason": reason})

    async def run(self, receive: Any) -> None:
        try:
            message = await asyncio.wait_for(receive(), INIT_TIMEOUT)
        except TimeoutError:
            raise _Close(4408, "Connection initialisation timeout") from None
        while True:
            if message["type"] == "websocket.disconnect":
                self.closed = True
                return
            if message["type"] == "websocket.receive":
                await self.handle(message.get("text") or message.get("bytes") or b"")
            message = await receive()

    async def handle(self, raw: str | bytes) -> None:
        try:
            msg = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise _Close(4400, "Invalid message received") from None
        kind = msg.get("type") if isinstance(msg, dict) else None
        if kind == "connection_init":
            if self.ops is not None:
                raise _Close(4429, "Too many initialisation requests")
            await self.init(msg.get("payload"))
            await self.frame({"type": "connection_ack"})
        elif kind == "ping":
            await self.frame({"type": "pong"})
        elif kind == "pong":
            pass
        elif kind == "subscribe":
            if self.ops is None:
                raise _Close(4401, "Unauthorized")
            op_id, payload = msg.get("id"), msg.get("payload")
            if not isinstance(op_id, str) or not op_id or not isinstance(payload, dict):
                raise _Close(4400, "Invalid message received")
            if op_id in self.operations:
                raise _Close(4409, f"Subscriber for {op_id} already exists")
            self.operations[op_id] = asyncio.ensure_future(self.operation(op_id, payload))
        elif kind == "complete":
            task = self.operations.pop(str(msg.get("id")), None)
            if task is not None:
                task.cancel()
        else:
            raise _Close(4400, "Invalid message received")

    async def init(self, payload: Any) -> None:
        """The caller: `payload.Authorization` (with or without `Bearer `), else a guest."""
        token = (
            payload.get("Authorization") or payload.get("authorization")
            if isinstance(payload, dict)
            else None
        )
        scope = {**self.scope, "type": "http", "method": "POST", "query_string": b""}
        request = Request(scope, None)
        auth = None
        if isinstance(token, str) and token.strip():
            token = token.strip()
            if token[:7].lower() == "bearer ":
                token = token[7:].strip()
            found = await find_by_token(self.app, token)
            if found is None:
                raise _Close(4403, "Forbidden")
            request.auth = auth = (found[0], found[1])
            request.state["token"] = token
        hub = self.app.realtime
        client = hub.clients.new_client() if hub is not None else None
        if client is not None and auth is not None:
            client.auth = Auth(auth[0].id, auth[1])
        self.ops = RequestOps(self.app, request, client)
        if client is not None:
            await hub.announced()  # before the ack: other instances publish their writes now
            self.dispatcher = asyncio.ensure_future(self.dispatch())

    async def dispatch(self) -> None:
        """Realtime events of this connection's client, routed to the subscription they are for."""
        assert self.ops is not None and self.ops.client is not None
        client, hub = self.ops.client, self.app.realtime
        while True:
            batch = await client.next_batch(hub.idle_timeout)
            if batch is None:  # dropped for falling behind (the client resubscribes), or stopping
                await self.close(
                    *((1001, "Server stopping") if hub.stopping else (4400, "Too many pending events"))
                )
                return
            for name, data in batch:
                queue = self.ops.routes.get(name)
                if queue is not None:
                    queue.put_nowait(data)

    async def operation(self, op_id: str, payload: dict[str, Any]) -> None:
        from roost.api.graphql import format_error, result_body, run

        assert self.ops is not None
        try:
            source, variables, name = (
                payload.get("query"),
                payload.get("variables"),
                payload.get("operationName"),
            )
            request = self.ops.request
            prepared = self.schemas.get(audience_of(request.auth[0] if request.auth else None))
            document = prepared.document(source) if isinstance(source, str) and source else None
            if document is None or isinstance(document, list) or not _valid_vars(variables, name):
                errors = (
                    document if isinstance(document, list) else [GraphQLError("A query string is required.")]
                )
                await self.frame({"id": op_id, "type": "error", "payload": [format_error(e) for e in errors]})
                return
            if _kind(document, name) == OperationType.SUBSCRIPTION:
                stream = subscribe(
                    prepared.schema, document, None, self.ops, variables, name, executor_class=RecordExecutor
                )
                if not isinstance(stream, (ExecutionResult, AsyncIterator)):
                    stream = await stream
                if isinstance(stream, ExecutionResult):
                    await self.frame({"id": op_id, "type": "next", "payload": result_body(stream)})
                else:
                    try:
                        async for result in stream:
                            await self.frame({"id": op_id, "type": "next", "payload": result_body(result)})
                    finally:
                        with contextlib.suppress(Exception):
                            await stream.aclose()  # type: ignore[attr-defined]
            else:
                result = await run(prepared, document, self.ops, variables, name)
                await self.frame({"id": op_id, "type": "next", "payload": result_body(result)})
            await self.frame({"id": op_id, "type": "complete"})
        finally:
            self.operations.pop(op_id, None)

    async def stop(self) -> None:
        tasks = list(self.operations.values())
        if self.dispatcher is not None:
            tasks.append(self.dispatcher)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        hub = self.app.realtime
        if self.ops is not None and self.ops.client is not None and hub is not None:
            hub.clients.remove(self.ops.client)


def _valid_vars(variables: Any, name: Any) -> bool:
    return (variables is None or isinstance(variables, dict)) and (name is None or isinstance(name, str))


def _kind(document: DocumentNode, name: str | None) -> OperationType | None:
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    for op in ops:
        if name is None or (op.name is not None and op.name.value == name):
            return op.operation
    return None
