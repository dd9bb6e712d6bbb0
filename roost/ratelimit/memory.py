"""Counters in this process: a dict of (window start, count) per key."""

from __future__ import annotations

import time

from roost.ratelimit.base import Hit, Limiter

_SWEEP_EVERY = 60.0  # seconds between sweeps of windows that ended
_SWEEP_SIZE = 10_000  # ... or sooner, when this many keys are held


class MemoryLimiter(Limiter):
    def __init__(self, clock: object = time.monotonic) -> None:
        self._clock = clock
        # key -> [window start, requests counted, window length]
        self._windows: dict[str, list[float]] = {}
        self._swept = 0.0
        self._pauses: dict[str, float] = {}  # key -> when its pause ends

    async def hit(self, key: str, limit: int, window: float) -> Hit:
        return self.hit_now(key, limit, window)

    def hit_now(self, key: str, limit: int, window: float) -> Hit:
        now: float = self._clock()  # type: ignore[operator]
        entry = self._windows.get(key)
        if entry is None or now - entry[0] >= window:
            if len(self._windows) >= _SWEEP_SIZE or now - self._swept >= _SWEEP_EVERY:
                self._sweep(now)
            entry = self._windows[key] = [now, 0.0, window]
        # elapsed first: (start + window) - now can round above `window` (7.7 + 30 - 7.7)
        reset = window - (now - entry[0])
        if entry[1] >= limit:
            return Hit(False, limit, 0, reset)
        entry[1] += 1
        return Hit(True, limit, limit - int(entry[1]), reset)

    async def pause(self, key: str, seconds: float) -> None:
        self.pause_now(key, seconds)

    def pause_now(self, key: str, seconds: float) -> None:
        now: float = self._clock()  # type: ignore[operator]
        if len(self._pauses) >= _SWEEP_SIZE:
            self._pauses = {k: v for k, v in self._pauses.items() if v > now}
        self._pauses[key] = now + seconds

    async def paused(self, key: str) -> bool:
        return self.paused_now(key)

    def paused_now(self, key: str) -> bool:
        now: float = self._clock()  # type: ignore[operator]
        return self._pauses.get(key, 0.0) > now

    async def unpause(self, key: str) -> None:
        self._pauses.pop(key, None)

    def _sweep(self, now: float) -> None:
        self._swept = now
        self._windows = {k: v for k, v in self._windows.items() if now - v[0] < v[2]}

    def reset(self) -> None:
        self._windows.clear()
