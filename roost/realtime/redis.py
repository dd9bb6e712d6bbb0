"""The Redis Broker (redis-py asyncio): events between processes and machines.

redis-py's PubSub does not reconnect or resubscribe by itself, so one task owns the
subscriber connection and rebuilds it after any failure, resubscribing every channel.
Publishing goes through a queue and its own task, so a slow or absent Redis never holds
up the caller; what cannot be sent is dropped (at most once, as PocketBase)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from roost.realtime.broker import Broker

log = logging.getLogger("roost.realtime")

_OUTBOX_MAX = 10_000
_PIPELINE_MAX = 500  # messages sent in one round trip at most
_POLL = 1.0  # seconds between checks for newly added channels while idle
_CLOSE_TIMEOUT = 5.0  # seconds a stopping server waits for its Redis tasks and connections


class RedisBroker(Broker):
    def __init__(self, url: str, prefix: str = "roost:") -> None:
        super().__init__()
        self.url = url
        self.prefix = prefix
        self.connected = asyncio.Event()
        self._client: Any = None
        self._outbox: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue(_OUTBOX_MAX)
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = False

    async def start(self, wait: float = 5.0) -> None:
        import redis.asyncio as aioredis

        self._client = aioredis.from_url(
            self.url, socket_connect_timeout=2, socket_keepalive=True, health_check_interval=15
        )
        self._tasks = [asyncio.create_task(self._listen()), asyncio.create_task(self._send())]
        try:  # events published right after startup should already reach this process
            await asyncio.wait_for(self.connected.wait(), wait)
        except TimeoutError:
            log.warning("Redis at %s is not reachable yet; retrying in the background", self.url)

    @property
    def reachable(self) -> bool:
        return self.connected.is_set()

    async def publish(self, channel: str, message: bytes) -> None:
        try:
            self._outbox.put_nowait((self.prefix + channel, message))
        except asyncio.QueueFull:
            log.warning("realtime: Redis outbox full, dropping a message for %s", channel)

    async def close(self) -> None:
        self._closed = True
        for task in self._tasks:
            await _stop(task)
        if self._client is not None:
            try:
                await asyncio.wait_for(self._client.aclose(), _CLOSE_TIMEOUT)
            except TimeoutError:
                log.warning("realtime: the Redis connections did not close in %.0f s", _CLOSE_TIMEOUT)

    async def _send(self) -> None:
        outbox = self._outbox
        while True:
            batch = [await outbox.get()]
            # what queued up meanwhile goes in the same round trip, in order: under write load
            # one PUBLISH per round trip would fall behind the writes
            while len(batch) < _PIPELINE_MAX and not outbox.empty():
                batch.append(outbox.get_nowait())
            try:
                if len(batch) == 1:
                    await self._client.publish(*batch[0])
                else:
                    async with self._client.pipeline(transaction=False) as pipe:
                        for channel, message in batch:
                            pipe.publish(channel, message)
                        await pipe.execute()
            except Exception as exc:  # redis.RedisError or OSError: the messages are lost
                log.warning(
                    "realtime: could not publish to Redis (%s); %d message(s) dropped", exc, len(batch)
                )

    async def _reconnected(self) -> None:
        """Run the on_reconnect callbacks: the caller may have missed messages."""
        for callback in self.on_reconnect:
            try:
                await callback()
            except Exception:
                log.exception("realtime: reconnect handler failed")

    async def _listen(self) -> None:
        delay = 0.1
        while not self._closed:
            pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            try:
                subscribed: set[str] = set()
                await pubsub.ping()  # connects; fails fast while Redis is away
                while not self._closed:
                    missing = [c for c in self.callbacks if c not in subscribed]
                    if missing:  # on (re)connect this is every channel
                        await pubsub.subscribe(*(self.prefix + c for c in missing))
                        subscribed.update(missing)
                    if not self.connected.is_set():
                        log.info("realtime: connected to Redis at %s", self.url)
                        # the first connection too: what was published between this process
                        # loading its state and subscribing (a schema change) was missed
                        await self._reconnected()
                        self.connected.set()
                        delay = 0.1
                    if not subscribed:
                        await asyncio.sleep(_POLL)
                        continue
                    msg = await pubsub.get_message(timeout=_POLL)
                    if msg is not None and msg.get("type") == "message":
                        channel = msg["channel"].decode()
                        await self.dispatch(channel[len(self.prefix) :], msg["data"])
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # connection lost or refused: rebuild and resubscribe
                if self.connected.is_set():
                    log.warning("realtime: lost Redis connection (%s); reconnecting", exc)
                self.connected.clear()
            finally:
                try:
                    await pubsub.aclose()
                except Exception:
                    log.debug("realtime: closing a broken Redis subscription failed", exc_info=True)
            if not self._closed:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)


async def _stop(task: asyncio.Task[None]) -> None:
    """Cancel `task` and wait for it to end. A cancellation that lands inside a redis-py
    command can be lost there: the task then goes on, and a stopping server used to wait for it
    for good. So it is cancelled again until it ends, for a bounded time."""
    deadline = asyncio.get_running_loop().time() + _CLOSE_TIMEOUT
    while not task.done() and asyncio.get_running_loop().time() < deadline:
        task.cancel()
        await asyncio.wait([task], timeout=0.1)
    if not task.done():
        log.warning("realtime: a Redis task did not stop in %.0f s; leaving it", _CLOSE_TIMEOUT)
    elif not task.cancelled() and task.exception() is not None:
        log.debug("realtime: Redis task failed while closing", exc_info=task.exception())


def channel_prefix(deployment: str) -> str:
    """Channels of one deployment (one database) never mix with another's on a shared Redis:
    Redis pub/sub ignores the database number in the URL."""
    import hashlib

    return "roost:" + hashlib.sha256(deployment.encode()).hexdigest()[:16] + ":"
