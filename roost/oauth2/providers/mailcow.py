"""mailcow: a self-hosted server, so no default URLs (set `authURL`, `tokenURL`, `userInfoURL`);
an active mailbox only (`active` 1); the username is the mailbox's local part."""

from __future__ import annotations

from roost.oauth2.context import UserContext, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser, OAuth2Error


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    active = raw.get("active")
    if isinstance(active, bool) or active != 1:
        raise OAuth2Error("the mailcow user is not active")
    return ctx.user(
        raw,
        id=s(raw.get("id")),
        name=s(raw.get("full_name")),
        username=s(raw.get("username")).split("@")[0],
        email=s(raw.get("email")),
    )


PROVIDER = ProviderInfo("mailcow", "mailcow", read_user, scopes=("profile",))
