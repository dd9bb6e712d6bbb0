"""One sign-in per OAuth2 provider, played by tests/oauth2_playback.py: the user-info payloads
each provider's API documents (the shapes PocketBase's provider structs read), and the AuthUser
PocketBase 0.40.6 makes of them (`meta` of auth-with-oauth2). test_oauth2_providers.py runs
them through Roost; tests/differential/test_oauth2_parity.py runs the same ones through the
PocketBase binary, which answers the same `meta`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from roost.oauth2.context import decode_claims
from tests.oauth2_playback import JWKS_PATH, TOKEN_PATH, Playback

CLIENT_ID = "cid-playback"
REDIRECT = "http://127.0.0.1:1/cb"
VERIFIER = "v" * 43


@dataclass
class Case:
    provider: str
    routes: dict[str, Any]  # path (the first one is the user-info URL) -> JSON payload
    expected: dict[str, str]  # id, name, username, email, avatarURL
    token: dict[str, Any] = field(default_factory=dict)  # extra fields of the token response
    extra: dict[str, Any] = field(default_factory=dict)  # the provider config's `extra`
    raw_extra: dict[str, Any] = field(default_factory=dict)  # what the raw user gains
    headers: dict[str, str] = field(default_factory=dict)  # sent to the user-info URL
    body_has: str = ""  # the user-info request's body contains this (GraphQL queries)
    label: str = ""
    # an id_token in the token response, signed by the playback server: its claims (`aud`
    # defaults to the client id), and whether the key is one its JWKS does not publish
    id_token: dict[str, Any] | None = None
    unpublished_key: bool = False
    # False where Roost deliberately answers otherwise than the 0.40.6 binary (docs/oauth2.md)
    parity: bool = True

    @property
    def id(self) -> str:
        return self.label or self.provider

    def user_info_path(self) -> str:
        return next(iter(self.routes)) if self.routes else ""


def _u(id: str = "", name: str = "", username: str = "", email: str = "", avatar: str = "") -> dict[str, str]:
    return {"id": id, "name": name, "username": username, "email": email, "avatarURL": avatar}


CASES: list[Case] = [
    Case(
        "google",
        {
            "/userinfo": {
                "sub": "g1",
                "name": "Gina",
                "email": "gina@x.io",
                "email_verified": True,
                "picture": "https://p/g.png",
            }
        },
        _u("g1", "Gina", "", "gina@x.io", "https://p/g.png"),
    ),
    Case(
        "microsoft",
        {"/me": {"id": "m1", "displayName": "Mia", "mail": "mia@x.io"}},
        _u("m1", "Mia", email="mia@x.io"),
    ),
    Case(
        "yandex",
        {
            "/info": {
                "id": "y1",
                "real_name": "Yan Dex",
                "login": "yan",
                "default_email": "yan@x.io",
                "is_avatar_empty": False,
                "default_avatar_id": "av1",
            }
        },
        _u("y1", "Yan Dex", "yan", "yan@x.io", "https://avatars.yandex.net/get-yapic/av1/islands-200"),
    ),
    Case(
        "facebook",
        {
            "/me": {
                "id": "f1",
                "name": "Fay",
                "email": "fay@x.io",
                "picture": {"data": {"url": "https://p/f.png"}},
            }
        },
        _u("f1", "Fay", "", "fay@x.io", "https://p/f.png"),
    ),
    Case(
        "instagram2",
        {
            "/me": {
                "id": "app-scoped",
                "user_id": "17841",
                "username": "inst",
                "name": "Ina",
                "account_type": "BUSINESS",
                "profile_picture_url": "https://p/i.png",
            }
        },
        _u("17841", "Ina", "inst", "", "https://p/i.png"),
        token={"permissions": "instagram_business_basic"},
        raw_extra={"permissions": "instagram_business_basic"},
    ),
    Case(
        "github",
        {
            "/user": {"id": 123, "login": "octo", "name": "Octo Cat", "avatar_url": "https://p/o.png"},
            "/user/emails": [
                {"email": "other@x.io", "verified": True, "primary": False},
                {"email": "octo@x.io", "verified": True, "primary": True},
            ],
        },
        _u("123", "Octo Cat", "octo", "octo@x.io", "https://p/o.png"),
    ),
    Case(
        "gitlab",
        {
            "/user": {
                "id": 7,
                "name": "Gil Lab",
                "username": "gil",
                "email": "gil@x.io",
                "avatar_url": "https://p/gl.png",
                "confirmed_at": "2020-01-01T00:00:00Z",
            }
        },
        _u("7", "Gil Lab", "gil", "gil@x.io", "https://p/gl.png"),
    ),
    Case(
        "bitbucket",
        {
            "/user": {
                "uuid": "{b-1}",
                "username": "bit",
                "display_name": "Bit Bucket",
                "account_status": "active",
                "links": {"avatar": {"href": "https://p/b.png"}},
            },
            "/user/emails": {
                "values": [
                    {"email": "old@x.io", "is_primary": False, "is_confirmed": True},
                    {"email": "bit@x.io", "is_primary": True, "is_confirmed": True},
                ]
            },
        },
        _u("{b-1}", "Bit Bucket", "bit", "bit@x.io", "https://p/b.png"),
    ),
    Case(
        "gitee",
        {"/api/v5/user": {"id": 56, "login": "gt2", "name": "Gitee", "email": "gt2@x.io", "avatar_url": ""}},
        _u("56", "Gitee", "gt2", "gt2@x.io"),
    ),
    Case(
        "gitee",
        {
            "/api/v5/user": {
                "id": 55,
                "login": "gt",
                "name": "Gitee T",
                "email": "",
                "avatar_url": "https://p/gt.png",
            },
            "/api/v5/emails": [
                {"email": "second@x.io", "state": "confirmed", "scope": ["committed"]},
                {"email": "gt@x.io", "state": "confirmed", "scope": ["primary", "committed"]},
            ],
        },
        _u("55", "Gitee T", "gt", "gt@x.io", "https://p/gt.png"),
        label="gitee-emails",
        parity=False,  # PocketBase always asks gitee.com for the addresses
    ),
    Case(
        "gitea",
        {
            "/user": {
                "id": 9,
                "login": "tea",
                "full_name": "Tea Pot",
                "avatar_url": "https://p/t.png",
                "active": True,
            },
            "/user/emails": [{"email": "tea@x.io", "verified": True, "primary": True}],
        },
        _u("9", "Tea Pot", "tea", "tea@x.io", "https://p/t.png"),
    ),
    Case(
        "discord",
        {
            "/users/@me": {
                "id": "80351110224678912",
                "username": "nelly",
                "discriminator": "1337",
                "global_name": None,
                "avatar": "8342729096ea3675442027381ff50dfe",
                "verified": True,
                "email": "nelly@x.io",
            }
        },
        _u(
            "80351110224678912",
            "nelly#1337",
            "nelly",
            "nelly@x.io",
            "https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png",
        ),
    ),
    Case(
        "twitter",
        {
            "/2/users/me": {
                "data": {
                    "id": "2244994945",
                    "name": "X Dev",
                    "username": "XDevelopers",
                    "profile_image_url": "https://p/x.png",
                    "confirmed_email": "xd@x.io",
                }
            }
        },
        _u("2244994945", "X Dev", "XDevelopers", "xd@x.io", "https://p/x.png"),
    ),
    Case(
        "kakao",
        {
            "/v2/user/me": {
                "id": 123456789,
                "properties": {"nickname": "kko", "profile_image": "https://p/k.png"},
                "kakao_account": {"email": "k@x.io", "is_email_valid": True, "is_email_verified": True},
            }
        },
        _u("123456789", "", "kko", "k@x.io", "https://p/k.png"),
    ),
    Case(
        "vk",
        {
            "/method/users.get": {
                "response": [
                    {
                        "id": 210700286,
                        "first_name": "Lindsey",
                        "last_name": "Stirling",
                        "screen_name": "lindseystirling",
                        "photo_max": "https://p/v.png",
                    }
                ]
            }
        },
        _u("210700286", "Lindsey Stirling", "lindseystirling", "v@x.io", "https://p/v.png"),
        token={"email": "v@x.io", "user_id": 210700286},
    ),
    Case(
        "linear",
        {
            "/graphql": {
                "data": {
                    "viewer": {
                        "id": "lin-1",
                        "displayName": "lin",
                        "name": "Lin Ear",
                        "email": "lin@x.io",
                        "avatarUrl": "https://p/lin.png",
                        "active": True,
                    }
                }
            }
        },
        _u("lin-1", "Lin Ear", "lin", "lin@x.io", "https://p/lin.png"),
        body_has="viewer { id displayName name email avatarUrl active }",
    ),
    Case(
        "notion",
        {
            "/v1/users/me": {
                "object": "user",
                "id": "bot-id",
                "type": "bot",
                "bot": {
                    "owner": {
                        "type": "user",
                        "user": {
                            "object": "user",
                            "id": "u-notion",
                            "name": "Nora",
                            "avatar_url": "https://p/n.png",
                            "type": "person",
                            "person": {"email": "nora@x.io"},
                        },
                    },
                    "workspace_name": "WS",
                },
            }
        },
        _u("u-notion", "Nora", "", "nora@x.io", "https://p/n.png"),
        headers={"notion-version": "2022-06-28"},
    ),
    Case(
        "monday",
        {
            "/v2": {
                "data": {
                    "me": {
                        "id": "42",
                        "enabled": True,
                        "name": "Mon Day",
                        "email": "mon@x.io",
                        "is_verified": True,
                        "photo_small": "https://p/m.png",
                    }
                }
            }
        },
        _u("42", "Mon Day", "", "mon@x.io", "https://p/m.png"),
        body_has="me { id enabled name email is_verified photo_small }",
    ),
    Case(
        "lark",
        {
            "/open-apis/authen/v1/user_info": {
                "code": 0,
                "msg": "success",
                "data": {
                    "union_id": "on_1",
                    "open_id": "ou_1",
                    "name": "Lark U",
                    "avatar_url": "https://p/l.png",
                    "email": "lark@x.io",
                },
            }
        },
        _u("on_1", "Lark U", "", "", "https://p/l.png"),
    ),
    Case(
        "box",
        {
            "/2.0/users/me": {
                "id": "11446498",
                "type": "user",
                "name": "Aaron Levie",
                "login": "ceo@x.io",
                "status": "active",
                "avatar_url": "https://p/box.png",
            }
        },
        _u("11446498", "Aaron Levie", "", "ceo@x.io", "https://p/box.png"),
    ),
    Case(
        "spotify",
        {
            "/v1/me": {
                "id": "sp1",
                "display_name": "Spot",
                "email": "sp@x.io",
                "images": [{"url": "https://p/s1.png", "height": 300}, {"url": "https://p/s2.png"}],
            }
        },
        _u("sp1", "Spot", "", "", "https://p/s1.png"),
    ),
    Case(
        "trakt",
        {
            "/users/settings": {
                "user": {
                    "username": "sean",
                    "name": "Sean R",
                    "ids": {"slug": "sean", "uuid": "uuid-1"},
                    "images": {"avatar": {"full": "https://p/tr.png"}},
                }
            }
        },
        _u("uuid-1", "Sean R", "sean", "", "https://p/tr.png"),
        headers={"trakt-api-key": CLIENT_ID, "trakt-api-version": "2"},
    ),
    Case(
        "twitch",
        {
            "/helix/users": {
                "data": [
                    {
                        "id": "141981764",
                        "login": "twitchdev",
                        "display_name": "TwitchDev",
                        "email": "td@x.io",
                        "profile_image_url": "https://p/tw.png",
                    }
                ]
            }
        },
        _u("141981764", "TwitchDev", "twitchdev", "td@x.io", "https://p/tw.png"),
        headers={"client-id": CLIENT_ID},
    ),
    Case(
        "patreon",
        {
            "/api/oauth2/v2/identity": {
                "data": {
                    "id": "pat1",
                    "type": "user",
                    "attributes": {
                        "email": "pat@x.io",
                        "full_name": "Pat Ron",
                        "vanity": "patron",
                        "image_url": "https://p/pat.png",
                        "is_email_verified": True,
                    },
                }
            }
        },
        _u("pat1", "Pat Ron", "patron", "pat@x.io", "https://p/pat.png"),
    ),
    Case(
        "strava",
        {
            "/api/v3/athlete": {
                "id": 134815,
                "firstname": "Ana",
                "lastname": "Str",
                "username": "anastr",
                "profile": "https://p/st.png",
            }
        },
        _u("134815", "Ana Str", "anastr", "", "https://p/st.png"),
    ),
    Case(
        "wakatime",
        {
            "/api/v1/users/current": {
                "data": {
                    "id": "wk1",
                    "display_name": "Waka",
                    "username": "waka",
                    "email": "wk@x.io",
                    "photo": "https://p/w.png",
                    "photo_public": True,
                    "is_email_confirmed": True,
                }
            }
        },
        _u("wk1", "Waka", "waka", "wk@x.io", "https://p/w.png"),
    ),
    Case(
        "livechat",
        {
            "/v2/accounts/me": {
                "account_id": "lc1",
                "name": "Live Chat",
                "email": "lc@x.io",
                "email_verified": True,
                "avatar_url": "https://p/lc.png",
            }
        },
        _u("lc1", "Live Chat", "", "lc@x.io", "https://p/lc.png"),
    ),
    Case(
        "mailcow",
        {
            "/oauth/profile": {
                "id": "mc1",
                "username": "box@mail.x.io",
                "email": "box@mail.x.io",
                "full_name": "Mail Box",
                "active": 1,
            }
        },
        _u("mc1", "Mail Box", "box", "box@mail.x.io"),
    ),
    Case(
        "planningcenter",
        {
            "/people/v2/me": {
                "data": {
                    "id": "pc1",
                    "type": "Person",
                    "attributes": {"status": "active", "name": "Plan C", "avatar": "https://p/pc.png"},
                }
            }
        },
        _u("pc1", "Plan C", "", "", "https://p/pc.png"),
        parity=False,  # the 0.40.6 binary only reads "Attributes" (its decoder is case-sensitive)
    ),
    Case(
        "planningcenter",
        {
            "/people/v2/me": {
                "data": {
                    "id": "pc2",
                    "type": "Person",
                    "Attributes": {"status": "active", "name": "Plan D", "avatar": "https://p/pd.png"},
                }
            }
        },
        _u("pc2", "Plan D", "", "", "https://p/pd.png"),
        label="planningcenter-Attributes",
    ),
]


def _ms_me(user_id: str) -> dict[str, Any]:
    return {"/me": {"id": user_id, "displayName": "Max", "mail": "graph@x.io"}}


_PAST = 1_700_000_000  # an iat long gone: the times are checked, the token is not fresh

# Microsoft's `extra.idTokenEmailClaim` (the id_token's signature is not checked, as in PocketBase)
# and the generic OIDC provider reading its id_token, its signature checked with `extra.jwksURL`
ID_TOKEN_CASES: list[Case] = [
    Case(
        "microsoft",
        _ms_me("m2"),
        _u("m2", "Max", email="primary@x.io"),
        extra={"idTokenEmailClaim": "any_verified"},
        id_token={
            "iat": _PAST,
            "exp": None,
            "verified_primary_email": "primary@x.io",
            "email": "e@x.io",
            "xms_edov": True,
        },
        label="microsoft-any_verified-primary",
    ),
    Case(
        "microsoft",
        _ms_me("m3"),
        _u("m3", "Max", email="edov@x.io"),
        extra={"idTokenEmailClaim": "any_verified"},
        id_token={"iat": _PAST, "exp": None, "email": "edov@x.io", "xms_edov": "true"},
        label="microsoft-any_verified-edov",
    ),
    Case(
        "microsoft",
        _ms_me("m4"),
        _u("m4", "Max"),
        extra={"idTokenEmailClaim": "email_and_xms_edov"},
        id_token={"iat": _PAST, "exp": None, "email": "edov@x.io", "xms_edov": False},
        label="microsoft-edov-false",
    ),
    Case(
        "microsoft",
        _ms_me("m5"),
        _u("m5", "Max", email="any@x.io"),
        extra={"idTokenEmailClaim": "email"},
        id_token={"iat": _PAST, "exp": None, "email": "any@x.io", "aud": "someone-else"},
        label="microsoft-email",
    ),
    Case(
        "microsoft",
        _ms_me("m6"),
        _u("m6", "Max"),
        extra={"idTokenEmailClaim": "verified_primary_email"},
        id_token={"iat": _PAST, "exp": None, "email": "any@x.io"},
        label="microsoft-verified_primary_email-missing",
    ),
    Case(
        "microsoft",
        _ms_me("m7"),
        _u("m7", "Max", email="graph@x.io"),
        extra={"idTokenEmailClaim": "unknown-mode"},
        id_token={"iat": _PAST, "exp": None, "email": "any@x.io"},
        label="microsoft-unknown-mode",
    ),
    Case(
        "oidc",
        {},
        _u("o1", "Olga", "olga", "olga@x.io", "https://p/o1.png"),
        id_token={
            "iss": "https://idp.example",
            "sub": "o1",
            "name": "Olga",
            "preferred_username": "olga",
            "picture": "https://p/o1.png",
            "email": "olga@x.io",
            "email_verified": True,
        },
        extra={"jwksURL": "{PLAYBACK}" + JWKS_PATH, "issuers": ["https://idp.example"]},
        label="oidc-jwks",
    ),
    # Apple: PocketBase always fetches Apple's own key set; `extra.jwksURL` points Roost elsewhere
    Case(
        "apple",
        {},
        _u("ap1", "", "", "ap@x.io"),
        id_token={
            "iss": "https://appleid.apple.com",
            "sub": "ap1",
            "email": "ap@x.io",
            "email_verified": "true",
        },
        extra={"jwksURL": "{PLAYBACK}" + JWKS_PATH},
        parity=False,
    ),
]

# refused id_tokens: another key, audience, expiry, issuer, unknown kid
ID_TOKEN_REFUSED: list[Case] = [
    Case(
        "oidc",
        {},
        {},
        id_token={"sub": "o2", "email": "o2@x.io", "email_verified": True},
        unpublished_key=True,
        extra={"jwksURL": "{PLAYBACK}" + JWKS_PATH},
        label="oidc-signed-by-another-key",
    ),
    Case(
        "oidc",
        {},
        {},
        id_token={"sub": "o3", "aud": "someone-else"},
        extra={"jwksURL": "{PLAYBACK}" + JWKS_PATH},
        label="oidc-wrong-audience",
    ),
    Case(
        "oidc",
        {},
        {},
        id_token={"sub": "o4", "iat": _PAST, "exp": _PAST + 60},
        label="oidc-expired",
    ),
    Case(
        "oidc",
        {},
        {},
        id_token={"sub": "o5", "iss": "https://evil.example"},
        extra={"issuers": ["https://idp.example"]},
        label="oidc-wrong-issuer",
    ),
    Case(
        "oidc",
        {},
        {},
        id_token={"sub": "o6"},
        extra={"jwksURL": "{PLAYBACK}/no-such-jwks"},
        label="oidc-jwks-unreachable",
    ),
    *(
        Case("apple", {}, {}, id_token=claims, unpublished_key=other, extra=extra, label=label, parity=False)
        for label, claims, other, extra in (
            (
                "apple-another-key",
                {"iss": "https://appleid.apple.com", "sub": "a"},
                True,
                {"jwksURL": "{PLAYBACK}" + JWKS_PATH},
            ),
            (
                "apple-wrong-issuer",
                {"iss": "https://idp.example", "sub": "a"},
                False,
                {"jwksURL": "{PLAYBACK}" + JWKS_PATH},
            ),
            (
                "apple-no-expiry",
                {"iss": "https://appleid.apple.com", "sub": "a", "exp": None},
                False,
                {"jwksURL": "{PLAYBACK}" + JWKS_PATH},
            ),
        )
    ),
]

# the provider refuses the account (inactive, or no entry): PocketBase's 400
REFUSED: list[Case] = [
    Case("box", {"/me": {"id": "1", "login": "a@x.io", "status": "inactive"}}, {}, label="box-inactive"),
    Case("gitea", {"/user": {"id": 1, "login": "a", "active": False}}, {}, label="gitea-inactive"),
    Case("bitbucket", {"/user": {"uuid": "{1}", "account_status": "closed"}}, {}, label="bitbucket-closed"),
    Case(
        "linear",
        {"/graphql": {"data": {"viewer": {"id": "1", "active": False}}}},
        {},
        label="linear-inactive",
    ),
    Case("monday", {"/v2": {"data": {"me": {"id": "1", "enabled": False}}}}, {}, label="monday-disabled"),
    Case("mailcow", {"/p": {"id": "1", "username": "a", "active": 0}}, {}, label="mailcow-inactive"),
    Case(
        "planningcenter",
        {"/me": {"data": {"id": "1", "attributes": {"status": "inactive"}}}},
        {},
        label="planningcenter-inactive",
    ),
    Case("twitch", {"/users": {"data": []}}, {}, label="twitch-no-user"),
    Case("vk", {"/users.get": {"response": []}}, {}, label="vk-no-user"),
]


def provider_config(playback: Playback, case: Case) -> dict[str, Any]:
    return {
        "name": case.provider,
        "clientId": CLIENT_ID,
        "clientSecret": "playback-secret",
        "authURL": f"{playback.url}/authorize",
        "tokenURL": playback.url + TOKEN_PATH,
        "userInfoURL": playback.url + case.user_info_path() if case.routes else "",
        "extra": {k: _at(playback, v) for k, v in case.extra.items()},
    }


def _at(playback: Playback, value: Any) -> Any:
    return value.replace("{PLAYBACK}", playback.url) if isinstance(value, str) else value


async def sign_in(
    http: httpx.AsyncClient, su: dict[str, str], playback: Playback, case: Case
) -> httpx.Response:
    """Configure `users` with the case's provider (avatars not downloaded), check auth-methods
    lists it, and sign in with a code the playback provider accepts."""
    token = dict(case.token)
    if case.id_token is not None:
        token["id_token"] = playback.id_token(
            {"aud": CLIENT_ID, **case.id_token}, unpublished=case.unpublished_key
        )
    playback.reset(token, case.routes)
    body = {
        "oauth2": {
            "enabled": True,
            "providers": [provider_config(playback, case)],
            "mappedFields": {"id": "", "name": "name", "username": "", "avatarURL": ""},
        }
    }
    r = await http.patch("/api/collections/users", headers=su, json=body)
    assert r.status_code == 200, r.text
    r = await http.get("/api/collections/users/auth-methods")
    listed = [p["name"] for p in r.json()["oauth2"]["providers"]]
    assert listed == [case.provider], listed
    body = {"provider": case.provider, "code": "code-1", "codeVerifier": VERIFIER, "redirectURL": REDIRECT}
    if case.expected and not case.expected["email"]:
        # no address from the provider: the new account needs one (PocketBase refuses it without)
        body["createData"] = {"email": created_email(case)}
    return await http.post("/api/collections/users/auth-with-oauth2", json=body)


def created_email(case: Case) -> str:
    return f"{case.id.lower()}@created.test"


def check_requests(playback: Playback, case: Case) -> None:
    """What the provider saw: the code exchanged once, the user info asked with the access token."""
    (token_req,) = playback.requests_to(TOKEN_PATH)
    assert token_req.form()["code"] == "code-1"
    if not case.routes:
        return  # the user is the id_token
    info = playback.requests_to(case.user_info_path())
    assert info and info[0].headers["authorization"] == "Bearer at-123"
    for name, value in case.headers.items():
        assert info[0].headers.get(name) == value, name
    if case.body_has:
        assert info[0].method == "POST" and case.body_has in info[0].body.decode()


def expected_meta(case: Case, playback: Playback) -> dict[str, Any]:
    if case.routes:
        raw = {**case.routes[case.user_info_path()], **case.raw_extra}
    else:  # the claims of the id_token the playback server issued
        raw = decode_claims(playback.token["id_token"])
    return {
        **case.expected,
        "avatarUrl": case.expected["avatarURL"],
        "rawUser": raw,
        "accessToken": "at-123",
        "refreshToken": "",
        "expiry": "",
        "isNew": True,
    }
