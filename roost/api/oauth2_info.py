"""The OAuth2 part of auth-methods: each configured provider with a fresh state, PKCE pair and
authorization URL, as PocketBase lists them."""

from __future__ import annotations

from typing import Any

from roost.core.collections import Collection
from roost.oauth2 import build_auth_url, load_config, s256_challenge
from roost.security.ids import random_string


def oauth2_providers_info(coll: Collection) -> list[dict[str, Any]] | None:
    """The providers to list, or None when OAuth2 is off for the collection."""
    opts = coll.options.get("oauth2", {})
    if not opts.get("enabled"):
        return None
    out: list[dict[str, Any]] = []
    for raw in opts.get("providers") or []:
        cfg = load_config(raw) if isinstance(raw, dict) else None
        if cfg is None:
            continue
        state = random_string(30)
        verifier = challenge = method = ""
        if cfg.pkce:
            verifier = random_string(43)
            challenge = s256_challenge(verifier)
            method = "S256"
        url = build_auth_url(cfg, state, challenge)
        out.append(
            {
                "name": cfg.name,
                "displayName": cfg.display_name or cfg.name,
                "logo": cfg.info.logo,
                "state": state,
                "authURL": url,
                "authUrl": url,
                "codeVerifier": verifier,
                "codeChallenge": challenge,
                "codeChallengeMethod": method,
            }
        )
    return out
