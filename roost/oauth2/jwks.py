"""An id_token's signature checked against its provider's JSON Web Key Set, as PocketBase does:
the key named by the token's `kid` must carry an `alg`, be RSA or Ed25519, and the token must be
signed with exactly that algorithm (and be unexpired). The set is fetched for each check."""

from __future__ import annotations

from typing import Any

from roost.oauth2.types import OAuth2Error

# httpx and PyJWT are imported on first use: a sign-in is rare, and PyJWT loads `cryptography`
# (about 14 MB of resident memory for every worker) just to be imported

TIMEOUT = 30.0


async def _fetch_key(jwks_url: str, kid: str) -> dict[str, Any]:
    import httpx

    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        try:
            res = await http.get(jwks_url)
        except httpx.HTTPError as exc:
            raise OAuth2Error(f"fetching the JWKS failed: {exc}") from exc
    if res.status_code >= 400:
        raise OAuth2Error(f"the JWKS URL answered {res.status_code}")
    try:
        keys = res.json().get("keys")
    except (ValueError, AttributeError) as exc:
        raise OAuth2Error("the JWKS is not a JSON key set") from exc
    for key in keys if isinstance(keys, list) else []:
        if isinstance(key, dict) and key.get("kid") == kid and key.get("alg"):
            return key
    raise OAuth2Error(f"no JWK with kid {kid!r} and an alg")


async def verify_signature(id_token: str, jwks_url: str) -> None:
    """Raise OAuth2Error unless `id_token` is signed by the key set at `jwks_url`."""
    import jwt

    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as exc:
        raise OAuth2Error("malformed id_token") from exc
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise OAuth2Error("the id_token has no kid header")
    key = await _fetch_key(jwks_url, kid)
    kty = key.get("kty")
    if kty not in ("RSA", "OKP") or (kty == "OKP" and key.get("crv") != "Ed25519"):
        raise OAuth2Error(f"unsupported JWK type {kty!r} (RSA or Ed25519 only)")
    alg = str(key["alg"])
    try:
        public = jwt.PyJWK(key, algorithm=alg).key
        jwt.decode(
            id_token,
            public,
            algorithms=[alg],
            options={"verify_aud": False, "verify_iss": False, "verify_iat": False},
        )
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise OAuth2Error(f"id_token signature check failed: {exc}") from exc
