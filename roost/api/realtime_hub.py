"""The realtime hub of one instance: its clients, record events, and the broker traffic.

Each instance delivers its own writes to its own clients directly, and publishes them on
the broker for the other instances, which check their own clients. Deletes are decided while
the row still exists (PocketBase's "dry cache"); other instances check every event against
the record's values as of its commit.

Broker channels: `events` (records and schema changes, and which instances have clients:
roost/realtime/presence.py; every instance) and `inbox.<id>` (one instance: a subscribe request
forwarded from another instance, or its reply). Client ids start with the instance id, so a
POST that lands on another instance finds the owner. A write is published for the other
instances only while one of them has realtime clients."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import orjson

from roost.core.app import App
from roost.core.auth import find_by_token
from roost.core.collections import Collection
from roost.core.events import RealtimeMessageEvent, RecordEvent
from roost.core.realtime_access import Auth, Delivery, decide, fan_out, render
from roost.errors import Forbidden, NotFound
from roost.realtime import Client, ClientRegistry, new_instance_id
from roost.realtime.clients import INSTANCE_ID_LENGTH
from roost.realtime.presence import OP as PRESENCE
from roost.realtime.presence import Presence
from roost.security.ids import random_string

log = logging.getLogger("roost.realtime")

EVENTS = "events"
INBOX = "inbox."
FORWARD_TIMEOUT = 5.0  # s to wait for the instance that holds a client to answer
_PREPARED_TTL = 60.0  # s to keep a delete's decisions when its transaction never commits

HOOK_ID = "__realtime__"
AUTH_MISMATCH = "The current and the previous request authorization don't match."
MISSING_CLIENT = "Missing or invalid client id."


class Hub:
    def __init__(self, app: App) -> None:
        self.app = app
        self.instance_id = new_instance_id()
        self.clients = ClientRegistry(self.instance_id)
        self.presence = Presence(self.instance_id, lambda raw: app.broker.publish(EVENTS, raw))
        self.clients.on_count = self._clients_counted
        self.delivered = 0  # record events queued for clients (/api/metrics)
        self.idle_timeout = 300.0  # s without a message before a connection is closed, as PocketBase
        self.forward_timeout = FORWARD_TIMEOUT
        self._prepared: dict[tuple[str, str], tuple[float, list[Delivery]]] = {}
        self._replies: dict[str, asyncio.Future[int]] = {}
        # bound through the public hooks, as any extension would (PocketBase's bindRealtimeEvents)
        app.on_record_after_create_success().bind(self._after_create, id=HOOK_ID, priority=-99)
        app.on_record_after_update_success().bind(self._after_update, id=HOOK_ID, priority=-99)
        app.on_record_after_delete_success().bind(self._after_delete, id=HOOK_ID, priority=-99)
        app.on_record_delete_execute().bind(self._on_delete_execute, id=HOOK_ID, priority=-99)
        app.on_collections_change.append(self._on_collections_change)
        app.broker.subscribe(EVENTS, self._on_event_message)
        app.broker.subscribe(INBOX + self.instance_id, self._on_inbox_message)
        app.broker.on_reconnect.append(app.reload_collections)  # a schema change may have been missed
        app.broker.on_reconnect.append(self._broker_connected)
        app.hooks.terminate.bind(self._terminate)

    # --- which instances have clients (roost/realtime/presence.py) -------------------------------
    def _clients_counted(self, count: int) -> None:
        if self.app.broker.shared:
            self.presence.clients_changed(count)

    async def _broker_connected(self) -> None:
        self.presence.connected()

    async def _terminate(self, e: Any) -> None:
        await self.presence.close()
        await e.next()

    def disconnect_all(self) -> None:
        """End every realtime connection of this process (SSE streams, WebSockets), as
        PocketBase does when it stops: a server told to stop waits for its requests to finish,
        and a subscriber's stream never would. Clients reconnect to another instance, or to this
        one once it is back."""
        self.clients.close_all()

    @property
    def stopping(self) -> bool:
        """The server is stopping: connections end with "going away"."""
        return self.clients.closed

    async def announced(self) -> None:
        """Before a new client is told it is connected: the other instances know this one has
        clients, so they publish their writes from now on."""
        broker = self.app.broker
        if broker.shared and broker.reachable:  # (with the broker away, no event travels anyway)
            await self.presence.announced()

    # --- subscriptions -----------------------------------------------------------------------------
    async def set_subscriptions(
        self, client_id: str, keys: list[str], auth: tuple[Collection, dict[str, Any]] | None, token: str
    ) -> None:
        """Replace a client's subscriptions; raises NotFound or Forbidden like PocketBase."""
        client = self.clients.get(client_id)
        if client is not None:
            self._apply(client, keys, Auth(auth[0].id, auth[1]) if auth else None)
            return
        owner = client_id[:INSTANCE_ID_LENGTH]
        if owner == self.instance_id or not self.app.broker.shared:
            raise NotFound(MISSING_CLIENT)
        status = await self._forward(owner, {"clientId": client_id, "subscriptions": keys, "token": token})
        if status == 403:
            raise Forbidden(AUTH_MISMATCH)
        if status != 204:
            raise NotFound(MISSING_CLIENT)

    async def deliver_once(self, client_id: str, topic: str, data: bytes, ip: str) -> bool:
        """Send one message to a client subscribed to `topic` (wherever it is connected), then
        drop that subscription; False when there is no such client or it connected from
        another address than `ip` (PocketBase's @oauth2 redirect)."""
        client = self.clients.get(client_id)
        if client is not None:
            return self._deliver_local(client, topic, data, ip)
        owner = client_id[:INSTANCE_ID_LENGTH]
        if owner == self.instance_id or not self.app.broker.shared:
            return False
        request = {"op": "deliver", "clientId": client_id, "topic": topic, "data": data.decode(), "ip": ip}
        return await self._forward(owner, request) == 204

    def _deliver_local(self, client: Client, topic: str, data: bytes, ip: str) -> bool:
        if client.closed or topic not in client.subscriptions:
            return False
        if client.ip and client.ip != ip:
            # the flow was started from one address and completed from another
            self.clients.set_subscriptions(client, [k for k in client.subscriptions if k != topic])
            return False
        client.send(topic, data)
        self.clients.set_subscriptions(client, [k for k in client.subscriptions if k != topic])
        return True

    def _apply(self, client: Client, keys: list[str], auth: Auth | None) -> None:
        old: Auth | None = client.auth
        # only a guest may become authenticated; any other change of identity is refused
        if old is not None and (auth is None or auth.identity != old.identity):
            raise Forbidden(AUTH_MISMATCH)
        client.auth = auth
        self.clients.set_subscriptions(client, keys)

    async def _forward(self, owner: str, request: dict[str, Any]) -> int:
        req = random_string(20)
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._replies[req] = future
        try:
            msg = {"op": "subscribe", "req": req, "reply": self.instance_id, **request}
            await self.app.broker.publish(INBOX + owner, orjson.dumps(msg))
            return await asyncio.wait_for(future, self.forward_timeout)
        except TimeoutError:
            return 404
        finally:
            self._replies.pop(req, None)

    async def _on_inbox_message(self, raw: bytes) -> None:
        msg = orjson.loads(raw)
        if msg.get("op") == "reply":
            future = self._replies.get(msg.get("req", ""))
            if future is not None and not future.done():
                future.set_result(int(msg.get("status", 404)))
            return
        if msg.get("op") not in ("subscribe", "deliver"):
            return
        status = 404
        client = self.clients.get(str(msg.get("clientId", "")))
        if client is not None and msg.get("op") == "deliver":
            data = str(msg.get("data", "")).encode()
            delivered = self._deliver_local(client, str(msg.get("topic", "")), data, str(msg.get("ip", "")))
            status = 204 if delivered else 404
        elif client is not None:
            found = await find_by_token(self.app, str(msg.get("token") or ""))
            auth = Auth(found[0].id, found[1]) if found else None
            try:
                self._apply(client, list(msg.get("subscriptions") or []), auth)
                status = 204
            except Forbidden:
                status = 403
        reply = {"op": "reply", "req": msg.get("req"), "status": status}
        await self.app.broker.publish(INBOX + str(msg.get("reply", "")), orjson.dumps(reply))

    # --- record events -----------------------------------------------------------------------------
    async def _after_create(self, e: RecordEvent) -> None:
        await self._on_record_change("create", e.collection, e.record.data)
        await e.next()

    async def _after_update(self, e: RecordEvent) -> None:
        await self._on_record_change("update", e.collection, e.record.data)
        await e.next()

    async def _after_delete(self, e: RecordEvent) -> None:
        await self._on_record_change("delete", e.collection, e.record.data)
        await e.next()

    async def _on_delete_execute(self, e: RecordEvent) -> None:
        await self._on_delete_prepare(e.tx, e.collection, e.record.data)
        await e.next()

    async def _on_delete_prepare(self, tx: Any, coll: Collection, record: dict[str, Any]) -> None:
        """Inside the delete transaction: decide now, while the row can still be read. The
        checks run on the transaction's own connection (a pooled read could wait forever
        for a connection that other deletes hold); cascades delete children before their
        parent, so a child's rule can still follow its parent."""
        if coll.is_view or not self.clients.topics:
            return
        now = time.monotonic()
        for key in [k for k, (t, _) in self._prepared.items() if now - t > _PREPARED_TTL]:
            del self._prepared[key]
        deliveries = await decide(self.app, self.clients, coll, record, executor=tx)
        self._prepared[(coll.id, record["id"])] = (now, deliveries)

    async def _on_record_change(self, action: str, coll: Collection, record: dict[str, Any]) -> None:
        """After commit, before the write's response: decided now, as PocketBase does, so a
        client's next write cannot change what this one delivers. Sending never waits."""
        if self.app.broker.shared and self.presence.others_listening():
            msg = {
                "op": "record",
                "origin": self.instance_id,
                "action": action,
                "collection": coll.id,
                "record": _without_secrets(coll, record),
            }
            await self.app.broker.publish(EVENTS, orjson.dumps(msg))
        self._follow_auth(action, coll, record)
        prepared = self._prepared.pop((coll.id, record["id"]), (0.0, None))[1] if action == "delete" else None
        if prepared is None:
            if not self.clients.topics:
                return
            snapshot = action == "delete"  # the row is gone: judge the record as it was
            prepared = await decide(self.app, self.clients, coll, record, snapshot=snapshot)
        await self._send(await render(self.app, coll, record, action, prepared))

    async def _on_collections_change(self) -> None:
        if self.app.broker.shared:
            msg = {"op": "collections", "origin": self.instance_id}
            await self.app.broker.publish(EVENTS, orjson.dumps(msg))

    async def _on_event_message(self, raw: bytes) -> None:
        """Another instance's write. Its record is checked as it was at that commit (not as the
        row is now, which may already have changed or gone)."""
        msg = orjson.loads(raw)
        if msg.get("op") == PRESENCE:
            self.presence.heard(msg)
            return
        if msg.get("origin") == self.instance_id:
            return
        if msg.get("op") == "collections":
            await self.app.reload_collections()
            return
        if msg.get("op") != "record":
            return
        coll = self.app.registry.by_id.get(msg["collection"])
        if coll is None:
            return
        action, record = msg["action"], msg["record"]
        self._follow_auth(action, coll, record)
        if self.clients.topics:
            await self._send(await fan_out(self.app, self.clients, action, coll, record, snapshot=True))

    async def _send(self, groups: list[tuple[list[Client], str, bytes]]) -> None:
        hook = self.app.hooks.realtime_message_send
        if not hook.handlers:
            for clients, name, data in groups:
                self.delivered += len(clients)
                for client in clients:
                    client.send(name, data)
            return
        for clients, name, data in groups:
            self.delivered += len(clients)
            for client in clients:

                async def queue(e: RealtimeMessageEvent, client: Client = client) -> None:
                    client.send(e.name, e.data)

                await hook.trigger(RealtimeMessageEvent(self.app, client.id, name, data), queue)

    def _follow_auth(self, action: str, coll: Collection, record: dict[str, Any]) -> None:
        """A client's auth follows its record: updated with it, and cleared when the record is
        deleted or its tokenKey changes (a password change signs every session out)."""
        if not coll.is_auth:
            return
        for client in list(self.clients.clients.values()):
            auth: Auth | None = client.auth
            if auth is None or auth.identity != (coll.id, record["id"]):
                continue
            if action == "delete" or record.get("tokenKey") != auth.record.get("tokenKey"):
                client.auth = None
            else:
                client.auth = Auth(coll.id, record)


def _without_secrets(coll: Collection, record: dict[str, Any]) -> dict[str, Any]:
    """Password hashes never travel through the broker (no rule or response needs them)."""
    # a key of its own: record_write caches the password field objects under "password_fields"
    secret = coll.cache.get("password_field_names")
    if secret is None:
        secret = coll.cache["password_field_names"] = [f.name for f in coll.fields if f.type == "password"]
    return {k: ("" if k in secret else v) for k, v in record.items()}
