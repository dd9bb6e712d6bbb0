"""Linear: the GraphQL `viewer` (an active account only); `displayName` is the username."""

from __future__ import annotations

from roost.oauth2.context import UserContext, dig, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser, OAuth2Error

QUERY = {"query": "query Me { viewer { id displayName name email avatarUrl active } }"}


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object(json_body=QUERY)
    viewer = dig(raw, "data", "viewer") or {}
    if dig(viewer, "active") is not True:
        raise OAuth2Error("the Linear user is not active")
    return ctx.user(
        raw,
        id=s(dig(viewer, "id")),
        name=s(dig(viewer, "name")),
        username=s(dig(viewer, "displayName")),
        email=s(dig(viewer, "email")),
        avatar_url=s(dig(viewer, "avatarUrl")),
    )


PROVIDER = ProviderInfo(
    "linear",
    "Linear",
    read_user,
    "https://linear.app/oauth/authorize",
    "https://api.linear.app/oauth/token",
    "https://api.linear.app/graphql",
    ("read",),
    pkce=False,  # Linear refuses PKCE parameters
)
