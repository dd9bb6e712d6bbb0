"""OAuth2 / OpenID Connect sign-in against a real provider (oidc-provider in node): auth-methods,
the code exchange, account creation and linking through `_externalAuths`, and the errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import ID_RE, error_shape, make_user
from tests.oidc_provider import REDIRECT_URI, OIDCProvider, run_provider, sign_in

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def oidc() -> Iterator[OIDCProvider]:
    with run_provider() as provider:
        yield provider


async def enable_oidc(client: httpx.AsyncClient, su: dict[str, str], oidc: OIDCProvider, **opts: Any) -> None:
    providers = opts.pop("providers", [oidc.config()])
    r = await client.patch(
        "/api/collections/users",
        json={"oauth2": {"enabled": True, "providers": providers}, **opts},
        headers=su,
    )
    assert r.status_code == 200, r.text


async def provider_info(client: httpx.AsyncClient, name: str = "oidc") -> dict[str, Any]:
    r = await client.get("/api/collections/users/auth-methods")
    assert r.status_code == 200
    return next(p for p in r.json()["oauth2"]["providers"] if p["name"] == name)


async def oauth2_login(
    client: httpx.AsyncClient,
    login: str,
    name: str = "oidc",
    headers: dict[str, str] | None = None,
    **body: Any,
) -> httpx.Response:
    """auth-methods -> the provider's login and consent -> auth-with-oauth2, as the SDK does."""
    info = await provider_info(client, name)
    back = await sign_in(info["authURL"] + REDIRECT_URI, login)
    assert back["state"] == info["state"]
    return await client.post(
        "/api/collections/users/auth-with-oauth2",
        json={
            "provider": name,
            "code": back["code"],
            "codeVerifier": info["codeVerifier"],
            "redirectURL": REDIRECT_URI,
            **body,
        },
        headers=headers or {},
    )


async def test_auth_methods_lists_the_provider_as_pocketbase(client, su, oidc):
    await enable_oidc(client, su, oidc)
    r = await client.get("/api/collections/users/auth-methods")
    body = r.json()
    assert body["oauth2"]["enabled"] is True
    [p] = body["oauth2"]["providers"]
    assert list(p) == [
        "name",
        "displayName",
        "logo",
        "state",
        "authURL",
        "authUrl",
        "codeVerifier",
        "codeChallenge",
        "codeChallengeMethod",
    ]
    assert p["displayName"] == "OIDC" and p["logo"].startswith("<svg")
    assert len(p["state"]) == 30 and len(p["codeVerifier"]) == 43 and p["codeChallengeMethod"] == "S256"
    assert p["authURL"] == (
        f"{oidc.auth_url}?client_id={oidc.client_id}&code_challenge={p['codeChallenge']}"
        f"&code_challenge_method=S256&response_type=code&scope=openid+email+profile&state={p['state']}"
        "&redirect_uri="
    )
    assert body["authProviders"] == [{**p, "logo": ""}]
    # the secret is write-only
    r = await client.get("/api/collections/users", headers=su)
    assert "clientSecret" not in r.json()["oauth2"]["providers"][0]
    assert r.json()["oauth2"]["providers"][0] == {
        "pkce": None,
        "name": "oidc",
        "clientId": oidc.client_id,
        "authURL": oidc.auth_url,
        "tokenURL": oidc.token_url,
        "userInfoURL": oidc.userinfo_url,
        "displayName": "",
        "extra": {},
    }


