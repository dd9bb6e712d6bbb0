"""The Broker: publish bytes to a named channel, and call back every subscriber of it.

Delivery is at most once, as in PocketBase: a message published while an instance is
disconnected from the broker is lost for that instance, and clients must refetch."""

from __future__ import annotations

import abc
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("roost.realtime")

Callback = Callable[[bytes], Awaitable[None]]


class Broker(abc.ABC):
    """Channels are plain names; a backend may prefix them to keep deployments apart."""

    def __init__(self) -> None:
        self.callbacks: dict[str, list[Callback]] = {}
        # async fn() on each connection, the first included: messages may have been missed
        # meanwhile (before the first one, between loading state and subscribing)
        self.on_reconnect: list[Callable[[], Awaitable[None]]] = []

    @property
    def shared(self) -> bool:
        """Whether other processes may be listening (so events must be published at all)."""
        return True

    @property
    def reachable(self) -> bool:
        """Whether messages published now reach the other processes (a server broker: while
        connected to it)."""
        return True

    def subscribe(self, channel: str, callback: Callback) -> None:
        """Call `callback(message)` for every message published on `channel` from now on."""
        self.callbacks.setdefault(channel, []).append(callback)

    @abc.abstractmethod
    async def publish(self, channel: str, message: bytes) -> None:
        """Send `message` to every subscriber of `channel`, this process included. Never raises
        for a broken connection: the message is dropped and logged."""

    async def start(self) -> None:  # noqa: B027 optional; a no-op by default
        """Connect; subscriptions made before or after start are both honoured."""

    async def close(self) -> None:  # noqa: B027 optional; a no-op by default
        """Disconnect and stop calling back."""

    async def dispatch(self, channel: str, message: bytes) -> None:
        # callbacks run one after another, so messages of a channel keep their order
        for callback in self.callbacks.get(channel, ()):
            try:
                await callback(message)
            except Exception:  # one broken handler must not stop the others
                log.exception("realtime broker callback failed on %s", channel)
