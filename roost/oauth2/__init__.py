"""OAuth2 / OpenID Connect sign-in: provider tables and the authorization-code flow.

A leaf package: it knows providers and HTTP, never collections or records."""

from __future__ import annotations

from roost.oauth2.client import build_auth_url, fetch_auth_user, fetch_token, s256_challenge
from roost.oauth2.providers import PROVIDERS, ProviderConfig, ProviderInfo, load_config
from roost.oauth2.types import AuthUser, OAuth2Error, Token

__all__ = [
    "PROVIDERS",
    "AuthUser",
    "OAuth2Error",
    "ProviderConfig",
    "ProviderInfo",
    "Token",
    "build_auth_url",
    "fetch_auth_user",
    "fetch_token",
    "load_config",
    "s256_challenge",
]
