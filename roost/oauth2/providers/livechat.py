"""LiveChat: /v2/accounts/me; the email when verified. Scopes are set in LiveChat's console."""

from __future__ import annotations

from roost.oauth2.context import UserContext, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    user = ctx.user(
        raw, id=s(raw.get("account_id")), name=s(raw.get("name")), avatar_url=s(raw.get("avatar_url"))
    )
    if raw.get("email_verified") is True:
        user.email = s(raw.get("email"))
    return user


PROVIDER = ProviderInfo(
    "livechat",
    "LiveChat",
    read_user,
    "https://accounts.livechat.com/",
    "https://accounts.livechat.com/token",
    "https://accounts.livechat.com/v2/accounts/me",
)
