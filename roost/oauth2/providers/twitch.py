"""Twitch: Helix /users (sent with the client id as `Client-Id`), its first entry."""

from __future__ import annotations

from roost.oauth2.context import UserContext, first, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser, OAuth2Error


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object(headers={"Client-Id": ctx.cfg.client_id})
    entry = first(raw.get("data"))
    if not entry:
        raise OAuth2Error("failed to fetch AuthUser data")
    return ctx.user(
        raw,
        id=s(entry.get("id")),
        name=s(entry.get("display_name")),
        username=s(entry.get("login")),
        email=s(entry.get("email")),
        avatar_url=s(entry.get("profile_image_url")),
    )


PROVIDER = ProviderInfo(
    "twitch",
    "Twitch",
    read_user,
    "https://id.twitch.tv/oauth2/authorize",
    "https://id.twitch.tv/oauth2/token",
    "https://api.twitch.tv/helix/users",
    ("user:read:email",),
)
