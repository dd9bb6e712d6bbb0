"""Auth collection options whose feature does not exist yet.

MFA and OAuth2 sign-in are not built: turning one on is refused with a validation error
instead of being stored and silently ignored. Their default (off) values, which the SDK and
PocketBase exports send, are accepted unchanged."""

from __future__ import annotations

from typing import Any

from roost.errors import field_error

NOT_AVAILABLE = "validation_not_available"


def _on(spec: dict[str, Any], key: str) -> bool:
    option = spec.get(key)
    return isinstance(option, dict) and bool(option.get("enabled"))


def unavailable_auth_options(spec: dict[str, Any]) -> dict[str, Any]:
    """Validation errors, keyed like the submitted options, for each unavailable feature turned on."""
    errors: dict[str, Any] = {}
    if _on(spec, "mfa"):
        errors["mfa"] = {"enabled": field_error(NOT_AVAILABLE, "MFA is not available yet.")}
    # OAuth2 switched on without any provider does nothing in PocketBase either (there is no
    # provider to sign in with), and several real exports carry it that way: accepted, while
    # auth-methods still reports OAuth2 as off. A configured provider is refused.
    if _on(spec, "oauth2") and (spec["oauth2"].get("providers") or []):
        errors["oauth2"] = {"enabled": field_error(NOT_AVAILABLE, "OAuth2 is not available yet.")}
    return errors
