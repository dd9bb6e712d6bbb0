"""VK: users.get's first entry; the email comes with the token response (`email`)."""

from __future__ import annotations

from roost.oauth2.context import UserContext, first, integer_id, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser, OAuth2Error


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    entries = raw.get("response")
    if not isinstance(entries, list) or not entries:
        raise OAuth2Error("missing response entry")
    entry = first(entries)
    user = ctx.user(
        raw,
        id=integer_id(entry.get("id")),
        name=f"{s(entry.get('first_name'))} {s(entry.get('last_name'))}".strip(),
        username=s(entry.get("screen_name")),
        avatar_url=s(entry.get("photo_max")),
    )
    email = ctx.token.raw.get("email")
    if email is not None:
        user.email = s(email) if not isinstance(email, bool) else str(email).lower()
    return user


PROVIDER = ProviderInfo(
    "vk",
    "ВКонтакте",
    read_user,
    "https://oauth.vk.com/authorize",
    "https://oauth.vk.com/access_token",
    "https://api.vk.com/method/users.get?fields=photo_max,screen_name&v=5.131",
    ("email",),
    pkce=False,
)
