"""Generic OpenID Connect (`oidc`, `oidc2`, `oidc3`): the standard claims, from the user-info URL
when one is set, else from the id_token (audience, times, `extra.issuers` and, with
`extra.jwksURL`, its signature checked)."""

from __future__ import annotations

from roost.oauth2.context import UserContext, s, truthy
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser, OAuth2Error


async def read_user(ctx: UserContext) -> AuthUser:
    if ctx.cfg.user_info_url:
        raw = await ctx.fetch_object()
    else:
        raw = ctx.id_token_claims()
        issuers = ctx.cfg.extra.get("issuers")
        if isinstance(issuers, list) and issuers and raw.get("iss") not in [str(i) for i in issuers]:
            raise OAuth2Error("id_token issuer not allowed")
        jwks_url = ctx.cfg.extra.get("jwksURL")
        if isinstance(jwks_url, str) and jwks_url:
            await ctx.verify_id_token(jwks_url)
    user = ctx.user(
        raw,
        id=s(raw.get("sub")),
        name=s(raw.get("name")),
        username=s(raw.get("preferred_username")),
        avatar_url=s(raw.get("picture")),
    )
    if truthy(raw.get("email_verified")):
        user.email = s(raw.get("email"))
    return user


PROVIDERS = tuple(
    ProviderInfo(name, "OIDC", read_user, scopes=("openid", "email", "profile"))
    for name in ("oidc", "oidc2", "oidc3")
)
