"""SQL console cells: numbers printed as PocketBase (Go) prints them, write detection, names."""

from __future__ import annotations

import pytest

from roost.db.console import go_float, is_write, show, unique_names

# each pair read off PocketBase 0.40.6's POST /api/sql
GO_FLOATS = [
    (1234567.0, "1.234567e+06"),
    (100.0, "100"),
    (0.000001, "1e-06"),
    (1e21, "1e+21"),
    (1e20, "1e+20"),
    (123456789012.5, "1.234567890125e+11"),
    (0.1 + 0.2, "0.30000000000000004"),
    (2.5, "2.5"),
    (5.0, "5"),
    (-0.0, "-0"),
    (1e301, "1e+301"),
]


@pytest.mark.parametrize(("value", "text"), GO_FLOATS)
def test_floats_as_go_prints_them(value: float, text: str) -> None:
    assert go_float(value) == text


@pytest.mark.parametrize(("value", "text"), [(123456.0, "123456"), (0.0001, "0.0001"), (-12.75, "-12.75")])
def test_floats_below_the_exponent_cutoffs(value: float, text: str) -> None:
    assert go_float(value) == text


def test_cells() -> None:
    assert [show(v) for v in (None, 7, "x", b"A\x00", b"\xff")] == [None, "7", "x", "A\x00", "\ufffd"]


@pytest.mark.parametrize(
    ("sql", "write"),
    [
        ("select 1", False),
        ("  INSERT into t values (1)", True),
        ("/* why */ insert into t values (1)", True),
        ("-- note\nupdate t set a = 1", True),
        ("with x as (select 1) select * from x", False),
        ("pragma table_info(t)", False),
        ("vacuum", False),
        ("replace into t values (1)", True),
        ("DROP TABLE t", True),
    ],
)
def test_writes_are_told_by_their_first_keyword(sql: str, write: bool) -> None:
    assert is_write(sql) is write


def test_repeated_column_names() -> None:
    assert unique_names(["a", "a", "b", "a"]) == ["a", "a:1", "b", "a:2"]
