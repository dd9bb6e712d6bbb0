"""The OAuth2 provider cases of tests/oauth2_cases.py run through the PocketBase 0.40.6 binary,
against the same provider-playing server: the binary answers the `meta` Roost's tests pin
(tests/api/test_oauth2_providers.py), so each provider's mapping is PocketBase's. Cases where
Roost deliberately differs (`parity=False`) are left out here."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import httpx
import pytest

from tests.differential.servers import SU_EMAIL, SU_PASSWORD, Server, find_pocketbase
from tests.oauth2_cases import CASES, ID_TOKEN_CASES, ID_TOKEN_REFUSED, REFUSED, Case, expected_meta, sign_in
from tests.oauth2_playback import Playback, run_playback


@pytest.fixture(scope="module")
def pocketbase(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    binary, why = find_pocketbase()
    if binary is None:
        pytest.skip(f"differential tests need PocketBase: {why}")
    data = str(tmp_path_factory.mktemp("oauth2_parity") / "pb_data")
    os.makedirs(data)
    server = Server("pocketbase", [binary], data, ["--dir", data])
    server.upsert_superuser(SU_EMAIL, SU_PASSWORD)
    server.start()
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def playback() -> Iterator[Playback]:
    with run_playback() as server:
        yield server


def _run(server: Server, playback: Playback, case: Case) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(base_url=server.url, timeout=20) as http:
            r = await http.post(
                "/api/collections/_superusers/auth-with-password",
                json={"identity": SU_EMAIL, "password": SU_PASSWORD},
            )
            return await sign_in(http, {"Authorization": r.json()["token"]}, playback, case)

    return asyncio.run(go())


@pytest.mark.parametrize("case", [c for c in CASES + ID_TOKEN_CASES if c.parity], ids=lambda c: c.id)
def test_pocketbase_maps_the_provider_user_as_pinned(pocketbase, playback, case: Case):
    r = _run(pocketbase, playback, case)
    assert r.status_code == 200, r.text
    assert r.json()["meta"] == expected_meta(case, playback)


@pytest.mark.parametrize("case", [c for c in REFUSED + ID_TOKEN_REFUSED if c.parity], ids=lambda c: c.id)
def test_pocketbase_refuses_the_account_as_pinned(pocketbase, playback, case: Case):
    r = _run(pocketbase, playback, case)
    assert r.json() == {"data": {}, "message": "Failed to fetch OAuth2 user.", "status": 400}
