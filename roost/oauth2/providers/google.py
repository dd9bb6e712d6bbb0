"""Google: the OpenID claims of its user-info endpoint; the email only when verified."""

from __future__ import annotations

from roost.oauth2.context import UserContext, s, truthy
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    user = ctx.user(raw, id=s(raw.get("sub")), name=s(raw.get("name")), avatar_url=s(raw.get("picture")))
    if truthy(raw.get("email_verified")):
        user.email = s(raw.get("email"))
    return user


PROVIDER = ProviderInfo(
    "google",
    "Google",
    read_user,
    "https://accounts.google.com/o/oauth2/v2/auth",
    "https://oauth2.googleapis.com/token",
    "https://www.googleapis.com/oauth2/v3/userinfo",
    ("https://www.googleapis.com/auth/userinfo.profile", "https://www.googleapis.com/auth/userinfo.email"),
)
