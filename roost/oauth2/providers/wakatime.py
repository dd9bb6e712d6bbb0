"""WakaTime: /api/v1/users/current's `data`; the email when confirmed, the photo when public."""

from __future__ import annotations

from roost.oauth2.context import UserContext, dig, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    data = dig(raw, "data") or {}
    user = ctx.user(
        raw,
        id=s(dig(data, "id")),
        name=s(dig(data, "display_name")),
        username=s(dig(data, "username")),
    )
    if dig(data, "is_email_confirmed") is True:
        user.email = s(dig(data, "email"))
    if dig(data, "photo_public") is True:
        user.avatar_url = s(dig(data, "photo"))
    return user


PROVIDER = ProviderInfo(
    "wakatime",
    "WakaTime",
    read_user,
    "https://wakatime.com/oauth/authorize",
    "https://wakatime.com/oauth/token",
    "https://wakatime.com/api/v1/users/current",
    ("email",),
)
