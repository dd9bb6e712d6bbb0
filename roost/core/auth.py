"""Record tokens: PocketBase-compatible HS256 JWTs signed with tokenKey + the collection secret.

A password change regenerates the record's tokenKey, so every earlier token stops verifying."""

from __future__ import annotations

import hmac
import time
from typing import TYPE_CHECKING, Any

from roost.core.api_keys import KEY_PREFIX
from roost.core.collections import Collection
from roost.security import jwt

if TYPE_CHECKING:
    from roost.core.app import App

_CACHE_MAX = 10_000
# the collection option holding each token type's secret and duration
_SECRETS = {
    "auth": "authToken",
    "file": "fileToken",
    "verification": "verificationToken",
    "passwordReset": "passwordResetToken",
    "emailChange": "emailChangeToken",
}


def new_token(
    coll: Collection,
    record: dict[str, Any],
    token_type: str = "authToken",
    *,
    refreshable: bool = True,
    duration: int | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    claims: dict[str, Any] = {
        "id": record["id"],
        "type": {
            "authToken": "auth",
            "fileToken": "file",
            "verificationToken": "verification",
            "passwordResetToken": "passwordReset",
            "emailChangeToken": "emailChange",
        }[token_type],
        "collectionId": coll.id,
        "exp": int(time.time()) + (duration if duration is not None else coll.token_duration(token_type)),
    }
    if token_type == "authToken":
        claims["refreshable"] = refreshable
    elif token_type in ("verificationToken", "passwordResetToken", "emailChangeToken"):
        claims["email"] = str(record.get("email", ""))
    if extra:
        claims.update(extra)
    return jwt.sign(claims, str(record.get("tokenKey", "")) + coll.token_secret(token_type))


async def find_by_token(
    app: App, token: str, token_type: str = "auth"
) -> tuple[Collection, dict[str, Any], dict[str, Any]] | None:
    """(collection, record, claims) for a valid token or API key, else None. A bad token is
    never an error: the caller is then a guest, as in PocketBase."""
    if not token:
        return None
    if token.startswith(KEY_PREFIX):  # an API key (roost/core/api_keys.py) acts like an auth token
        return await app.api_keys.authenticate(token) if token_type == "auth" else None
    # only auth tokens are cached, so a cached auth token never passes for another type
    cached = app.token_cache.get(token) if token_type == "auth" else None
    now = time.time()
    coll: Collection | None
    claims: dict[str, Any] | None
    if cached is not None:
        exp, coll, claims, token_key = cached
        if exp <= now:
            app.token_cache.pop(token, None)
            return None
        if app.registry.by_id.get(coll.id) is coll:
            record = await app.auth_records.get(coll, claims["id"])
            if record is None or not hmac.compare_digest(str(record.get("tokenKey", "")), token_key):
                return None
            return coll, record, claims
        # the collection was saved since (maybe a new token secret): verify the token afresh
        app.token_cache.pop(token, None)
    claims = jwt.decode_unverified(token)
    if not claims or claims.get("type") != token_type or not isinstance(claims.get("id"), str):
        return None
    coll = app.registry.by_id.get(str(claims.get("collectionId", "")))
    if coll is None or not coll.is_auth:
        return None
    record = await app.auth_records.get(coll, claims["id"])
    if record is None:
        return None
    secret_type = _SECRETS.get(token_type, token_type)
    token_key = str(record.get("tokenKey", ""))
    if not jwt.verify(token, token_key + coll.token_secret(secret_type), now):
        return None
    if token_type == "auth":
        if len(app.token_cache) >= _CACHE_MAX:
            app.token_cache.clear()
        app.token_cache[token] = (float(claims["exp"]), coll, claims, token_key)
    return coll, record, claims
