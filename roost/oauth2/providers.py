"""The OAuth2 providers Roost knows: their endpoints, scopes and how their user info reads.

The URL table is PocketBase's (tools/auth); a collection's provider config may override any
URL (`authURL`, `tokenURL`, `userInfoURL`), the display name and PKCE. `oidc`, `oidc2` and
`oidc3` are generic OpenID Connect providers with no default URLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from roost.oauth2.logos import LOGOS


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    name: str
    display_name: str
    auth_url: str = ""
    token_url: str = ""
    user_info_url: str = ""
    scopes: tuple[str, ...] = ()
    pkce: bool = True
    logo: str = ""
    # how the user info reads: "oidc" (standard claims), or the provider's own name
    kind: str = "oidc"
    extra_params: dict[str, str] = field(default_factory=dict)


_OIDC_SCOPES = ("openid", "email", "profile")


def _p(
    name: str, display: str, auth: str, token: str, info: str, scopes: tuple[str, ...], kind: str
) -> ProviderInfo:
    return ProviderInfo(name, display, auth, token, info, scopes, True, LOGOS.get(name, ""), kind)


PROVIDERS: dict[str, ProviderInfo] = {
    p.name: p
    for p in (
        ProviderInfo(
            "apple",
            "Apple",
            "https://appleid.apple.com/auth/authorize",
            "https://appleid.apple.com/auth/token",
            "",
            ("name", "email"),
            True,
            LOGOS["apple"],
            "apple",
            {"response_mode": "form_post"},
        ),
        _p(
            "google",
            "Google",
            "https://accounts.google.com/o/oauth2/v2/auth",
            "https://oauth2.googleapis.com/token",
            "https://www.googleapis.com/oauth2/v3/userinfo",
            (
                "https://www.googleapis.com/auth/userinfo.profile",
                "https://www.googleapis.com/auth/userinfo.email",
            ),
            "google",
        ),
        _p(
            "microsoft",
            "Microsoft",
            "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
            "https://login.microsoftonline.com/common/oauth2/v2.0/token",
            "https://graph.microsoft.com/v1.0/me",
            ("User.Read",),
            "microsoft",
        ),
        _p(
            "facebook",
            "Facebook",
            "https://www.facebook.com/v3.2/dialog/oauth",
            "https://graph.facebook.com/v3.2/oauth/access_token",
            "https://graph.facebook.com/me?fields=name,email,picture.type(large)",
            ("email",),
            "facebook",
        ),
        _p(
            "github",
            "GitHub",
            "https://github.com/login/oauth/authorize",
            "https://github.com/login/oauth/access_token",
            "https://api.github.com/user",
            ("read:user", "user:email"),
            "github",
        ),
        _p(
            "gitlab",
            "GitLab",
            "https://gitlab.com/oauth/authorize",
            "https://gitlab.com/oauth/token",
            "https://gitlab.com/api/v4/user",
            ("read_user",),
            "gitlab",
        ),
        _p(
            "discord",
            "Discord",
            "https://discord.com/api/oauth2/authorize",
            "https://discord.com/api/oauth2/token",
            "https://discord.com/api/users/@me",
            ("identify", "email"),
            "discord",
        ),
        *(
            ProviderInfo(name, "OIDC", scopes=_OIDC_SCOPES, logo=LOGOS["oidc"], kind="oidc")
            for name in ("oidc", "oidc2", "oidc3")
        ),
    )
}


@dataclass(slots=True)
class ProviderConfig:
    """One provider as a collection configures it (its `oauth2.providers[]` entry) over the
    defaults of PROVIDERS."""

    info: ProviderInfo
    client_id: str
    client_secret: str
    auth_url: str
    token_url: str
    user_info_url: str
    display_name: str
    pkce: bool
    extra: dict[str, Any]

    @property
    def name(self) -> str:
        return self.info.name


def load_config(raw: dict[str, Any]) -> ProviderConfig | None:
    """The config of a collection's provider entry, or None for an unknown provider name."""
    info = PROVIDERS.get(str(raw.get("name") or ""))
    if info is None:
        return None
    pkce = raw.get("pkce")
    extra = raw.get("extra")
    return ProviderConfig(
        info=info,
        client_id=str(raw.get("clientId") or ""),
        client_secret=str(raw.get("clientSecret") or ""),
        auth_url=str(raw.get("authURL") or "") or info.auth_url,
        token_url=str(raw.get("tokenURL") or "") or info.token_url,
        user_info_url=str(raw.get("userInfoURL") or "") or info.user_info_url,
        display_name=str(raw.get("displayName") or "") or info.display_name,
        pkce=info.pkce if pkce is None else bool(pkce),
        extra=dict(extra) if isinstance(extra, dict) else {},
    )
