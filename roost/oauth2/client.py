"""The OAuth2 authorization-code flow against a provider: the authorization URL, the code
exchange and the user info, read into PocketBase's AuthUser shape."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from roost.oauth2.providers import ProviderConfig

if TYPE_CHECKING:
    import httpx  # imported on first use: a sign-in is rare, the HTTP client weighs ~15 MB

TIMEOUT = 30.0  # s for each call to the provider
ID_TOKEN_LEEWAY = 300  # s of clock skew allowed on an id_token's iat/exp/nbf


class OAuth2Error(Exception):
    """The provider refused or answered something unusable (never shown to the client)."""


@dataclass(slots=True)
class Token:
    access_token: str
    refresh_token: str = ""
    expiry: float = 0.0  # unix time, 0 when the provider gave no lifetime
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class AuthUser:
    id: str
    name: str = ""
    username: str = ""
    email: str = ""  # only a VERIFIED email; empty when the provider does not vouch for it
    avatar_url: str = ""
    raw_user: dict[str, Any] = field(default_factory=dict)
    access_token: str = ""
    refresh_token: str = ""
    expiry: str = ""

    def to_meta(self) -> dict[str, Any]:
        """PocketBase's `meta` of an OAuth2 login (keys sorted, as its map round trip gives)."""
        return {
            "accessToken": self.access_token,
            "avatarURL": self.avatar_url,
            "avatarUrl": self.avatar_url,
            "email": self.email,
            "expiry": self.expiry,
            "id": self.id,
            "name": self.name,
            "rawUser": self.raw_user,
            "refreshToken": self.refresh_token,
            "username": self.username,
        }


def s256_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def build_auth_url(cfg: ProviderConfig, state: str, code_challenge: str = "") -> str:
    """The provider's authorization URL as Go's oauth2 writes it (sorted query keys), ending
    with an empty `redirect_uri=` for the client to complete."""
    params: dict[str, str] = {"client_id": cfg.client_id, "response_type": "code"}
    if cfg.info.scopes:
        params["scope"] = " ".join(cfg.info.scopes)
    params["state"] = state
    params.update(cfg.info.extra_params)
    if code_challenge:
        params["code_challenge"] = code_challenge
        params["code_challenge_method"] = "S256"
    sep = "&" if "?" in cfg.auth_url else "?"
    return cfg.auth_url + sep + urlencode(sorted(params.items())) + "&redirect_uri="


async def fetch_token(cfg: ProviderConfig, code: str, redirect_url: str, code_verifier: str) -> Token:
    form = {"grant_type": "authorization_code", "code": code}
    if redirect_url:
        form["redirect_uri"] = redirect_url
    if cfg.pkce:
        form["code_verifier"] = code_verifier
    headers = {"accept": "application/json"}
    import httpx

    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        try:
            # credentials in the Authorization header first, then in the body (Go's auto-detection)
            res = await http.post(
                cfg.token_url, data=form, headers=headers, auth=(cfg.client_id, cfg.client_secret)
            )
            if res.status_code >= 400:
                body = {**form, "client_id": cfg.client_id, "client_secret": cfg.client_secret}
                res = await http.post(cfg.token_url, data=body, headers=headers)
        except httpx.HTTPError as exc:
            raise OAuth2Error(f"token request failed: {exc}") from exc
    data = _token_body(res)
    if res.status_code >= 400 or data.get("error") or not data.get("access_token"):
        raise OAuth2Error(f"token request answered {res.status_code}: {data.get('error', '')}")
    expires_in = data.get("expires_in")
    try:
        expiry = time.time() + float(expires_in) if expires_in else 0.0
    except (TypeError, ValueError):
        expiry = 0.0
    return Token(str(data["access_token"]), str(data.get("refresh_token") or ""), expiry, data)


def _token_body(res: httpx.Response) -> dict[str, Any]:
    ctype = res.headers.get("content-type", "")
    try:
        if "application/x-www-form-urlencoded" in ctype or "text/plain" in ctype:
            return dict(parse_qsl(res.text))
        data = res.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


async def fetch_raw_user(cfg: ProviderConfig, token: Token, url: str = "") -> Any:
    import httpx

    async with httpx.AsyncClient(timeout=TIMEOUT) as http:
        try:
            res = await http.get(
                url or cfg.user_info_url, headers={"authorization": f"Bearer {token.access_token}"}
            )
        except httpx.HTTPError as exc:
            raise OAuth2Error(f"user info request failed: {exc}") from exc
    if url and res.status_code in (401, 403, 404):
        return None
    if res.status_code >= 400:
        raise OAuth2Error(f"user info request answered {res.status_code}")
    try:
        return res.json()
    except ValueError as exc:
        raise OAuth2Error("user info is not JSON") from exc


