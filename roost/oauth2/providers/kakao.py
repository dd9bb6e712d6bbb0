"""Kakao: /v2/user/me; the nickname is the username, the email only when valid and verified."""

from __future__ import annotations

from roost.oauth2.context import UserContext, dig, integer_id, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    user = ctx.user(
        raw,
        id=integer_id(raw.get("id")),
        username=s(dig(raw, "properties", "nickname")),
        avatar_url=s(dig(raw, "properties", "profile_image")),
    )
    account = dig(raw, "kakao_account") or {}
    if dig(account, "is_email_valid") is True and dig(account, "is_email_verified") is True:
        user.email = s(dig(account, "email"))
    return user


PROVIDER = ProviderInfo(
    "kakao",
    "Kakao",
    read_user,
    "https://kauth.kakao.com/oauth/authorize",
    "https://kauth.kakao.com/oauth/token",
    "https://kapi.kakao.com/v2/user/me",
    ("account_email", "profile_nickname", "profile_image"),
)
