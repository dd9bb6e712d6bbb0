"""Planning Center: /people/v2/me (an active person only). No email."""

from __future__ import annotations

from roost.oauth2.context import UserContext, dig, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser, OAuth2Error


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    data = dig(raw, "data") or {}
    # the API writes "attributes"; the 0.40.6 binary reads only "Attributes": both work here
    attrs = dig(data, "attributes") or dig(data, "Attributes") or {}
    if dig(attrs, "status") != "active":
        raise OAuth2Error("the user is not active")
    return ctx.user(
        raw, id=s(dig(data, "id")), name=s(dig(attrs, "name")), avatar_url=s(dig(attrs, "avatar"))
    )


PROVIDER = ProviderInfo(
    "planningcenter",
    "Planning Center",
    read_user,
    "https://api.planningcenteronline.com/oauth/authorize",
    "https://api.planningcenteronline.com/oauth/token",
    "https://api.planningcenteronline.com/people/v2/me",
    ("people",),
)
