"""The OAuth2 providers Roost knows, one module each: endpoints, scopes, PKCE default and how
the provider's user reads into PocketBase's AuthUser (PocketBase's tools/auth, provider by
provider). A collection's provider config may override any URL (`authURL`, `tokenURL`,
`userInfoURL`), the display name and PKCE. `oidc`, `oidc2`, `oidc3` (generic OpenID Connect)
and `mailcow` (self-hosted) have no default URLs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roost.oauth2.providers import (
    apple,
    bitbucket,
    box,
    discord,
    facebook,
    gitea,
    gitee,
    github,
    gitlab,
    google,
    instagram,
    kakao,
    lark,
    linear,
    livechat,
    mailcow,
    microsoft,
    monday,
    notion,
    oidc,
    patreon,
    planningcenter,
    spotify,
    strava,
    trakt,
    twitch,
    twitter,
    vk,
    wakatime,
    yandex,
)
from roost.oauth2.providers.info import ProviderInfo

__all__ = ["PROVIDERS", "ProviderConfig", "ProviderInfo", "load_config"]

# in PocketBase's order (its providers' `order`), which lists and auth-methods follow
PROVIDERS: dict[str, ProviderInfo] = {
    p.name: p
    for p in (
        apple.PROVIDER,
        google.PROVIDER,
        microsoft.PROVIDER,
        yandex.PROVIDER,
        facebook.PROVIDER,
        instagram.PROVIDER,
        github.PROVIDER,
        gitlab.PROVIDER,
        bitbucket.PROVIDER,
        gitee.PROVIDER,
        gitea.PROVIDER,
        discord.PROVIDER,
        twitter.PROVIDER,
        kakao.PROVIDER,
        vk.PROVIDER,
        linear.PROVIDER,
        notion.PROVIDER,
        monday.PROVIDER,
        lark.PROVIDER,
        box.PROVIDER,
        spotify.PROVIDER,
        trakt.PROVIDER,
        twitch.PROVIDER,
        patreon.PROVIDER,
        strava.PROVIDER,
        wakatime.PROVIDER,
        livechat.PROVIDER,
        mailcow.PROVIDER,
        planningcenter.PROVIDER,
        *oidc.PROVIDERS,
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

    @property
    def scopes(self) -> tuple[str, ...]:
        scopes = self.info.scopes
        # Microsoft reads the email from the id_token when told to: that needs `openid`
        if self.name == "microsoft" and self.extra.get(microsoft.EMAIL_CLAIM) and "openid" not in scopes:
            scopes = (*scopes, "openid")
        return scopes


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
