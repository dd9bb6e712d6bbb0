"""Scheduled jobs: cron expressions as PocketBase reads them and a minute-tick scheduler.

A leaf package (standard library only). How ticks are shared between processes is a `TickLock`
that the core provides per backend."""

from roost.cron.schedule import MACROS, CronError, Schedule, parse
from roost.cron.scheduler import Cron, Job, LocalLock, TickLock, tick_key

__all__ = ["MACROS", "Cron", "CronError", "Job", "LocalLock", "Schedule", "TickLock", "parse", "tick_key"]
