"""The scheduler: jobs by id, a tick at the start of every minute (UTC), each due job run once.

With several workers or instances, every process runs the same scheduler; a `TickLock` shared
by all of them (a row in the database, a key in Redis) lets exactly one claim each (job, tick),
so a job runs once per tick however many processes there are."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from roost.cron.schedule import Schedule, parse

log = logging.getLogger("roost.cron")

JobFunc = Callable[[], Awaitable[Any] | Any]


class TickLock(Protocol):
    """Claims one run of a job: True for exactly one caller per (job_id, tick) across processes."""

    async def claim(self, job_id: str, tick: str) -> bool: ...


class LocalLock:
    """For a scheduler alone in its process and database: every claim succeeds."""

    async def claim(self, job_id: str, tick: str) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    schedule: Schedule
    fn: JobFunc

    @property
    def expression(self) -> str:
        return self.schedule.expression

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "expression": self.expression}


def tick_key(moment: datetime) -> str:
    """The name of a tick, the same in every process: its UTC time to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Cron:
    """`add(id, expression, fn)` registers (or replaces) a job; `start()` begins ticking."""

    def __init__(self, lock: TickLock | None = None, interval: float = 60.0) -> None:
        self.lock: TickLock = lock or LocalLock()
        self.interval = interval  # seconds between ticks; one minute except in tests
        self._jobs: dict[str, Job] = {}
        self._ticker: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[None]] = set()
        self._claiming: asyncio.Future[list[asyncio.Task[None]]] | None = None  # a tick being claimed

    # --- jobs -------------------------------------------------------------------------------------
    def add(self, job_id: str, expression: str, fn: JobFunc) -> None:
        """Register `fn` (sync or async, no arguments) under `job_id`, replacing a job of that id.
        Raises `CronError` (a ValueError) for an expression PocketBase would refuse."""
        if not job_id:
            raise ValueError("A cron job needs a non-empty id.")
        if not callable(fn):
            raise TypeError("A cron job needs a function to run.")
        self._jobs[job_id] = Job(job_id, parse(expression), fn)

    def remove(self, job_id: str) -> None:
        self._jobs.pop(job_id, None)

    def remove_all(self) -> None:
        self._jobs.clear()

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def jobs(self) -> list[Job]:
        """Sorted as PocketBase lists them: by id, ids starting with `__pb` last."""
        return sorted(self._jobs.values(), key=lambda j: (j.id.startswith("__pb"), j.id))

    # --- running ------------------------------------------------------------------------------------
    def run_now(self, job_id: str) -> asyncio.Task[None] | None:
        """Start one job at once, outside its schedule and without the tick lock (the crons API)."""
        job = self._jobs.get(job_id)
        return None if job is None else self._spawn(job)

    async def run_due(self, moment: datetime) -> list[asyncio.Task[None]]:
        """Start every job due at `moment` whose tick this process claims."""
        at = moment.astimezone(UTC)
        key = tick_key(at)
        started = []
        for job in list(self._jobs.values()):
            if not job.schedule.is_due(at):
                continue
            try:
                claimed = await self.lock.claim(job.id, key)
            except Exception:
                log.exception("cron: could not claim job %r for %s", job.id, key)
                continue
            if claimed:
                started.append(self._spawn(job))
        return started

    def _spawn(self, job: Job) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(_run(job), name=f"cron:{job.id}")
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return task

    # --- ticking ------------------------------------------------------------------------------------
    @property
    def started(self) -> bool:
        return self._ticker is not None

    def start(self) -> None:
        """Tick at every interval boundary from now on (restarts a running ticker)."""
        if self._ticker is not None:
            self._ticker.cancel()
        self._ticker = asyncio.get_running_loop().create_task(self._tick_loop(), name="cron:ticker")

    async def stop(self, grace: float = 10.0) -> None:
        """Stop ticking; jobs still running get `grace` seconds to finish, then are cancelled
        (a plain function already running on its thread cannot be interrupted)."""
        ticker, self._ticker = self._ticker, None
        if ticker is not None:
            ticker.cancel()
            try:
                await ticker
            except asyncio.CancelledError:
                pass
        claiming, self._claiming = self._claiming, None
        if claiming is not None:
            # a tick this process has claimed in the shared lock must run here: no other
            # process will run it, so the claim is let finish and its jobs start
            await asyncio.wait([claiming])
        if self._running:
            _, late = await asyncio.wait(set(self._running), timeout=grace)
            for task in late:
                log.warning("cron job %r still running at shutdown; cancelling it", task.get_name()[5:])
                task.cancel()
            if late:
                await asyncio.wait(late, timeout=1.0)

    async def _tick_loop(self) -> None:
        while True:
            # the boundary is computed before sleeping, so every process names the same tick
            # even when one of them wakes a little early or late
            boundary = (int(time.time() / self.interval) + 1) * self.interval
            await asyncio.sleep(max(0.0, boundary - time.time()))
            self._claiming = asyncio.ensure_future(self.run_due(datetime.fromtimestamp(boundary, UTC)))
            try:
                await asyncio.shield(self._claiming)  # stop() waits for it rather than cutting it
            except Exception:  # the ticker must outlive any failure
                log.exception("cron: tick failed")


async def _run(job: Job) -> None:
    """Run one job; errors are logged and never reach the scheduler. Sync functions run on a
    worker thread so a slow job does not hold up requests."""
    started = time.perf_counter()
    try:
        if inspect.iscoroutinefunction(job.fn):
            await job.fn()
        else:
            result = await asyncio.to_thread(job.fn)
            if inspect.isawaitable(result):
                await result
    except Exception:
        log.exception("cron job %r failed", job.id)
        return
    log.debug("cron job %r finished in %.3fs", job.id, time.perf_counter() - started)
