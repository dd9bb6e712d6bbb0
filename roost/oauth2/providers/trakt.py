"""Trakt: /users/settings (sent with the client id as `trakt-api-key`); the id is the user's uuid."""

from __future__ import annotations

from roost.oauth2.context import UserContext, dig, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser


async def read_user(ctx: UserContext) -> AuthUser:
    headers = {
        "Content-Type": "application/json",
        "trakt-api-key": ctx.cfg.client_id,
        "trakt-api-version": "2",
    }
    raw = await ctx.fetch_object(headers=headers)
    user = dig(raw, "user") or {}
    return ctx.user(
        raw,
        id=s(dig(user, "ids", "uuid")),
        name=s(dig(user, "name")),
        username=s(dig(user, "username")),
        avatar_url=s(dig(user, "images", "avatar", "full")),
    )


PROVIDER = ProviderInfo(
    "trakt",
    "Trakt",
    read_user,
    "https://trakt.tv/oauth/authorize",
    "https://api.trakt.tv/oauth/token",
    "https://api.trakt.tv/users/settings",
)
