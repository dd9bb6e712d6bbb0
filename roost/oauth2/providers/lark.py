"""Lark (Feishu): /authen/v1/user_info's `data`; the id is the `union_id`. No email."""

from __future__ import annotations

from roost.oauth2.context import UserContext, dig, s
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    return ctx.user(
        raw,
        id=s(dig(raw, "data", "union_id")),
        name=s(dig(raw, "data", "name")),
        avatar_url=s(dig(raw, "data", "avatar_url")),
    )


PROVIDER = ProviderInfo(
    "lark",
    "Lark",
    read_user,
    "https://accounts.feishu.cn/open-apis/authen/v1/authorize",
    "https://open.feishu.cn/open-apis/authen/v2/oauth/token",
    "https://open.feishu.cn/open-apis/authen/v1/user_info",
)
