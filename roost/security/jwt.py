"""HS256 JSON Web Tokens, the only kind PocketBase issues.

Hand-rolled on hmac + orjson: signing and verifying cost a few microseconds, against
~35 µs through a general JWT library, and this runs on every authenticated request.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

import orjson

_HEADER = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _unb64(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def sign(claims: dict[str, Any], secret: str) -> str:
    payload = _b64(orjson.dumps(claims, option=orjson.OPT_SORT_KEYS))
    signing_input = _HEADER + b"." + payload
    sig = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + _b64(sig)).decode()


def decode_unverified(token: str) -> dict[str, Any] | None:
    """The claims of a well-formed token, without checking its signature (to find the key)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = orjson.loads(_unb64(parts[1]))
    except (ValueError, orjson.JSONDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def verify(token: str, secret: str, now: float | None = None) -> bool:
    """True when the HS256 signature matches (constant-time) and `exp` is in the future."""
    try:
        head, payload, sig = token.split(".")
        header = orjson.loads(_unb64(head))
        if not isinstance(header, dict) or header.get("alg") != "HS256":
            return False
        expected = hmac.new(secret.encode(), f"{head}.{payload}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(sig)):
            return False
        claims = orjson.loads(_unb64(payload))
    except (ValueError, orjson.JSONDecodeError):
        return False
    exp = claims.get("exp") if isinstance(claims, dict) else None
    if not isinstance(exp, (int, float)):
        return False
    return exp > (now if now is not None else time.time())
