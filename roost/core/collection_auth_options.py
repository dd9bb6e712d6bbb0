"""Checks of the auth options of a collection definition (OAuth2 providers, MFA), as PocketBase
validates them; password, OTP, MFA and OAuth2 sign-in are all built."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from roost.errors import field_error
from roost.oauth2 import PROVIDERS


def _on(spec: dict[str, Any], key: str) -> bool:
    option = spec.get(key)
    return isinstance(option, dict) and bool(option.get("enabled"))


def _is_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


def _provider_errors(providers: Any) -> dict[str, Any]:
    if not isinstance(providers, list):
        return {"providers": field_error("validation_invalid_value", "Must be a list of providers.")}
    # duplicates first, as PocketBase checks the list before its items
    seen: set[str] = set()
    for i, p in enumerate(providers):
        name = str(p.get("name") or "") if isinstance(p, dict) else ""
        if name and name in seen:
            message = f"The provider {name} is already registered."
            return {
                "providers": {
                    str(i): {"name": field_error("validation_duplicated_provider", message, name=name)}
                }
            }
        seen.add(name)
    errors: dict[str, Any] = {}
    for i, p in enumerate(providers):
        if not isinstance(p, dict):
            errors[str(i)] = field_error("validation_invalid_value", "Must be an object.")
            continue
        one: dict[str, Any] = {}
        pname = p.get("name")
        if not pname:
            one["name"] = field_error("validation_required", "Cannot be blank.")
        elif pname not in PROVIDERS:
            message = f"Invalid or missing provider with name {pname}."
            one["name"] = field_error("validation_missing_provider", message, name=pname)
        for key in ("clientId", "clientSecret"):
            if not p.get(key):
                one[key] = field_error("validation_required", "Cannot be blank.")
        for key in ("authURL", "tokenURL", "userInfoURL"):
            if p.get(key) and not _is_url(p.get(key)):
                one[key] = field_error("validation_is_url", "Must be a valid URL.")
        if one:
            errors[str(i)] = one
    return {"providers": errors} if errors else {}


def _duration_error(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, int | float) or isinstance(value, bool) or value == 0:
        return field_error("validation_required", "Cannot be blank.")
    if value < 10:
        return field_error(
            "validation_min_greater_equal_than_required", "Must be no less than 10.", threshold=10
        )
    if value > 86400:
        return field_error(
            "validation_max_less_equal_than_required", "Must be no greater than 86400.", threshold=86400
        )
    return None


def auth_option_errors(spec: dict[str, Any]) -> dict[str, Any]:
    """Validation errors, keyed like the submitted options."""
    errors: dict[str, Any] = {}
    if _on(spec, "oauth2"):
        provider_errors = _provider_errors(spec["oauth2"].get("providers") or [])
        if provider_errors:
            errors["oauth2"] = provider_errors
    if _on(spec, "mfa"):
        mfa = spec["mfa"]
        duration_error = _duration_error(mfa.get("duration"))
        if duration_error is not None:
            errors["mfa"] = {"duration": duration_error}
        elif sum(_on(spec, k) for k in ("passwordAuth", "oauth2", "otp")) < 2:
            errors["mfa"] = {
                "enabled": field_error(
                    "validation_mfa_not_enough_auths", "MFA requires at least 2 auth methods to be enabled."
                )
            }
    return errors


_PROVIDER_KEYS = (
    "pkce",
    "name",
    "clientId",
    "clientSecret",
    "authURL",
    "tokenURL",
    "userInfoURL",
    "displayName",
)


def merge_providers(old: dict[str, Any], new: dict[str, Any]) -> Any:
    """Submitted providers over the stored ones at the same position, as PocketBase decodes them
    (so a write-only clientSecret left out of an edit is kept), in its stored shape."""
    submitted = new.get("providers", old.get("providers"))
    if not isinstance(submitted, list):
        return submitted
    stored = old.get("providers")
    before: list[Any] = stored if isinstance(stored, list) else []
    out: list[Any] = []
    for i, p in enumerate(submitted):
        if not isinstance(p, dict):
            out.append(p)
            continue
        prev = before[i] if i < len(before) and isinstance(before[i], dict) else {}
        merged = {**prev, **{k: v for k, v in p.items() if k != "clientSecret" or v}}
        entry: dict[str, Any] = {k: merged.get(k, None if k == "pkce" else "") for k in _PROVIDER_KEYS}
        extra = merged.get("extra")
        entry["extra"] = extra if isinstance(extra, dict) else {}
        out.append(entry)
    return out
