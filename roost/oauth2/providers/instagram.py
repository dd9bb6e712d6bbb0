"""Instagram (`instagram2`, the business login): /me; the token response's `permissions`
are added to the raw user when it has none. No email."""

from __future__ import annotations

from roost.oauth2.context import UserContext, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    if "permissions" not in raw and ctx.token.raw.get("permissions") is not None:
        raw["permissions"] = ctx.token.raw["permissions"]
    return ctx.user(
        raw,
        id=s(raw.get("user_id")),
        name=s(raw.get("name")),
        username=s(raw.get("username")),
        avatar_url=s(raw.get("profile_picture_url")),
    )


PROVIDER = ProviderInfo(
    "instagram2",
    "Instagram",
    read_user,
    "https://www.instagram.com/oauth/authorize",
    "https://api.instagram.com/oauth/access_token",
    "https://graph.instagram.com/me?fields=id,username,account_type,user_id,name,profile_picture_url,"
    "followers_count,follows_count,media_count",
    ("instagram_business_basic",),
)
