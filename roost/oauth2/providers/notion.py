"""Notion: /v1/users/me (sent with `Notion-Version: 2022-06-28`); the user is the bot's owner."""

from __future__ import annotations

from roost.oauth2.context import UserContext, dig, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object(headers={"Notion-Version": "2022-06-28"})
    owner = dig(raw, "bot", "owner", "user") or {}
    return ctx.user(
        raw,
        id=s(dig(owner, "id")),
        name=s(dig(owner, "name")),
        email=s(dig(owner, "person", "email")),
        avatar_url=s(dig(owner, "avatar_url")),
    )


PROVIDER = ProviderInfo(
    "notion",
    "Notion",
    read_user,
    "https://api.notion.com/v1/oauth/authorize",
    "https://api.notion.com/v1/oauth/token",
    "https://api.notion.com/v1/users/me",
)
