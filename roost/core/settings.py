"""Application settings: validated partial updates; secrets are write-only."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from roost.core import logs
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
    (("s3", "enabled"), bool, "S3 file storage is not available yet."),
    (("backups", "cron"), bool, "Scheduled backups are not available yet."),
    (("backups", "s3", "enabled"), bool, "Backups to S3 are not available yet."),
    (("rateLimits", "enabled"), bool, "Rate limiting is not available yet."),
    (("trustedProxy", "headers"), bool, "Trusted proxy headers are not available yet."),
    (("superuserIPs",), bool, "Restricting superusers to IP addresses is not available yet."),
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
    return errors


def _validate(settings: dict[str, Any]) -> None:
    errors: dict[str, Any] = _unavailable_errors(settings)
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
    log_cfg = settings["logs"]
    for key in ("maxDays", "minLevel", "maxDataSize"):
        if not isinstance(log_cfg[key], int) or not -(2**53) < log_cfg[key] < 2**53:
            raise BadRequest("An error occurred while loading the submitted data.")  # Go's int
    logs_errors = {
        key: field_error("validation_min_greater_equal_than_required", "Must be no less than 0.", threshold=0)
        for key in ("maxDataSize", "maxDays")
        if log_cfg[key] < 0
    }
    if logs_errors:
        errors["logs"] = logs_errors
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
    await logs.settings_saved(app)
    await app.collections_changed()  # other instances and workers reload settings too
    return public_settings(candidate)
