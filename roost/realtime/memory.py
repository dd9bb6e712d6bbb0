"""The in-process Broker: one process, or several App instances sharing one broker object."""

from __future__ import annotations

from roost.realtime.broker import Broker


class MemoryBroker(Broker):
    def __init__(self, shared: bool = False) -> None:
        super().__init__()
        self._shared = shared

    @property
    def shared(self) -> bool:
        # a broker object handed to several Apps (tests, embedding) carries events between them
        return self._shared

    async def publish(self, channel: str, message: bytes) -> None:
        await self.dispatch(channel, message)
