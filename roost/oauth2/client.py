"""The OAuth2 authorization-code flow against a provider: the authorization URL, the code
exchange, and the user read into PocketBase's AuthUser shape by the provider's module."""

from __future__ import annotations

import base64
import hashlib
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from roost.oauth2.context import TIMEOUT, UserContext
from roost.oauth2.providers import ProviderConfig
from roost.oauth2.types import AuthUser, OAuth2Error, Token

if TYPE_CHECKING:
    import httpx  # imported on first use: a sign-in is rare, the HTTP client weighs ~15 MB


def s256_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def build_auth_url(cfg: ProviderConfig, state: str, code_challenge: str = "") -> str:
    """The provider's authorization URL as Go's oauth2 writes it (sorted query keys), ending
    with an empty `redirect_uri=` for the client to complete."""
    params: dict[str, str] = {"client_id": cfg.client_id, "response_type": "code"}
    if cfg.scopes:
        params["scope"] = " ".join(cfg.scopes)
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


async def fetch_auth_user(cfg: ProviderConfig, token: Token) -> AuthUser:
    """The provider's user, read by the provider's own module (roost/oauth2/providers/)."""
    return await cfg.info.read_user(UserContext(cfg, token))
