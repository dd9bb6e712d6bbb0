"""Roost answers the generated literal/affinity cases (generated_literals.py) exactly as PocketBase.

A case Roost is known to get wrong is a strict xfail; `generated_literals.bug_for` names its cause."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import engine
from tests.differential.cases import Case
from tests.differential.generated_literals import CASES, LITERAL_BUGS, bug_for, seed_kinds
from tests.differential.runner import mismatch


@pytest.fixture(scope="module")
def kinds(pair: Any) -> Iterator[Any]:
    for target in (pair.pocketbase, pair.roost):
        seed_kinds(str(target.http.base_url), target.tokens["su"])
    yield pair


def _params() -> list[object]:
    out = []
    for case in CASES:
        key = bug_for(case, engine())
        marks = [pytest.mark.xfail(strict=True, reason=f"[{key}] {LITERAL_BUGS[key]}")] if key else []
        out.append(pytest.param(case, id=case.name, marks=marks))
    return out


def test_generated_cases_are_well_formed() -> None:
    assert len(CASES) > 1000
    duplicates = [name for name, n in Counter(c.name for c in CASES).items() if n > 1]
    assert not duplicates, f"case names must be unique: {duplicates}"


@pytest.mark.parametrize("case", _params())
def test_same_answer_as_pocketbase(kinds: Any, case: Case) -> None:
    pb = kinds.pocketbase.send(case)
    roost = kinds.roost.send(case)
    problem = mismatch(case, pb, roost)
    assert problem is None, f"{case.params} as {case.who}: {problem}"
