"""X/Twitter: /2/users/me; the email is `confirmed_email`."""

from __future__ import annotations

from roost.oauth2.context import UserContext, dig, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    data = dig(raw, "data") or {}
    return ctx.user(
        raw,
        id=s(dig(data, "id")),
        name=s(dig(data, "name")),
        username=s(dig(data, "username")),
        email=s(dig(data, "confirmed_email")),
        avatar_url=s(dig(data, "profile_image_url")),
    )


PROVIDER = ProviderInfo(
    "twitter",
    "X/Twitter",
    read_user,
    "https://x.com/i/oauth2/authorize",
    "https://api.x.com/2/oauth2/token",
    "https://api.x.com/2/users/me?user.fields=id,name,username,profile_image_url,confirmed_email",
    ("users.read", "users.email", "tweet.read"),
)