def id_token_claims(cfg: ProviderConfig, token: Token) -> dict[str, Any]:
    """The claims of the token response's id_token, checked for audience, times and issuer
    (the token came straight from the provider's token endpoint over TLS)."""
    raw = str(token.raw.get("id_token") or "")
    if not raw:
        raise OAuth2Error("empty id_token")
    try:
        payload = raw.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError) as exc:
        raise OAuth2Error("malformed id_token") from exc
    if not isinstance(claims, dict):
        raise OAuth2Error("malformed id_token")
    now = time.time()
    aud = claims.get("aud")
    auds = aud if isinstance(aud, list) else [aud]
    if cfg.client_id not in auds:
        raise OAuth2Error("id_token audience mismatch")
    if _num(claims.get("exp")) is not None and now > _num(claims["exp"]) + ID_TOKEN_LEEWAY:  # type: ignore[operator]
        raise OAuth2Error("id_token expired")
    for key in ("iat", "nbf"):
        value = _num(claims.get(key))
        if value is not None and now < value - ID_TOKEN_LEEWAY:
            raise OAuth2Error(f"id_token {key} in the future")
    issuers = cfg.extra.get("issuers")
    if isinstance(issuers, list) and issuers and claims.get("iss") not in [str(i) for i in issuers]:
        raise OAuth2Error("id_token issuer not allowed")
    return claims


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "t", "true")
    return bool(value) if isinstance(value, bool | int | float) else False


def _s(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, str | int | float) else ""


def _expiry(token: Token) -> str:
    if not token.expiry:
        return ""
    dt = datetime.fromtimestamp(token.expiry, UTC)
    return dt.strftime("%Y-%m-%d %H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


async def fetch_auth_user(cfg: ProviderConfig, token: Token) -> AuthUser:
    kind = cfg.info.kind
    if kind in ("oidc", "apple") and not (kind == "oidc" and cfg.user_info_url):
        raw: Any = id_token_claims(cfg, token)
    else:
        raw = await fetch_raw_user(cfg, token)
    if not isinstance(raw, dict):
        raise OAuth2Error("user info is not an object")
    user = AuthUser(id="", raw_user=raw, access_token=token.access_token, refresh_token=token.refresh_token)
    user.expiry = _expiry(token)
    if kind in ("oidc", "google", "apple"):
        user.id, user.name, user.avatar_url = _s(raw.get("sub")), _s(raw.get("name")), _s(raw.get("picture"))
        if kind == "oidc":
            user.username = _s(raw.get("preferred_username"))
        if _truthy(raw.get("email_verified")):
            user.email = _s(raw.get("email"))
    elif kind == "github":
        user.id, user.name = _s(raw.get("id")), _s(raw.get("name"))
        user.username, user.avatar_url = _s(raw.get("login")), _s(raw.get("avatar_url"))
        emails = await fetch_raw_user(cfg, token, cfg.user_info_url + "/emails")
        for item in emails if isinstance(emails, list) else []:
            if isinstance(item, dict) and item.get("verified") is True and item.get("primary") is True:
                user.email = _s(item.get("email"))
                break
    elif kind == "gitlab":
        user.id, user.name = _s(raw.get("id")), _s(raw.get("name"))
        user.username, user.avatar_url = _s(raw.get("username")), _s(raw.get("avatar_url"))
        if _s(raw.get("confirmed_at")):
            user.email = _s(raw.get("email"))
    elif kind == "microsoft":
        user.id, user.name, user.email = _s(raw.get("id")), _s(raw.get("displayName")), _s(raw.get("mail"))
    elif kind == "discord":
        user.id, user.username = _s(raw.get("id")), _s(raw.get("username"))
        avatar = _s(raw.get("avatar"))
        if avatar:
            user.avatar_url = f"https://cdn.discordapp.com/avatars/{user.id}/{avatar}.png"
        user.name = _s(raw.get("global_name"))
        if not user.name:
            disc = _s(raw.get("discriminator"))
            user.name = user.username + (f"#{disc}" if disc and disc != "0" else "")
        if raw.get("verified") is True:
            user.email = _s(raw.get("email"))
    elif kind == "facebook":
        user.id, user.name, user.email = _s(raw.get("id")), _s(raw.get("name")), _s(raw.get("email"))
        picture = raw.get("picture")
        data = picture.get("data") if isinstance(picture, dict) else None
        user.avatar_url = _s(data.get("url")) if isinstance(data, dict) else ""
    return user
