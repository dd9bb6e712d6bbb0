"""Yandex: login.yandex.ru/info; the avatar from its id unless `is_avatar_empty`."""

from __future__ import annotations

from roost.oauth2.context import UserContext, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    user = ctx.user(
        raw,
        id=s(raw.get("id")),
        name=s(raw.get("real_name")),
        username=s(raw.get("login")),
        email=s(raw.get("default_email")),
    )
    if raw.get("is_avatar_empty") is not True:
        user.avatar_url = (
            f"https://avatars.yandex.net/get-yapic/{s(raw.get('default_avatar_id'))}/islands-200"
        )
    return user


PROVIDER = ProviderInfo(
    "yandex",
    "Yandex",
    read_user,
    "https://oauth.yandex.com/authorize",
    "https://oauth.yandex.com/token",
    "https://login.yandex.ru/info",
    ("login:email", "login:avatar", "login:info"),
)
