"""GitHub: /user, and the primary verified address from /user/emails."""

from __future__ import annotations

from roost.oauth2.context import UserContext, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    user = ctx.user(
        raw,
        id=s(raw.get("id")),
        name=s(raw.get("name")),
        username=s(raw.get("login")),
        avatar_url=s(raw.get("avatar_url")),
    )
    user.email = await ctx.primary_verified_email()
    return user


PROVIDER = ProviderInfo(
    "github",
    "GitHub",
    read_user,
    "https://github.com/login/oauth/authorize",
    "https://github.com/login/oauth/access_token",
    "https://api.github.com/user",
    ("read:user", "user:email"),
)
