"""Microsoft (Entra ID): Graph's /me. The email is Graph's `mail` unless `extra.idTokenEmailClaim`
picks a claim of the id_token (then `openid` is added to the scopes):
`verified_primary_email`, `email_and_xms_edov` (`email` when `xms_edov` is true), `any_verified`
(the first, else the second) or `email` (unchecked: only for tenants you trust)."""

from __future__ import annotations

from typing import Any

from roost.oauth2.context import UserContext, s, text, truthy
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser, OAuth2Error

EMAIL_CLAIM = "idTokenEmailClaim"
EMAIL_CLAIMS = ("any_verified", "verified_primary_email", "email_and_xms_edov", "email")


def _claims(ctx: UserContext) -> dict[str, Any]:
    try:  # the token came from the token endpoint; the times are checked, not the audience
        return ctx.id_token_claims(audience=False)
    except OAuth2Error:
        return {}  # as PocketBase: no usable id_token, no email


def _email(ctx: UserContext, mode: str) -> str:
    claims = _claims(ctx)
    primary = text(claims.get("verified_primary_email"))
    edov = text(claims.get("email")) if truthy(claims.get("xms_edov")) else ""
    if mode == "any_verified":
        return primary or edov
    if mode == "verified_primary_email":
        return primary
    if mode == "email_and_xms_edov":
        return edov
    return text(claims.get("email"))


async def read_user(ctx: UserContext) -> AuthUser:
    raw = await ctx.fetch_object()
    user = ctx.user(raw, id=s(raw.get("id")), name=s(raw.get("displayName")))
    mode = ctx.cfg.extra.get(EMAIL_CLAIM)
    user.email = _email(ctx, mode) if mode in EMAIL_CLAIMS else s(raw.get("mail"))
    return user


PROVIDER = ProviderInfo(
    "microsoft",
    "Microsoft",
    read_user,
    "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
    "https://login.microsoftonline.com/common/oauth2/v2.0/token",
    "https://graph.microsoft.com/v1.0/me",
    ("User.Read",),
)
