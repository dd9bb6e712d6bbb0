"""Application settings: validated partial updates; secrets are write-only."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from roost.core.app import DEFAULT_SETTINGS
from roost.errors import BadRequest, ValidationError, field_error

if TYPE_CHECKING:
    from roost.core.app import App

# (path, ...) of values never sent back to clients
SECRET_PATHS = (("smtp", "password"), ("s3", "secret"), ("backups", "s3", "secret"))


def public_settings(settings: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(settings)
    for path in SECRET_PATHS:
        node = out
        for key in path[:-1]:
            node = node.get(key, {})
        if isinstance(node, dict):
            node.pop(path[-1], None)
    return out


def _merge_typed(into: dict[str, Any], update: dict[str, Any], path: str = "") -> None:
    """Merge `update` into `into`, keeping each known key's JSON type."""
    for key, value in update.items():
        if key not in into:
            continue  # unknown keys are ignored, as PocketBase does
        current = into[key]
        where = f"{path}.{key}" if path else key
        if isinstance(current, dict):
            if not isinstance(value, dict):
                raise BadRequest(f"Invalid settings value for '{where}': expected an object.")
            _merge_typed(current, value, where)
        elif isinstance(current, bool):
            if not isinstance(value, bool):
                raise BadRequest(f"Invalid settings value for '{where}': expected true or false.")
            into[key] = value
        elif isinstance(current, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise BadRequest(f"Invalid settings value for '{where}': expected a number.")
            into[key] = value
        elif isinstance(current, str):
            if not isinstance(value, str):
                raise BadRequest(f"Invalid settings value for '{where}': expected a string.")
            into[key] = value
        elif isinstance(current, list):
            if not isinstance(value, list):
                raise BadRequest(f"Invalid settings value for '{where}': expected a list.")
            into[key] = value
        else:
            into[key] = value


def _not_available(message: str) -> dict[str, Any]:
    return field_error("validation_not_available", message)


# Settings whose feature does not exist yet: each is accepted only with its default (off) value,
# so the defaults the SDK and PocketBase exports send still save, while turning one on is
# refused instead of being stored and silently ignored. (path, is-on test, message)
_UNAVAILABLE: tuple[tuple[tuple[str, ...], Any, str], ...] = (
    (("smtp", "enabled"), bool, "Sending emails through SMTP is not available yet."),
    (("backups", "cron"), bool, "Scheduled backups are not available yet."),
    (("backups", "s3", "enabled"), bool, "Backups to S3 are not available yet."),
    (("rateLimits", "enabled"), bool, "Rate limiting is not available yet."),
    (("trustedProxy", "headers"), bool, "Trusted proxy headers are not available yet."),
    (("superuserIPs",), bool, "Restricting superusers to IP addresses is not available yet."),
)
# PocketBase's request logs kept in its database (`/api/logs`); Roost logs requests to the
# console instead (`roost serve --log-format`), so these keep their defaults, or `maxDays: 0`
# (PocketBase's way of switching those logs off, which is what Roost does anyway).
_LOGS_MESSAGE = (
    "Request logs stored in the database are not available yet; requests are logged to the console."
)


def _unavailable_errors(settings: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    for path, is_on, message in _UNAVAILABLE:
        node: Any = settings
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if is_on(node):
            target = errors
            for key in path[:-1]:
                target = target.setdefault(key, {})
            target[path[-1]] = _not_available(message)
    logs, default_logs = settings.get("logs", {}), DEFAULT_SETTINGS["logs"]
    if logs.get("maxDays") != 0:
        for key, default in default_logs.items():
            if logs.get(key, default) != default:
                errors.setdefault("logs", {})[key] = _not_available(_LOGS_MESSAGE)
    return errors


def is_url(value: str) -> bool:
    """ozzo's is.URL as PocketBase uses it: a scheme is optional (`minio:9000` passes), a bare
    word without a dot or port does not."""
    if any(c.isspace() for c in value) or len(value) >= 2083:
        return False
    try:
        parts = urlsplit(value if "://" in value else "http://" + value)
        port = parts.port
    except ValueError:
        return False
    host = parts.hostname or ""
    if not host:
        return False
    return "://" in value or "." in host or port is not None or host == "localhost"


def _s3_errors(config: dict[str, Any]) -> dict[str, Any]:
    """PocketBase's S3Config rules: everything required once enabled, the endpoint a URL."""
    errors: dict[str, Any] = {}
    endpoint = config.get("endpoint") or ""
    if endpoint and not is_url(endpoint):
        errors["endpoint"] = field_error("validation_is_url", "Must be a valid URL.")
    if config.get("enabled"):
        for key in ("endpoint", "bucket", "region", "accessKey", "secret"):
            if not config.get(key) and key not in errors:
                errors[key] = field_error("validation_required", "Cannot be blank.")
    return errors


def _validate(settings: dict[str, Any]) -> None:
    errors: dict[str, Any] = _unavailable_errors(settings)
    if found := _s3_errors(settings["s3"]):
        errors["s3"] = found
    # backups.s3 switched on is refused as not available: that is then the one error it gets
    if "s3" not in errors.get("backups", {}) and (found := _s3_errors(settings["backups"]["s3"])):
        errors.setdefault("backups", {})["s3"] = found
    batch = settings["batch"]
    batch_errors = {}
    if batch["maxRequests"] < 0:
        batch_errors["maxRequests"] = field_error(
            "validation_min_greater_equal_than_required", "Must be no less than 0.", threshold=0
        )
    if batch["timeout"] < 0:
        batch_errors["timeout"] = field_error(
            "validation_min_greater_equal_than_required", "Must be no less than 0.", threshold=0
        )
    if batch_errors:
        errors["batch"] = batch_errors
    if not settings["meta"]["appName"]:
        errors["meta"] = {"appName": field_error("validation_required", "Cannot be blank.")}
    if errors:
        raise ValidationError(errors, "An error occurred while saving the new settings.")


async def update_settings(app: App, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise BadRequest("The settings must be a JSON object.")
    candidate = copy.deepcopy(app.settings)
    _merge_typed(candidate, data)
    _validate(candidate)
    app.settings = candidate
    await app.save_settings()
    await app.collections_changed()  # other instances and workers reload settings too
    return public_settings(candidate)