async def test_new_account_from_oidc(client, su, oidc):
    await enable_oidc(client, su, oidc)
    r = await oauth2_login(client, "alice", createData={"emailVisibility": True})
    assert r.status_code == 200, r.text
    body = r.json()
    rec, meta = body["record"], body["meta"]
    assert rec["email"] == "alice@example.com" and rec["verified"] is True
    assert rec["name"] == "User alice" and rec["emailVisibility"] is True
    assert ID_RE.match(rec["id"])
    assert meta["isNew"] is True and meta["id"] == "alice" and meta["email"] == "alice@example.com"
    assert meta["username"] == "alice" and meta["name"] == "User alice"
    assert meta["avatarURL"] == meta["avatarUrl"] and meta["accessToken"]
    assert meta["rawUser"]["sub"] == "alice"
    assert list(meta) == sorted(meta)
    # the avatar URL points at a loopback address: never downloaded (as PocketBase refuses it)
    assert rec["avatar"] == ""
    # the link is stored, and the owner may list it
    r = await client.get("/api/collections/_externalAuths/records", headers={"Authorization": body["token"]})
    [link] = r.json()["items"]
    assert link["provider"] == "oidc" and link["providerId"] == "alice" and link["recordRef"] == rec["id"]
    # a second sign-in finds the same account through the link
    r = await oauth2_login(client, "alice")
    assert (
        r.status_code == 200 and r.json()["record"]["id"] == rec["id"] and r.json()["meta"]["isNew"] is False
    )


async def test_id_token_claims_without_userinfo_url(client, su, oidc):
    await enable_oidc(client, su, oidc, providers=[oidc.config("oidc2", userinfo=False)])
    r = await oauth2_login(client, "bob", name="oidc2")
    assert r.status_code == 200, r.text
    assert r.json()["record"]["email"] == "bob@example.com"
    assert r.json()["meta"]["rawUser"]["aud"] == oidc.client_id


async def test_existing_verified_account_is_linked_by_email(client, su, oidc):
    await enable_oidc(client, su, oidc)
    user, _ = await make_user(client, "carol@example.com")
    r = await oauth2_login(client, "carol")
    assert r.status_code == 200, r.text
    assert r.json()["record"]["id"] == user["id"] and r.json()["meta"]["isNew"] is False
    # it was unverified: the provider vouches for the email, so it is now verified, and its
    # password was replaced (someone else may have registered it)
    assert r.json()["record"]["verified"] is True
    r = await client.post(
        "/api/collections/users/auth-with-password",
        json={"identity": "carol@example.com", "password": "password123"},
    )
    assert r.status_code == 400


async def test_logged_in_user_links_a_provider(client, su, oidc):
    await enable_oidc(client, su, oidc)
    user, token = await make_user(client, "dave@example.com")
    r = await oauth2_login(client, "someone-else", headers={"Authorization": token})
    assert r.status_code == 200, r.text
    assert r.json()["record"]["id"] == user["id"]
    # the logged-in owner keeps the password; the email is not the provider's, so no verification
    assert r.json()["record"]["verified"] is False
    r = await client.post(
        "/api/collections/users/auth-with-password",
        json={"identity": "dave@example.com", "password": "password123"},
    )
    assert r.status_code == 200


async def test_unverified_provider_email_is_not_used(client, su, oidc):
    await enable_oidc(client, su, oidc)
    # the provider does not vouch for the email: it is not taken, and users need one
    r = await oauth2_login(client, "unverified-eve")
    assert r.status_code == 400
    assert r.json() == {
        "data": {"email": {"code": "validation_required", "message": "Cannot be blank."}},
        "message": "Failed to create record.",
        "status": 400,
    }
    r = await oauth2_login(client, "unverified-eve", createData={"email": "eve@example.com"})
    assert r.status_code == 200, r.text
    assert r.json()["record"]["email"] == "eve@example.com" and r.json()["record"]["verified"] is False
    assert r.json()["meta"]["email"] == "" and r.json()["meta"]["rawUser"]["email_verified"] is False


async def test_create_rule_applies_to_new_accounts(client, su, oidc):
    await enable_oidc(client, su, oidc, createRule=None)
    r = await oauth2_login(client, "frank")
    assert r.status_code == 403
    error_shape(r.json(), 403)


