"""Connected clients, their subscriptions, and an index from topic to subscribers.

A client is transport-neutral: the SSE or WebSocket endpoint drains `next_batch()` and
encodes the (event name, JSON data) pairs for its wire format."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from roost.realtime.subscriptions import Subscription, parse_subscription
from roost.security.ids import random_string

CLIENT_ID_LENGTH = 40
INSTANCE_ID_LENGTH = 8
MAX_PENDING = 1000  # a client this far behind is dropped; it reconnects and refetches


def new_instance_id() -> str:
    return random_string(INSTANCE_ID_LENGTH)


class Client:
    """One realtime connection. `auth` is whatever the API layer stores (None for guests)."""

    __slots__ = ("_last", "_pending", "_timer", "_waiter", "auth", "closed", "id", "ip", "subscriptions")

    def __init__(self, client_id: str) -> None:
        self.id = client_id
        self.auth: Any = None
        self.ip = ""  # the address that opened the connection (the OAuth2 redirect must match it)
        self.subscriptions: dict[str, Subscription] = {}
        self.closed = False
        self._pending: deque[tuple[str, bytes]] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._last = 0.0  # loop time of the last delivered batch

    def send(self, name: str, data: bytes) -> None:
        if self.closed:
            return
        if len(self._pending) >= MAX_PENDING:
            self.close()
            return
        self._pending.append((name, data))
        self._wake()

    def close(self) -> None:
        self.closed = True
        self._pending.clear()
        self._wake()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def touch(self) -> None:
        """The client showed it is alive (a WebSocket frame): restart the idle period."""
        self._last = asyncio.get_running_loop().time()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def next_batch(self, timeout: float) -> list[tuple[str, bytes]] | None:
        """Messages queued so far, waiting for the first; [] once `timeout` s passed without
        any message, None once the client is closed."""
        loop = asyncio.get_running_loop()
        if not self._last:
            self._last = loop.time()
        if not self._pending and not self.closed:
            self._waiter = loop.create_future()
            if self._timer is None:
                # one timer per idle period, re-armed lazily: not one per message
                self._timer = loop.call_at(self._last + timeout, self._check_idle, timeout)
            try:
                await self._waiter
            finally:
                self._waiter = None
            if not self._pending and not self.closed:
                return []
        if self.closed:
            return None
        batch = list(self._pending)
        self._pending.clear()
        self._last = loop.time()
        return batch

    def _check_idle(self, timeout: float) -> None:
        self._timer = None
        loop = asyncio.get_running_loop()
        if loop.time() - self._last >= timeout:
            self._wake()  # next_batch returns [] (idle)
        elif not self.closed:
            self._timer = loop.call_at(self._last + timeout, self._check_idle, timeout)


class ClientRegistry:
    """Clients by id, and `topic -> {client id: [subscriptions]}` for event matching."""

    def __init__(self, instance_id: str) -> None:
        self.instance_id = instance_id
        self.clients: dict[str, Client] = {}
        self.topics: dict[str, dict[str, list[Subscription]]] = {}
        self.on_count: Callable[[int], None] | None = None  # told how many clients after a change
        self.closed = False  # the server is stopping: every client is closed, new ones at once

    def new_client(self) -> Client:
        # the instance prefix tells any instance where a client lives (POST forwarding)
        client = Client(self.instance_id + random_string(CLIENT_ID_LENGTH - INSTANCE_ID_LENGTH))
        if self.closed:  # (a connection that arrived while the server stops ends right away)
            client.close()
        self.clients[client.id] = client
        if self.on_count is not None:
            self.on_count(len(self.clients))
        return client

    def get(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)

    def close_all(self) -> None:
        """Close every client, and every later one as soon as it connects."""
        self.closed = True
        for client in list(self.clients.values()):
            self.remove(client)

    def remove(self, client: Client) -> None:
        client.close()
        self.set_subscriptions(client, [])
        if self.clients.pop(client.id, None) is not None and self.on_count is not None:
            self.on_count(len(self.clients))

    def set_subscriptions(self, client: Client, keys: Iterable[str]) -> None:
        """Replace all of the client's subscriptions (an empty list unsubscribes)."""
        for sub in client.subscriptions.values():
            subs = self.topics.get(sub.topic)
            if subs is not None:
                subs.pop(client.id, None)
                if not subs:
                    del self.topics[sub.topic]
        client.subscriptions = {}
        for key in keys:
            if key in client.subscriptions:
                continue
            sub = parse_subscription(key)
            client.subscriptions[key] = sub
            self.topics.setdefault(sub.topic, {}).setdefault(client.id, []).append(sub)

    def subscribers(self, topics: Iterable[str]) -> list[tuple[Client, Subscription]]:
        """Every (client, subscription) whose topic is one of `topics`: a list, built in one
        pass (no generator step per client), that stays valid while clients come and go."""
        out: list[tuple[Client, Subscription]] = []
        clients = self.clients
        for topic in topics:
            entries = self.topics.get(topic)
            if not entries:
                continue
            for client_id, subs in entries.items():
                client = clients.get(client_id)
                if client is None or client.closed:
                    continue
                if len(subs) == 1:
                    out.append((client, subs[0]))
                else:
                    out.extend((client, sub) for sub in subs)
        return out
