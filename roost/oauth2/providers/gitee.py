"""Gitee: /api/v5/user; its `email` when it is a valid address, else the confirmed primary one
of /api/v5/emails (next to the user-info URL)."""

from __future__ import annotations

from roost.oauth2.context import UserContext, integer_id, s
from roost.oauth2.providers.emails import is_email
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser


def _emails_url(user_info_url: str) -> str:
    base, _, last = user_info_url.rstrip("/").rpartition("/")
    return f"{base}/emails" if last == "user" else "https://gitee.com/api/v5/emails"


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    user = ctx.user(
        raw,
        id=integer_id(raw.get("id")),
        name=s(raw.get("name")),
        username=s(raw.get("login")),
        avatar_url=s(raw.get("avatar_url")),
    )
    email = s(raw.get("email"))
    if email and is_email(email):
        user.email = email
        return user
    emails = await ctx.fetch(_emails_url(ctx.cfg.user_info_url), missing_ok=True)
    for item in emails if isinstance(emails, list) else []:
        if not isinstance(item, dict):
            continue
        scope = item.get("scope")
        scopes = scope if isinstance(scope, list) else []
        address = s(item.get("email"))
        if item.get("state") == "confirmed" and "primary" in scopes and is_email(address):
            user.email = address
            break
    return user


PROVIDER = ProviderInfo(
    "gitee",
    "Gitee",
    read_user,
    "https://gitee.com/oauth/authorize",
    "https://gitee.com/oauth/token",
    "https://gitee.com/api/v5/user",
    ("user_info", "emails"),
)
