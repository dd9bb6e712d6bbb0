"""Patreon: the v2 identity; `vanity` is the username, the email when verified."""

from __future__ import annotations

from roost.oauth2.context import UserContext, dig, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    attrs = dig(raw, "data", "attributes") or {}
    user = ctx.user(
        raw,
        id=s(dig(raw, "data", "id")),
        name=s(dig(attrs, "full_name")),
        username=s(dig(attrs, "vanity")),
        avatar_url=s(dig(attrs, "image_url")),
    )
    if dig(attrs, "is_email_verified") is True:
        user.email = s(dig(attrs, "email"))
    return user


PROVIDER = ProviderInfo(
    "patreon",
    "Patreon",
    read_user,
    "https://www.patreon.com/oauth2/authorize",
    "https://www.patreon.com/api/oauth2/token",
    "https://www.patreon.com/api/oauth2/v2/identity?fields%5Buser%5D=full_name,email,vanity,image_url,is_email_verified",
    ("identity", "identity[email]"),
)
