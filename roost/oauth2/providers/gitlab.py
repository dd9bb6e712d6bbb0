"""GitLab: /api/v4/user; the email once confirmed (`confirmed_at` set)."""

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
        username=s(raw.get("username")),
        avatar_url=s(raw.get("avatar_url")),
    )
    if s(raw.get("confirmed_at")):
        user.email = s(raw.get("email"))
    return user


PROVIDER = ProviderInfo(
    "gitlab",
    "GitLab",
    read_user,
    "https://gitlab.com/oauth/authorize",
    "https://gitlab.com/oauth/token",
    "https://gitlab.com/api/v4/user",
    ("read_user",),
)
