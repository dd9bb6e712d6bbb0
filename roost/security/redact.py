"""Credentials kept out of logs: query values that carry them are masked."""

from __future__ import annotations

from urllib.parse import unquote_plus

# query parameters whose values are credentials: masked in logged URLs
SECRET_QUERY_KEYS = frozenset(
    {
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "auth",
        "authorization",
        "password",
        "passwordconfirm",
        "oldpassword",
        "secret",
        "code",
        "key",
        "apikey",
        "api_key",
        "sig",
        "signature",
    }
)


def safe_query(raw: bytes) -> str:
    """The query string with credential values replaced by `***`."""
    text = raw.decode("latin-1")
    parts = text.split("&")
    for i, part in enumerate(parts):
        key, sep, _ = part.partition("=")
        if sep and unquote_plus(key).strip().lower() in SECRET_QUERY_KEYS:
            parts[i] = f"{key}=***"
    return "&".join(parts)
