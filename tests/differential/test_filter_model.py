"""The pure-Python model of PocketBase's filter semantics (tests/filter_eval.py) agrees with the real
PocketBase 0.40.6, so the property tests that hold Roost to that model hold it to PocketBase.

Random filters here use the whole generator, including the constructs the Roost property test
avoids because of known Roost divergences, and the minimal examples of those divergences are
checked too: what the model expects of them is what PocketBase does."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.unit.filter import test_properties as props
from tests.unit.filter.test_properties import KNOWN, World, batch_records, expected, filters, scoped, worlds

pytestmark = pytest.mark.filterwarnings("ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning")
EXAMPLES = int(os.environ.get("ROOST_MODEL_EXAMPLES", "120"))
_batches = itertools.count(1)


@pytest.fixture(scope="module")
def pocketbase(pair: Any) -> Any:
    http, headers = pair.pocketbase.http, {"Authorization": pair.pocketbase.tokens["su"]}
    ids: dict[str, str] = {}
    for spec in props.COLLECTIONS:
        spec = {
            **spec,
            "fields": [
                {**f, "collectionId": ids[f["collectionId"][1:]]} if "collectionId" in f else f
                for f in spec["fields"]
            ],
        }
        r = http.post("/api/collections", json=spec, headers=headers)
        assert r.status_code == 200, r.text
        ids[spec["name"]] = r.json()["id"]
    return http, headers


@pytest.fixture
def whole_generator() -> Iterator[None]:
    """Generate everything, the constructs Roost is known to get wrong included."""
    saved = dict(props.AVOID)
    props.AVOID.clear()
    try:
        yield
    finally:
        props.AVOID.update(saved)


def check(pocketbase: Any, world: World, flt: str) -> None:
    http, headers = pocketbase
    batch = f"m{next(_batches):05d}"
    refs, items = batch_records(batch, world)
    for name, rows in (("refs", refs), ("items", items)):
        for rec in rows:
            r = http.post(f"/api/collections/{name}/records", json=rec, headers=headers)
            assert r.status_code == 200, r.text
    r = http.get(
        "/api/collections/items/records",
        params={"filter": scoped(batch, flt), "perPage": 1000, "fields": "id"},
        headers=headers,
    )
    want = expected(refs, items, flt)
    where = f"filter {flt!r} over items {items} and refs {refs}"
    if want is None:
        assert r.status_code == 400, f"{where}: the model rejects it, PocketBase answers {r.status_code}"
    else:
        assert r.status_code == 200, f"{where}: PocketBase answers {r.status_code} {r.text}"
        got = {item["id"] for item in r.json()["items"]}
        assert got == want, f"{where}: PocketBase matches {sorted(got)}, the model {sorted(want)}"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds(), flt=filters())
def test_model_matches_pocketbase(pocketbase: Any, whole_generator: None, world: World, flt: str) -> None:
    check(pocketbase, world, flt)


@pytest.mark.parametrize("key, world, flt", [pytest.param(*k, id=k[0]) for k in KNOWN])
def test_model_matches_pocketbase_on_known_divergences(
    pocketbase: Any, key: str, world: World, flt: str
) -> None:
    check(pocketbase, world, flt)
