"""Which other instances have realtime clients, so that a write goes to the broker only when
another instance could deliver it.

Every record write used to be published on the broker, whatever happened next: one PUBLISH per
write, and every other instance decoding it, with no realtime client anywhere (`roost serve
--workers 2 --redis` on PostgreSQL under a create load: about a tenth of each worker's CPU went
to redis-py). Now every instance says on the events channel whether it has clients: every
`heartbeat` seconds, and at once when that changes. The others publish their writes while any
instance is heard to have clients.

What keeps events from being missed:
- an instance that gets its first client asks the instances it knows to acknowledge that, and
  tells the client it is connected (PB_CONNECT, the WebSocket's first frame, the GraphQL ack)
  only once each has (`announced()`), so every write the client can see is published;
- an instance that joins says hello and the others answer at once, so it knows them before its
  first client waits on them (a client that connects within `SETTLE` seconds waits that long);
- until it has heard every instance's heartbeat (two heartbeats after it connected, or
  reconnected, to the broker, when messages may have been missed) an instance publishes every
  write;
- an instance not heard from for `expires` seconds (it stopped without saying so) counts as
  gone. One that does not acknowledge within ECHO_TIMEOUT holds no client up for longer (a
  broken broker carries no events anyway)."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable, Coroutine
from typing import Any

import orjson

HEARTBEAT = 5.0  # seconds between announcements
EXPIRES = 30.0  # seconds after its last message that an instance counts as gone
SETTLE = 0.5  # seconds after saying hello in which the other instances answer
ECHO_TIMEOUT = 2.0  # seconds a new client waits for the acknowledgements at most
OP = "presence"


class Presence:
    def __init__(
        self,
        instance_id: str,
        publish: Callable[[bytes], Coroutine[Any, Any, None]],
        heartbeat: float = HEARTBEAT,
        expires: float = EXPIRES,
    ) -> None:
        self.instance_id = instance_id
        self.heartbeat = heartbeat
        self.expires = expires
        self._publish = publish
        self._members: dict[str, float] = {}  # other instance -> when it counts as gone
        self._listening: dict[str, float] = {}  # ... of those with clients
        self._acked: dict[str, int] = {}  # other instance -> the last of our asks it answered
        self._unsure_until = math.inf  # not connected to the broker yet: assume listeners
        self._settled_at = 0.0  # when the answers to our hello are in
        self._clients = 0
        self._sent = 0  # sequence number of this instance's last message
        self._asked = 0  # ... of its last "has clients, acknowledge", that new clients wait for
        self._askees: set[str] = set()  # the instances asked to acknowledge it
        self._echoed = 0  # the last of our messages heard back
        self._waiters: list[asyncio.Future[None]] = []
        self._beat: asyncio.Task[None] | None = None
        self._sending: set[asyncio.Task[None]] = set()

    def others_listening(self) -> bool:
        """Whether another instance may have a client to deliver this instance's writes to."""
        now = time.monotonic()
        if now < self._unsure_until:
            return True
        return any(until > now for until in self._listening.values())

    def connected(self) -> None:
        """(Re)connected to the broker: say hello (the others answer), and publish everything
        until every heartbeat missed meanwhile has come in again."""
        now = time.monotonic()
        self._unsure_until = now + 2 * self.heartbeat
        self._settled_at = now + SETTLE
        self._send(hello=True)
        if self._clients:
            self._ask()
        if self._beat is None:
            self._beat = asyncio.get_running_loop().create_task(self._keep_announcing())

    def clients_changed(self, count: int) -> None:
        """This instance now has `count` realtime clients (called on the event loop)."""
        had, self._clients = self._clients, count
        if had == 0 and count > 0:
            self._ask()
        elif had > 0 and count == 0:
            self._send()

    async def announced(self) -> None:
        """Return once every other instance known has acknowledged that this one has clients
        (they then publish their writes), or after ECHO_TIMEOUT."""
        loop = asyncio.get_running_loop()
        settling = self._settled_at - time.monotonic()
        if settling > 0:  # just joined: the others' answers to our hello are still coming
            await asyncio.sleep(settling)
            if self._clients:
                self._ask()  # to the instances we know now
        if self._done():
            return
        waiter = loop.create_future()
        self._waiters.append(waiter)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(waiter), ECHO_TIMEOUT)

    def heard(self, message: dict[str, Any]) -> None:
        """A presence message on the events channel: another instance's, or this one's own."""
        origin = message.get("origin")
        if not isinstance(origin, str):
            return
        if origin == self.instance_id:
            seq = message.get("seq")
            self._echoed = max(self._echoed, seq if isinstance(seq, int) else 0)
            self._wake()
            return
        now = time.monotonic()
        for gone in [i for i, until in self._members.items() if until <= now]:
            self._forget(gone)
        self._members[origin] = now + self.expires
        if message.get("ack_to") == self.instance_id:
            seq = message.get("ack")
            self._acked[origin] = max(self._acked.get(origin, 0), seq if isinstance(seq, int) else 0)
            self._wake()
        if "listening" not in message:
            return
        if message["listening"]:
            self._listening[origin] = now + self.expires
        else:
            self._listening.pop(origin, None)
        if message.get("ask"):
            self._send(ack=(origin, message.get("seq")))
        elif message.get("hello"):
            self._send()  # our state, so the newcomer knows us before its first client waits

    async def close(self) -> None:
        tasks = [t for t in (self._beat, *self._sending) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._beat = None

    def _ask(self) -> None:
        self._asked = self._send(ask=True)
        self._askees = set(self._members)

    def _done(self) -> bool:
        if self._echoed < self._asked:
            return False
        now = time.monotonic()
        return all(
            self._acked.get(i, 0) >= self._asked or self._members.get(i, 0) <= now for i in self._askees
        )

    def _wake(self) -> None:
        if self._waiters and self._done():
            for waiter in self._waiters:
                if not waiter.done():
                    waiter.set_result(None)
            self._waiters.clear()

    def _forget(self, instance: str) -> None:
        self._members.pop(instance, None)
        self._listening.pop(instance, None)
        self._acked.pop(instance, None)

    def _send(self, ask: bool = False, hello: bool = False, ack: tuple[str, Any] | None = None) -> int:
        self._sent += 1
        message: dict[str, Any] = {
            "op": OP,
            "origin": self.instance_id,
            "seq": self._sent,
            "listening": self._clients > 0,
        }
        if ask:
            message["ask"] = True
        if hello:
            message["hello"] = True
        if ack is not None:
            message["ack_to"], message["ack"] = ack
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(
            self._publish(orjson.dumps(message))
        )
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)
        return self._sent

    async def _keep_announcing(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            self._send()
