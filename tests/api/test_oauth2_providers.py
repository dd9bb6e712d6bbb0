"""Every named OAuth2 provider's sign-in through Roost's real HTTP code, against a local server
that plays the provider (tests/oauth2_playback.py): the code exchange, the user-info request
(method, headers, GraphQL body) and the mapping to PocketBase's AuthUser, pinned in
tests/oauth2_cases.py (the differential suite checks the same cases against PocketBase)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from roost.oauth2 import PROVIDERS
from tests.oauth2_cases import (
    CASES,
    ID_TOKEN_CASES,
    ID_TOKEN_REFUSED,
    REFUSED,
    Case,
    check_requests,
    created_email,
    expected_meta,
    sign_in,
)
from tests.oauth2_playback import Playback, run_playback

pytestmark = pytest.mark.anyio

PB_PROVIDERS = json.loads((Path(__file__).parent / "data" / "pb_oauth2_providers.json").read_text())


@pytest.fixture(scope="module")
def playback() -> Iterator[Playback]:
    with run_playback() as server:
        yield server


def test_every_pocketbase_provider_has_a_case():
    named = {p["name"] for p in PB_PROVIDERS} - {"oidc", "oidc2", "oidc3", "apple"}
    assert {c.provider for c in CASES} == named  # apple and oidc: test_oauth2_id_tokens.py
    assert set(PROVIDERS) == {p["name"] for p in PB_PROVIDERS}


@pytest.mark.parametrize("case", CASES + ID_TOKEN_CASES, ids=lambda c: c.id)
async def test_provider_sign_in_maps_the_user_as_pocketbase(client, su, playback, case: Case):
    r = await sign_in(client, su, playback, case)
    assert r.status_code == 200, r.text
    assert r.json()["meta"] == expected_meta(case, playback)
    record = r.json()["record"]
    assert record["email"] == (case.expected["email"] or created_email(case))
    assert record["name"] == case.expected["name"]
    check_requests(playback, case)
    # the same provider account signs in to the same record again
    again = await sign_in(client, su, playback, case)
    assert again.status_code == 200 and again.json()["record"]["id"] == record["id"]
    assert again.json()["meta"]["isNew"] is False


@pytest.mark.parametrize("case", REFUSED + ID_TOKEN_REFUSED, ids=lambda c: c.id)
async def test_provider_refusing_the_account_answers_400(client, su, playback, case: Case):
    r = await sign_in(client, su, playback, case)
    assert r.json() == {"data": {}, "message": "Failed to fetch OAuth2 user.", "status": 400}
    r = await client.get("/api/collections/users/records", headers=su)
    assert r.json()["items"] == []


async def test_user_info_error_answers_400(client, su, playback):
    """The provider's user-info endpoint failing is PocketBase's 400, and no account is made."""
    case = next(c for c in CASES if c.provider == "twitch")

    async def failing(http, su, playback, case):
        r = await sign_in(http, su, playback, case)  # configures the provider and signs in once
        assert r.status_code == 200
        playback.routes[case.user_info_path()] = (500, {"error": "down"})
        return await http.post(
            "/api/collections/users/auth-with-oauth2",
            json={
                "provider": "twitch",
                "code": "c",
                "codeVerifier": "v" * 43,
                "redirectURL": "http://127.0.0.1:1/cb",
            },
        )

    r = await failing(client, su, playback, case)
    assert r.json() == {"data": {}, "message": "Failed to fetch OAuth2 user.", "status": 400}


async def test_microsoft_id_token_email_claim_asks_for_openid(client, su, playback):
    """As the binary: with `idTokenEmailClaim` set, Microsoft's scopes gain `openid`."""
    case = next(c for c in ID_TOKEN_CASES if c.provider == "microsoft")
    await sign_in(client, su, playback, case)
    r = await client.get("/api/collections/users/auth-methods")
    (provider,) = r.json()["oauth2"]["providers"]
    assert "&scope=User.Read+openid&" in provider["authURL"]
