"""monday.com: the GraphQL `me` (an enabled account only); the email when `is_verified`."""

from __future__ import annotations

from roost.oauth2.context import UserContext, dig, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser, OAuth2Error

QUERY = {"query": "query { me { id enabled name email is_verified photo_small }}"}


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object(json_body=QUERY)
    me = dig(raw, "data", "me") or {}
    if dig(me, "enabled") is not True:
        raise OAuth2Error("the monday.com user is not enabled")
    user = ctx.user(raw, id=s(dig(me, "id")), name=s(dig(me, "name")), avatar_url=s(dig(me, "photo_small")))
    if dig(me, "is_verified") is True:
        user.email = s(dig(me, "email"))
    return user


PROVIDER = ProviderInfo(
    "monday",
    "monday.com",
    read_user,
    "https://auth.monday.com/oauth2/authorize",
    "https://auth.monday.com/oauth2/token",
    "https://api.monday.com/v2",
    ("me:read",),
)
