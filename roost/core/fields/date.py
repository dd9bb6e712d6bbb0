from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Any

from roost.core.fields.base import Field
from roost.core.fields.cast import to_string
from roost.errors import field_error
from roost.logs.store import format_created

_DATE_START = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FORMATS = (
    "%Y-%m-%d %H:%M:%S.%fZ",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%SZ",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%fZ",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d",
)


def format_datetime(dt: datetime) -> str:
    """PocketBase's datetime format: `2006-01-02 15:04:05.000Z`, always UTC."""
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%d %H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def now() -> str:
    """The current time in PocketBase's format; every write stamps its autodate fields with it
    (`format_created` formats a second's date and time once, not on every call)."""
    return format_created(time.time())


def parse_datetime(value: Any) -> str | None:
    """A submitted date in one of the forms PocketBase reads, normalised; None when it is not one.

    Numbers are not timestamps: like PocketBase, they are read as text (and so are no date)."""
    s = to_string(value).strip()
    if not s:
        return ""
    if not _DATE_START.match(s):
        return None
    dt = _read(s)
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return format_datetime(dt)
    except (OverflowError, ValueError):
        return None


def _read(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


class DateField(Field):
    type = "date"
    defaults = {"max": "", "min": "", "required": False}

    def prepare(self, value: Any) -> Any:
        # PocketBase stores an unreadable date as empty rather than refusing it
        return parse_datetime(value) or ""

    def validate(self, value: Any, record: Any) -> dict[str, Any] | None:
        if value == "":
            return super().validate(value, record)
        lo, hi = self.options["min"], self.options["max"]
        if lo and value < lo:
            return field_error("validation_min_date_constraint", f"Must be no earlier than {lo}.", min=lo)
        if hi and value > hi:
            return field_error("validation_max_date_constraint", f"Must be no later than {hi}.", max=hi)
        return None
