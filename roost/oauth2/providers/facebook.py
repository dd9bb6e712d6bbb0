"""Facebook: the Graph API's /me with the large picture."""

from __future__ import annotations

from roost.oauth2.context import UserContext, dig, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    return ctx.user(
        raw,
        id=s(raw.get("id")),
        name=s(raw.get("name")),
        email=s(raw.get("email")),
        avatar_url=s(dig(raw, "picture", "data", "url")),
    )


PROVIDER = ProviderInfo(
    "facebook",
    "Facebook",
    read_user,
    "https://www.facebook.com/v3.2/dialog/oauth",
    "https://graph.facebook.com/v3.2/oauth/access_token",
    "https://graph.facebook.com/me?fields=name,email,picture.type(large)",
    ("email",),
)
