"""Spotify: /v1/me; the first image is the avatar. No email."""

from __future__ import annotations

from roost.oauth2.context import UserContext, first, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    return ctx.user(
        raw,
        id=s(raw.get("id")),
        name=s(raw.get("display_name")),
        avatar_url=s(first(raw.get("images")).get("url")),
    )


PROVIDER = ProviderInfo(
    "spotify",
    "Spotify",
    read_user,
    "https://accounts.spotify.com/authorize",
    "https://accounts.spotify.com/api/token",
    "https://api.spotify.com/v1/me",
    ("user-read-private",),
)
