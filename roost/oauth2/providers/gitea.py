"""Gitea/Forgejo: /api/v1/user (an active account only), and the primary verified address of
/api/v1/user/emails."""

from __future__ import annotations

from roost.oauth2.context import UserContext, integer_id, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser, OAuth2Error


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    if raw.get("active") is not True:
        raise OAuth2Error("the Gitea account is not active")
    user = ctx.user(
        raw,
        id=integer_id(raw.get("id")),
        name=s(raw.get("full_name")),
        username=s(raw.get("login")),
        avatar_url=s(raw.get("avatar_url")),
    )
    user.email = await ctx.primary_verified_email()
    return user


PROVIDER = ProviderInfo(
    "gitea",
    "Gitea/Forgejo",
    read_user,
    "https://gitea.com/login/oauth/authorize",
    "https://gitea.com/login/oauth/access_token",
    "https://gitea.com/api/v1/user",
    ("read:user", "user:email"),
)
