"""Cron expressions read as PocketBase 0.40.6's tools/cron reads them (no database needed)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from roost.cron import CronError, parse

ALL_MINUTES = frozenset(range(60))


@pytest.mark.parametrize(
    ("expr", "field", "expected"),
    [
        ("* * * * *", "minutes", ALL_MINUTES),
        ("*/5 * * * *", "minutes", frozenset(range(0, 60, 5))),
        ("1,2,3 * * * *", "minutes", frozenset({1, 2, 3})),
        ("10-20/5 * * * *", "minutes", frozenset({10, 15, 20})),
        ("1-3,50-52 * * * *", "minutes", frozenset({1, 2, 3, 50, 51, 52})),
        ("5/1 * * * *", "minutes", frozenset({5})),
        ("0 */6 * * *", "hours", frozenset({0, 6, 12, 18})),
        ("0 0 1-31/10 * *", "days", frozenset({1, 11, 21, 31})),
        ("0 0 * */3 *", "months", frozenset({1, 4, 7, 10})),
        ("0 0 * * 1-5", "weekdays", frozenset({1, 2, 3, 4, 5})),
        ("0 0 * * */2", "weekdays", frozenset({0, 2, 4, 6})),
        ("@hourly", "minutes", frozenset({0})),
        ("@hourly", "hours", frozenset(range(24))),
        ("@daily", "hours", frozenset({0})),
        ("@weekly", "weekdays", frozenset({0})),
        ("@monthly", "days", frozenset({1})),
        ("@yearly", "months", frozenset({1})),
        ("@annually", "days", frozenset({1})),
        ("@midnight", "minutes", frozenset({0})),
    ],
)
def test_slots(expr: str, field: str, expected: frozenset[int]) -> None:
    assert getattr(parse(expr), field) == expected


@pytest.mark.parametrize(
    ("macro", "expression"),
    [
        ("@yearly", "0 0 1 1 *"),
        ("@annually", "0 0 1 1 *"),
        ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"),
        ("@daily", "0 0 * * *"),
        ("@midnight", "0 0 * * *"),
        ("@hourly", "0 * * * *"),
        ("*/5 * * * *", "*/5 * * * *"),
    ],
)
def test_listed_expression_expands_macros(macro: str, expression: str) -> None:
    # GET /api/crons shows PocketBase's own @-jobs with their expanded expression
    assert parse(macro).expression == expression


@pytest.mark.parametrize(
    "expr",
    [
        "",
        "* * * *",
        "* * * * * *",
        "*  * * * *",  # two spaces: an empty segment
        "60 * * * *",
        "* 24 * * *",
        "* * 0 * *",
        "* * 32 * *",
        "* * * 0 *",
        "* * * 13 *",
        "* * * * 7",  # Sunday is 0 only
        "* * * JAN *",  # names are not accepted
        "* * * * MON",
        "*/0 * * * *",
        "*/60 * * * *",
        "5/2 * * * *",  # a step needs * or a range
        "10-5 * * * *",
        "1-2-3 * * * *",
        "*/5/2 * * * *",
        "? * * * *",
        "-1 * * * *",
        "1- * * * *",
        "@every 5m",
        "@reboot",
        "@HOURLY",
    ],
)
def test_refused(expr: str) -> None:
    with pytest.raises(CronError):
        parse(expr)


@pytest.mark.parametrize(
    ("expr", "moment", "due"),
    [
        ("*/5 * * * *", datetime(2026, 3, 4, 10, 15, tzinfo=UTC), True),
        ("*/5 * * * *", datetime(2026, 3, 4, 10, 16, tzinfo=UTC), False),
        ("@daily", datetime(2026, 3, 4, 0, 0, tzinfo=UTC), True),
        ("@daily", datetime(2026, 3, 4, 0, 1, tzinfo=UTC), False),
        ("@weekly", datetime(2026, 3, 1, 0, 0, tzinfo=UTC), True),  # a Sunday
        ("@weekly", datetime(2026, 3, 2, 0, 0, tzinfo=UTC), False),
        ("0 0 * * 6", datetime(2026, 3, 7, 0, 0, tzinfo=UTC), True),  # a Saturday
        # day of month AND day of week must both match (PocketBase, unlike Vixie cron's OR)
        ("0 0 13 * 5", datetime(2026, 2, 13, 0, 0, tzinfo=UTC), True),  # Friday the 13th
        ("0 0 13 * 5", datetime(2026, 3, 13, 0, 0, tzinfo=UTC), True),
        ("0 0 13 * 5", datetime(2026, 4, 13, 0, 0, tzinfo=UTC), False),  # a Monday
        ("0 0 13 * 5", datetime(2026, 3, 20, 0, 0, tzinfo=UTC), False),
        ("@yearly", datetime(2027, 1, 1, 0, 0, tzinfo=UTC), True),
        ("30 12 * 6-8 *", datetime(2026, 7, 9, 12, 30, tzinfo=UTC), True),
        ("30 12 * 6-8 *", datetime(2026, 9, 9, 12, 30, tzinfo=UTC), False),
    ],
)
def test_is_due(expr: str, moment: datetime, due: bool) -> None:
    assert parse(expr).is_due(moment) is due
