"""Bitbucket: /2.0/user (an active account only), and the primary confirmed address from
/2.0/user/emails."""

from __future__ import annotations

from roost.oauth2.context import UserContext, dig, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser, OAuth2Error


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    if raw.get("account_status") != "active":
        raise OAuth2Error("the Bitbucket account is not active")
    user = ctx.user(
        raw,
        id=s(raw.get("uuid")),
        name=s(raw.get("display_name")),
        username=s(raw.get("username")),
        avatar_url=s(dig(raw, "links", "avatar", "href")),
    )
    emails = await ctx.fetch(ctx.cfg.user_info_url + "/emails", missing_ok=True)
    for item in dig(emails, "values") or []:
        if isinstance(item, dict) and item.get("is_primary") is True and item.get("is_confirmed") is True:
            user.email = s(item.get("email"))
            break
    return user


PROVIDER = ProviderInfo(
    "bitbucket",
    "Bitbucket",
    read_user,
    "https://bitbucket.org/site/oauth2/authorize",
    "https://bitbucket.org/site/oauth2/access_token",
    "https://api.bitbucket.org/2.0/user",
    ("account",),
    pkce=False,
)