async def test_errors(client, su, oidc):
    r = await client.post("/api/collections/users/auth-with-oauth2", json={"provider": "oidc", "code": "x"})
    assert r.status_code == 403
    assert r.json()["message"] == "The collection is not configured to allow OAuth2 authentication."
    await enable_oidc(client, su, oidc)
    r = await client.post("/api/collections/users/auth-with-oauth2", json={})
    assert r.status_code == 400
    assert r.json() == {
        "data": {
            "code": {"code": "validation_required", "message": "Cannot be blank."},
            "provider": {"code": "validation_required", "message": "Cannot be blank."},
        },
        "message": "An error occurred while loading the submitted data.",
        "status": 400,
    }
    r = await client.post("/api/collections/users/auth-with-oauth2", json={"provider": "github", "code": "x"})
    assert r.json()["data"] == {
        "provider": {
            "code": "validation_invalid_provider",
            "message": "Provider with name github is missing or is not enabled.",
            "params": {"name": "github"},
        }
    }
    r = await client.post(
        "/api/collections/users/auth-with-oauth2", json={"provider": "x" * 101, "code": "1"}
    )
    assert r.json()["data"] == {
        "provider": {
            "code": "validation_length_too_long",
            "message": "The length must be no more than 100.",
            "params": {"max": 100, "min": 0},
        }
    }
    r = await client.post("/api/collections/users/auth-with-oauth2", json={"provider": "oidc", "code": 1})
    assert r.json() == {
        "data": {},
        "message": "An error occurred while loading the submitted data.",
        "status": 400,
    }
    r = await client.post(
        "/api/collections/users/auth-with-oauth2",
        json={"provider": "oidc", "code": "bogus", "redirectURL": REDIRECT_URI},
    )
    assert r.status_code == 400
    assert r.json() == {"data": {}, "message": "Failed to fetch OAuth2 token.", "status": 400}
    r = await client.post("/api/collections/posts/auth-with-oauth2", json={})
    assert r.status_code == 404


async def test_provider_definition_errors(client, su, oidc):
    r = await client.patch(
        "/api/collections/users",
        json={"oauth2": {"enabled": True, "providers": [{"name": "nope", "authURL": "notaurl"}]}},
        headers=su,
    )
    assert r.status_code == 400
    assert r.json()["message"] == "Failed to update collection."
    assert r.json()["data"] == {
        "oauth2": {
            "providers": {
                "0": {
                    "name": {
                        "code": "validation_missing_provider",
                        "message": "Invalid or missing provider with name nope.",
                        "params": {"name": "nope"},
                    },
                    "clientId": {"code": "validation_required", "message": "Cannot be blank."},
                    "clientSecret": {"code": "validation_required", "message": "Cannot be blank."},
                    "authURL": {"code": "validation_is_url", "message": "Must be a valid URL."},
                }
            }
        }
    }
    r = await client.patch(
        "/api/collections/users",
        json={"oauth2": {"enabled": True, "providers": [oidc.config(), oidc.config()]}},
        headers=su,
    )
    assert r.json()["data"] == {
        "oauth2": {
            "providers": {
                "1": {
                    "name": {
                        "code": "validation_duplicated_provider",
                        "message": "The provider oidc is already registered.",
                        "params": {"name": "oidc"},
                    }
                }
            }
        }
    }
    # an edit without the write-only secret keeps it
    await enable_oidc(client, su, oidc)
    edited = {k: v for k, v in oidc.config().items() if k != "clientSecret"}
    await enable_oidc(client, su, oidc, providers=[{**edited, "displayName": "Company SSO"}])
    assert (await provider_info(client))["displayName"] == "Company SSO"
    r = await oauth2_login(client, "grace")
    assert r.status_code == 200, r.text


async def test_oauth2_providers_list(client, su):
    r = await client.get("/api/collections/meta/oauth2-providers")
    assert r.json() == {
        "data": {},
        "message": "The request requires valid record authorization token.",
        "status": 401,
    }
    r = await client.get("/api/collections/meta/oauth2-providers", headers=su)
    assert r.status_code == 200
    # PocketBase's 32 providers, its order, names and logos (read off the 0.40.6 binary)
    assert r.json() == json.loads((Path(__file__).parent / "data" / "pb_oauth2_providers.json").read_text())


PB_NAMED_URLS = json.loads((Path(__file__).parent / "data" / "pb_named_provider_urls.json").read_text())


