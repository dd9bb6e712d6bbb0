from __future__ import annotations

from roost.errors import BadRequest


class FilterError(BadRequest):
    """A filter, sort or rule expression that cannot be used; the message says where and why."""
