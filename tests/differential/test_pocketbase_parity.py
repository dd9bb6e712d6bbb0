"""Roost answers every list/view/write request of the case table exactly as PocketBase 0.40.6 does.

Same status; for 200 the same ids in the same order and the same JSON (autodate values aside).
Cases Roost is known to get wrong are strict xfails whose reason names the cause (cases.BUGS)."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import engine
from tests.differential.cases import BUGS, CASES, Case, bug_key, bug_reason
from tests.differential.generated import GENERATED
from tests.differential.runner import mismatch

ALL_CASES = CASES + GENERATED  # the hand-written table, then the systematic one


def _params() -> list[object]:
    out = []
    for case in ALL_CASES:
        reason = bug_reason(case.bug, engine())
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(case, id=case.name, marks=marks))
    return out


def test_case_table_is_well_formed() -> None:
    duplicates = [name for name, n in Counter(c.name for c in ALL_CASES).items() if n > 1]
    assert not duplicates, f"case names must be unique: {duplicates}"
    used = {bug_key(tag) for c in ALL_CASES for tag in c.bug.split(",") if tag}
    assert used <= set(BUGS), f"cases name unknown bug keys: {used - set(BUGS)}"
    assert set(BUGS) <= used, f"no case names these bug keys any more, drop them: {set(BUGS) - used}"
    assert len(CASES) >= 200
    assert len(GENERATED) >= 2000


@pytest.mark.parametrize("case", _params())
def test_same_answer_as_pocketbase(pair, case: Case) -> None:
    pb = pair.pocketbase.send(case)
    roost = pair.roost.send(case)
    problem = mismatch(case, pb, roost)
    where = f"{case.method} /api/collections/{case.collection}/records{case.path} {case.params} as {case.who}"
    assert problem is None, f"{where}: {problem}"
