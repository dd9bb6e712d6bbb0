"""Cron expressions as PocketBase's tools/cron reads them.

Five space-separated segments: minute (0-59), hour (0-23), day of month (1-31), month (1-12) and
day of week (0-6, Sunday is 0). A segment is a list of parts separated by commas; a part is `*`,
a number, a range `1-30`, or either of `*` and a range followed by a step (`*/5`, `1-30/10`).
The macros @yearly, @annually, @monthly, @weekly, @daily, @midnight and @hourly stand for their
expressions. Names (MON, JAN), `?`, `L` and `7` for Sunday are not accepted, as in PocketBase.
A time matches when every segment matches, day of month and day of week included."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}

# (name, lowest, highest) per segment
_SEGMENTS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 6),
)
_NUMBER_RE = re.compile(r"\+?[0-9]+")


class CronError(ValueError):
    """An expression the scheduler cannot read; the message says which segment and why, and
    `pocketbase_message` is what PocketBase's settings validation says about it."""

    def __init__(self, message: str, pocketbase_message: str) -> None:
        super().__init__(message)
        self.pocketbase_message = pocketbase_message


@dataclass(frozen=True, slots=True)
class Schedule:
    expression: str  # as listed by GET /api/crons: a macro is shown expanded
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]

    def is_due(self, moment: datetime) -> bool:
        """Whether the schedule fires at `moment`'s minute (read in its own timezone)."""
        return (
            moment.minute in self.minutes
            and moment.hour in self.hours
            and moment.day in self.days
            and (moment.weekday() + 1) % 7 in self.weekdays
            and moment.month in self.months
        )


def parse(expression: str) -> Schedule:
    expr = MACROS.get(expression, expression)
    segments = expr.split(" ")
    if len(segments) != 5:
        raise CronError(
            f"Invalid cron expression '{expression}': use a macro or exactly 5 space separated segments.",
            "Invalid cron expression - must be a valid macro or to have exactly 5 space separated segments.",
        )
    slots = [_segment(seg, *spec) for seg, spec in zip(segments, _SEGMENTS, strict=True)]
    return Schedule(expr, *slots)


def _number(text: str, what: str) -> int:
    if not _NUMBER_RE.fullmatch(text):
        raise CronError(
            f"Invalid {what} value '{text}': expected a number.",
            f'Strconv.Atoi: parsing "{text}": invalid syntax.',
        )
    return int(text)


def _segment(segment: str, what: str, low: int, high: int) -> frozenset[int]:
    slots: set[int] = set()
    for part in segment.split(","):
        step_parts = part.split("/")
        if len(step_parts) > 2:
            raise CronError(
                f"Invalid {what} step '{part}': use */n or 1-30/n.",
                "Invalid segment step format - must be in the format */n or 1-30/n.",
            )
        step = 1
        if len(step_parts) == 2:
            step = _number(step_parts[1], what)
            if not 1 <= step <= high:
                raise CronError(
                    f"Invalid {what} step '{part}': the step must be between 1 and {high}.",
                    f"Invalid segment step boundary - the step must be between 1 and the {high}.",
                )
        base = step_parts[0]
        if base == "*":
            first, last = low, high
        else:
            range_parts = base.split("-")
            if len(range_parts) == 1:
                if len(step_parts) == 2 and step != 1:
                    raise CronError(
                        f"Invalid {what} '{part}': a step needs * or a range before it.",
                        "Invalid segment step - step > 1 could be used only with the wildcard or range format.",
                    )
                first = last = _number(range_parts[0], what)
                if not low <= first <= high:
                    raise CronError(
                        f"Invalid {what} '{part}': must be between {low} and {high}.",
                        "Invalid segment value - must be between the min and max of the segment.",
                    )
            elif len(range_parts) == 2:
                first = _number(range_parts[0], what)
                last = _number(range_parts[1], what)
                if not low <= first <= high:
                    raise CronError(
                        f"Invalid {what} range '{part}': must start between {low} and {high}.",
                        f"Invalid segment range minimum - must be between {low} and {high}.",
                    )
                if not first <= last <= high:
                    raise CronError(
                        f"Invalid {what} range '{part}': must end between {first} and {high}.",
                        f"Invalid segment range maximum - must be between {first} and {high}.",
                    )
            else:
                raise CronError(
                    f"Invalid {what} range '{part}': use two numbers, as in 1-30.",
                    "Invalid segment range format - the range must have 1 or 2 parts.",
                )
        slots.update(range(first, last + 1, step))
    return frozenset(slots)