async def test_named_providers_authorization_urls_as_pocketbase(client, su):
    """Every provider with default URLs (mailcow has none), as the binary writes its authURL."""
    names = list(PB_NAMED_URLS)
    providers = [{"name": n, "clientId": f"cid-{n}", "clientSecret": "s"} for n in names]
    r = await client.patch(
        "/api/collections/users", json={"oauth2": {"enabled": True, "providers": providers}}, headers=su
    )
    assert r.status_code == 200, r.text
    r = await client.get("/api/collections/users/auth-methods")
    for p in r.json()["oauth2"]["providers"]:
        url = p["authURL"].replace(p["state"], "{STATE}")
        if p["codeChallenge"]:  # PKCE (bitbucket, linear and vk go without)
            url = url.replace(p["codeChallenge"], "{CHALLENGE}")
        assert url == PB_NAMED_URLS[p["name"]], p["name"]
    assert [p["name"] for p in r.json()["oauth2"]["providers"]] == names


async def test_named_provider_token_exchange(client, su, oidc):
    # Google reads the standard claims of its userinfo endpoint: pointed at the local provider,
    # the whole exchange runs through the google provider's own code
    google = {**oidc.config(), "name": "google"}
    await enable_oidc(client, su, oidc, providers=[google])
    info = await provider_info(client, "google")
    assert info["displayName"] == "Google"
    # the local provider knows the OpenID scopes, not Google's own
    google_scopes = "scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fuserinfo.profile+https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fuserinfo.email"
    assert google_scopes in info["authURL"]
    url = info["authURL"].replace(google_scopes, "scope=openid+email+profile")
    back = await sign_in(url + REDIRECT_URI, "gina")
    r = await client.post(
        "/api/collections/users/auth-with-oauth2",
        json={
            "provider": "google",
            "code": back["code"],
            "codeVerifier": info["codeVerifier"],
            "redirectURL": REDIRECT_URI,
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["record"]["email"] == "gina@example.com" and r.json()["meta"]["id"] == "gina"
    r = await client.get("/api/collections/_externalAuths/records", headers=su)
    assert [(i["provider"], i["providerId"]) for i in r.json()["items"]] == [("google", "gina")]


@pytest.mark.parametrize("name", ["oidc", "oidc2", "oidc3"])
async def test_id_token_signature_checked_against_the_jwks_url(client, su, oidc, name):
    """`extra.jwksURL`: the id_token's signature is checked with the provider's published key,
    for each of the three generic providers, end to end against the real OIDC provider."""
    cfg = {**oidc.config(name, userinfo=False), "extra": {"jwksURL": f"{oidc.issuer}/jwks"}}
    await enable_oidc(client, su, oidc, providers=[cfg])
    r = await oauth2_login(client, f"judy{name}", name)
    assert r.status_code == 200, r.text
    assert r.json()["meta"]["id"] == f"judy{name}"
    assert r.json()["record"]["email"] == f"judy{name}@example.com"
    r = await client.get("/api/collections/_externalAuths/records", headers=su)
    assert [(i["provider"], i["providerId"]) for i in r.json()["items"]] == [(name, f"judy{name}")]
    # a key set without the token's key: refused
    cfg["extra"] = {"jwksURL": f"{oidc.issuer}/.well-known/openid-configuration"}
    await enable_oidc(client, su, oidc, providers=[cfg])
    r = await oauth2_login(client, "judy", name)
    assert r.json() == {"data": {}, "message": "Failed to fetch OAuth2 user.", "status": 400}


async def test_issuers_are_checked(client, su, oidc):
    # the issuers check is done: a token from another issuer is refused
    cfg = {**oidc.config("oidc", userinfo=False), "extra": {"issuers": ["https://elsewhere.example"]}}
    await enable_oidc(client, su, oidc, providers=[cfg])
    r = await oauth2_login(client, "ivan")
    assert r.json() == {"data": {}, "message": "Failed to fetch OAuth2 user.", "status": 400}
    cfg["extra"] = {"issuers": [oidc.issuer]}
    await enable_oidc(client, su, oidc, providers=[cfg])
    r = await oauth2_login(client, "ivan")
    assert r.status_code == 200, r.text
