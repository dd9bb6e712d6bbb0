"""Apple: the user is the id_token, which must come from https://appleid.apple.com for this
client, carry an expiry and be signed by a key of Apple's JWKS (`extra.jwksURL` may name
another set, a Roost addition for testing and proxies)."""

from __future__ import annotations

from roost.oauth2.context import UserContext, s, truthy
from roost.oauth2.providers.info import ProviderInfo
from roost.oauth2.types import AuthUser

ISSUER = "https://appleid.apple.com"
JWKS_URL = "https://appleid.apple.com/auth/keys"


async def read_user(ctx: UserContext) -> AuthUser:
    raw = ctx.id_token_claims(issuer=ISSUER, expiry_required=True)
    jwks_url = ctx.cfg.extra.get("jwksURL")
    await ctx.verify_id_token(jwks_url if isinstance(jwks_url, str) and jwks_url else JWKS_URL)
    user = ctx.user(raw, id=s(raw.get("sub")), name=s(raw.get("name")))
    if truthy(raw.get("email_verified")):
        user.email = s(raw.get("email"))
    return user


PROVIDER = ProviderInfo(
    "apple",
    "Apple",
    read_user,
    "https://appleid.apple.com/auth/authorize",
    "https://appleid.apple.com/auth/token",
    scopes=("name", "email"),
    extra_params={"response_mode": "form_post"},
)
