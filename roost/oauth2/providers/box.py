"""Box: /2.0/users/me (an active account only); the email is the `login` (Box verifies it)."""

from __future__ import annotations

from roost.oauth2.context import UserContext, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser, OAuth2Error


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    if raw.get("status") != "active":
        raise OAuth2Error(f"Box user account is not active (status: {s(raw.get('status'))!r})")
    return ctx.user(
        raw,
        id=s(raw.get("id")),
        name=s(raw.get("name")),
        email=s(raw.get("login")),
        avatar_url=s(raw.get("avatar_url")),
    )


PROVIDER = ProviderInfo(
    "box",
    "Box",
    read_user,
    "https://account.box.com/api/oauth2/authorize",
    "https://api.box.com/oauth2/token",
    "https://api.box.com/2.0/users/me",
    ("root_readonly",),
)
