"""Strava: /api/v3/athlete; the name is `firstname lastname` (as PocketBase joins them, untrimmed).
No email."""

from __future__ import annotations

from roost.oauth2.context import UserContext, integer_id, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    athlete_id = integer_id(raw.get("id"))
    return ctx.user(
        raw,
        id="" if athlete_id == "0" else athlete_id,
        name=f"{s(raw.get('firstname'))} {s(raw.get('lastname'))}",
        username=s(raw.get("username")),
        avatar_url=s(raw.get("profile")),
    )


PROVIDER = ProviderInfo(
    "strava",
    "Strava",
    read_user,
    "https://www.strava.com/oauth/authorize",
    "https://www.strava.com/api/v3/oauth/token",
    "https://www.strava.com/api/v3/athlete",
    ("profile:read_all",),
)
