"""Discord: /users/@me; the avatar on Discord's CDN, the name `global_name` (else
`username#discriminator`), the email when verified."""

from __future__ import annotations

from roost.oauth2.context import UserContext, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    user = ctx.user(raw, id=s(raw.get("id")), username=s(raw.get("username")))
    avatar = s(raw.get("avatar"))
    if avatar:
        user.avatar_url = f"https://cdn.discordapp.com/avatars/{user.id}/{avatar}.png"
    user.name = s(raw.get("global_name"))
    if not user.name:
        disc = s(raw.get("discriminator"))
        user.name = user.username + (f"#{disc}" if disc and disc != "0" else "")
    if raw.get("verified") is True:
        user.email = s(raw.get("email"))
    return user


PROVIDER = ProviderInfo(
    "discord",
    "Discord",
    read_user,
    "https://discord.com/api/oauth2/authorize",
    "https://discord.com/api/oauth2/token",
    "https://discord.com/api/users/@me",
    ("identify", "email"),
)
