"""What a provider module reads its user with: the provider's endpoints called with the access
token, the token response's id_token, and PocketBase's lenient value conversions."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from roost.oauth2.jwks import verify_signature
from roost.oauth2.types import AuthUser, OAuth2Error, Token

if TYPE_CHECKING:
    pass  # imported on first use: a sign-in is rare, the HTTP client weighs ~15 MB

if TYPE_CHECKING:
    from roost.oauth2.providers import ProviderConfig

TIMEOUT = 30.0  # s for each call to the provider
ID_TOKEN_LEEWAY = 300  # s of clock skew allowed on an id_token's iat/exp/nbf (PocketBase's 5 minutes)


class UserContext:
    def __init__(self, cfg: ProviderConfig, token: Token) -> None:
        self.cfg = cfg
        self.token = token

    async def fetch(
        self,
        url: str = "",
        *,
        headers: dict[str, str] | None = None,
        json_body: Any = None,
        missing_ok: bool = False,
    ) -> Any:
        """The JSON at `url` (the user-info URL by default), GET or, with a body, POST, sent
        with the access token. `missing_ok`: a 401/403/404 answers None instead of failing."""
        sent = {"authorization": f"Bearer {self.token.access_token}", **(headers or {})}
        import httpx

        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            try:
                if json_body is None:
                    res = await http.get(url or self.cfg.user_info_url, headers=sent)
                else:
                    res = await http.post(url or self.cfg.user_info_url, headers=sent, json=json_body)
            except httpx.HTTPError as exc:
                raise OAuth2Error(f"user info request failed: {exc}") from exc
        if missing_ok and res.status_code in (401, 403, 404):
            return None
        if res.status_code >= 400:
            raise OAuth2Error(f"user info request answered {res.status_code}")
        try:
            return res.json()
        except ValueError as exc:
            raise OAuth2Error("user info is not JSON") from exc

    async def fetch_object(self, url: str = "", **kwargs: Any) -> dict[str, Any]:
        raw = await self.fetch(url, **kwargs)
        if not isinstance(raw, dict):
            raise OAuth2Error("user info is not an object")
        return raw

    def id_token_claims(
        self, *, audience: bool = True, issuer: str = "", expiry_required: bool = False
    ) -> dict[str, Any]:
        """The claims of the token response's id_token, checked for times (with PocketBase's
        leeway), audience (the client id) and issuer; the signature is checked apart
        (`verify_id_token`), the token having come straight from the token endpoint."""
        claims = decode_claims(self.id_token())
        now = time.time()
        if audience:
            aud = claims.get("aud")
            if self.cfg.client_id not in (aud if isinstance(aud, list) else [aud]):
                raise OAuth2Error("id_token audience mismatch")
        exp = num(claims.get("exp"))
        if exp is None and expiry_required:
            raise OAuth2Error("id_token without exp")
        if exp is not None and now > exp + ID_TOKEN_LEEWAY:
            raise OAuth2Error("id_token expired")
        for key in ("iat", "nbf"):
            value = num(claims.get(key))
            if value is not None and now < value - ID_TOKEN_LEEWAY:
                raise OAuth2Error(f"id_token {key} in the future")
        if issuer and claims.get("iss") != issuer:
            raise OAuth2Error("id_token issuer mismatch")
        return claims

    def id_token(self) -> str:
        raw = self.token.raw.get("id_token")
        if not isinstance(raw, str) or not raw:
            raise OAuth2Error("empty id_token")
        return raw

    async def verify_id_token(self, jwks_url: str) -> None:
        await verify_signature(self.id_token(), jwks_url)

    async def primary_verified_email(self) -> str:
        """The primary, verified address of `<user info URL>/emails` (GitHub and Gitea list a
        user's addresses there), or "" when there is none."""
        emails = await self.fetch(self.cfg.user_info_url + "/emails", missing_ok=True)
        for item in emails if isinstance(emails, list) else []:
            if isinstance(item, dict) and item.get("verified") is True and item.get("primary") is True:
                return s(item.get("email"))
        return ""

    def user(self, raw: dict[str, Any], **fields: str) -> AuthUser:
        """An AuthUser of `raw` with the token's values and the mapped `fields`."""
        token = self.token
        user = AuthUser(
            id="", raw_user=raw, access_token=token.access_token, refresh_token=token.refresh_token
        )
        user.expiry = _expiry(token)
        for name, value in fields.items():
            setattr(user, name, value)
        return user


def decode_claims(raw: str) -> dict[str, Any]:
    try:
        payload = raw.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError) as exc:
        raise OAuth2Error("malformed id_token") from exc
    if not isinstance(claims, dict):
        raise OAuth2Error("malformed id_token")
    return claims


def num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def truthy(value: Any) -> bool:
    """Go's cast.ToBool: true, 1 and the strings "1", "t", "true" (any case)."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "t", "true")
    return bool(value) if isinstance(value, bool | int | float) else False


def s(value: Any) -> str:
    """A JSON value read into a Go string field: strings, and numbers as written; else ""."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, str | int | float) else ""


def text(value: Any) -> str:
    """A JSON value read into a Go string field that refuses other types (then "")."""
    return value if isinstance(value, str) else ""


def integer_id(value: Any) -> str:
    """A JSON number read into a Go int64 id, written in decimal (0 when missing)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "0"


def dig(raw: Any, *path: str) -> Any:
    """raw[path[0]][path[1]]..., or None where a step is missing or not an object."""
    for key in path:
        if not isinstance(raw, dict):
            return None
        raw = raw.get(key)
    return raw


def first(items: Any) -> dict[str, Any]:
    """The first object of a list, or {}."""
    if isinstance(items, list) and items and isinstance(items[0], dict):
        return items[0]
    return {}


def _expiry(token: Token) -> str:
    if not token.expiry:
        return ""
    dt = datetime.fromtimestamp(token.expiry, UTC)
    return dt.strftime("%Y-%m-%d %H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"
