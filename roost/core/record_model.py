"""`Record` for library code and migrations: the same class hooks receive (roost/core/record.py)."""

from __future__ import annotations

from roost.core.record import Record

__all__ = ["Record"]
