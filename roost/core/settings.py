"""Application settings: validated partial updates; secrets are write-only."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

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
                raise BadRequest(f"Invalid settings value for {where!r}: expected an object.")
            _merge_typed(current, value, where)
        elif isinstance(current, bool):
            if not isinstance(value, bool):
                raise BadRequest(f"Invalid settings value for {where!r}: expected true or false.")
            into[key] = value
        elif isinstance(current, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise BadRequest(f"Invalid settings value for {where!r}: expected a number.")
            into[key] = value
        elif isinstance(current, str):
            if not isinstance(value, str):
                raise BadRequest(f"Invalid settings value for {where!r}: expected a string.")
            into[key] = value
        elif isinstance(current, list):
            if not isinstance(value, list):
                raise BadRequest(f"Invalid settings value for {where!r}: expected a list.")
            into[key] = value
        else:
            into[key] = value


def _validate(settings: dict[str, Any]) -> None:
    errors: dict[str, Any] = {}
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
        raise ValidationError(errors, "An error occurred while validating the submitted data.")


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
