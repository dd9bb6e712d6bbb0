"""The Limiter interface and its answer."""

from __future__ import annotations

import abc
from typing import NamedTuple


class Hit(NamedTuple):
    """The outcome of counting one request: whether it is allowed, how many more the window
    allows after it, and the seconds until the window ends."""

    allowed: bool
    limit: int
    remaining: int
    reset: float


class Limiter(abc.ABC):
    @abc.abstractmethod
    async def hit(self, key: str, limit: int, window: float) -> Hit:
        """Count one request for `key` in its current window of `window` seconds (a new window
        starts with the first request after the previous one ended); allowed while at most
        `limit` requests fell in the window."""

    @abc.abstractmethod
    async def pause(self, key: str, seconds: float) -> None:
        """Mark `key` as paused for `seconds` (a mail that must not be sent again so soon)."""

    @abc.abstractmethod
    async def paused(self, key: str) -> bool:
        """Whether `key` is paused now, by this process or any other sharing the store."""

    @abc.abstractmethod
    async def unpause(self, key: str) -> None:
        """End `key`'s pause early (what it guarded was done)."""

    def reset(self) -> None:  # noqa: B027 optional
        """Forget every count (the rules changed)."""

    async def close(self) -> None:  # noqa: B027 optional
        """Release connections."""
