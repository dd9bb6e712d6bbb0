"""One PocketBase 0.40.6 and one Roost per test session, seeded identically through the HTTP API.

Roost runs on SQLite, or on a fresh PostgreSQL schema when ROOST_TEST_DB is set. Without the
`pocketbase` binary every differential test is skipped, with the reason."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from tests.conftest import drop_db_url, new_db_url
from tests.differential.runner import Target
from tests.differential.seed import Seeder
from tests.differential.servers import find_pocketbase, start_pair


@dataclass
class Pair:
    pocketbase: Target
    roost: Target
    seed_failures: dict[str, list[str]]


def _seed(url: str) -> Seeder:
    seeder = Seeder(url)
    try:
        seeder.seed()
    finally:
        seeder.close()
    return seeder


@pytest.fixture(scope="session")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    binary, why = find_pocketbase()
    if binary is None:
        pytest.skip(f"differential tests need PocketBase: {why}")
    db_url = asyncio.run(new_db_url())
    base = str(tmp_path_factory.mktemp("differential"))
    pb, roost = start_pair(base, binary, db_url)
    try:
        with ThreadPoolExecutor(2) as pool:
            pb_seed, roost_seed = pool.map(_seed, (pb.url, roost.url))
        targets = (
            Target("pocketbase", pb.url, pb_seed.tokens),
            Target("roost", roost.url, roost_seed.tokens),
        )
        yield Pair(*targets, {"pocketbase": pb_seed.failed_steps, "roost": roost_seed.failed_steps})
        for t in targets:
            t.close()
    finally:
        pb.stop()
        roost.stop()
        asyncio.run(drop_db_url(db_url))
