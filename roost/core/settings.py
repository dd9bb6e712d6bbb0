"""Application settings: validated partial updates; secrets are write-only."""

from __future__ import annotations

import copy
import ipaddress
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from roost.core import backup_schedule, logs, settings_limits
from roost.core.forms import is_email_format
from roost.cron import CronError
from roost.cron import parse as parse_cron
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


# PocketBase answers a value of the wrong JSON type with its generic loading error
_LOADING_ERROR = "An error occurred while loading the submitted data."


def _merge_typed(into: dict[str, Any], update: dict[str, Any], path: str = "") -> None:
    """Merge `update` into `into`, keeping each known key's JSON type."""
    for key, value in update.items():
        if key not in into:
            continue  # unknown keys are ignored, as PocketBase does
        current = into[key]
        where = f"{path}.{key}" if path else key
        if isinstance(current, dict):
            if not isinstance(value, dict):
                raise BadRequest(_LOADING_ERROR)
            _merge_typed(current, value, where)
        elif isinstance(current, bool):
            if not isinstance(value, bool):
                raise BadRequest(_LOADING_ERROR)
            into[key] = value
        elif isinstance(current, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise BadRequest(_LOADING_ERROR)
            if isinstance(current, int) and isinstance(value, float):
                if not value.is_integer():  # Go decodes into an int field: a fraction is refused
                    raise BadRequest(_LOADING_ERROR)
                value = int(value)
            into[key] = value
        elif isinstance(current, str):
            if not isinstance(value, str):
                raise BadRequest(_LOADING_ERROR)
            into[key] = value
        elif isinstance(current, list):
            if value is None:  # PocketBase reads null as an empty list
                value = []
            if not isinstance(value, list):
                raise BadRequest(_LOADING_ERROR)
            into[key] = value
        else:
            into[key] = value


def _not_available(message: str) -> dict[str, Any]:
    return field_error("validation_not_available", message)


# Settings whose feature does not exist yet: each is accepted only with its default (off) value,
# so the defaults the SDK and PocketBase exports send still save, while turning one on is
# refused instead of being stored and silently ignored. (path, is-on test, message)
_UNAVAILABLE: tuple[tuple[tuple[str, ...], Any, str], ...] = ()


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
    settings_limits.normalize(settings)
    errors: dict[str, Any] = _unavailable_errors(settings)
    errors.update(settings_limits.limit_errors(settings))
    if found := _s3_errors(settings["s3"]):
        errors["s3"] = found
    if found := _s3_errors(settings["backups"]["s3"]):
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
    for key, errs in (("meta", _meta_errors(settings["meta"])), ("smtp", _smtp_errors(settings["smtp"]))):
        if errs:
            errors.setdefault(key, {}).update(errs)
    backups = _backups_errors(settings["backups"])
    if backups:
        errors.setdefault("backups", {}).update(backups)
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
    if errors:
        raise ValidationError(errors, "An error occurred while saving the new settings.")


_HOST_RE = re.compile(
    r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?\.?$"
)
_URL_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/?#]+[^\s]*$")
_REQUIRED = ("validation_required", "Cannot be blank.")


def _is_host(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return len(value) <= 253 and bool(_HOST_RE.match(value))


def _meta_errors(meta: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    for key in ("appName", "senderName"):
        if not meta.get(key):
            errors[key] = field_error(*_REQUIRED)
        elif len(meta[key]) > 255:
            errors[key] = field_error(
                "validation_length_out_of_range", "The length must be between 1 and 255.", min=1, max=255
            )
    if not meta.get("appURL"):
        errors["appURL"] = field_error(*_REQUIRED)
    elif not _URL_RE.match(meta["appURL"]):
        errors["appURL"] = field_error("validation_is_url", "Must be a valid URL.")
    if not meta.get("senderAddress"):
        errors["senderAddress"] = field_error(*_REQUIRED)
    elif not is_email_format(meta["senderAddress"]):
        errors["senderAddress"] = field_error("validation_is_email", "Must be a valid email address.")
    return dict(sorted(errors.items()))


def _smtp_errors(smtp: dict[str, Any]) -> dict[str, Any]:
    """PocketBase's SMTP checks: host and port required when enabled, PLAIN or LOGIN."""
    errors: dict[str, Any] = {}
    enabled = bool(smtp.get("enabled"))
    host, port = smtp.get("host", ""), smtp.get("port", 0)
    if enabled and not host:
        errors["host"] = field_error(*_REQUIRED)
    elif host and not _is_host(host):
        errors["host"] = field_error("validation_is_host", "Must be a valid IP address or DNS name.")
    if port < 0:
        errors["port"] = field_error(
            "validation_min_greater_equal_than_required", "Must be no less than 0.", threshold=0
        )
    elif enabled and not port:
        errors["port"] = field_error(*_REQUIRED)
    if smtp.get("authMethod") not in ("", "PLAIN", "LOGIN"):
        errors["authMethod"] = field_error("validation_in_invalid", "Must be a valid value.")
    if smtp.get("localName") and not _is_host(smtp["localName"]):
        errors["localName"] = field_error("validation_is_host", "Must be a valid IP address or DNS name.")
    return dict(sorted(errors.items()))


def _backups_errors(backups: dict[str, Any]) -> dict[str, Any]:
    """PocketBase's rules: a valid cron expression (or empty); with one, cronMaxKeep is required
    and at least 1 (without, 0 or at least 1)."""
    errors: dict[str, Any] = {}
    cron, keep = backups.get("cron", ""), backups.get("cronMaxKeep", 0)
    if cron:
        try:
            parse_cron(cron)
        except CronError as exc:
            errors["cron"] = field_error("validation_invalid_cron", exc.pocketbase_message)
        if not keep:
            errors["cronMaxKeep"] = field_error("validation_required", "Cannot be blank.")
    if keep and keep < 1:
        errors["cronMaxKeep"] = field_error(
            "validation_min_greater_equal_than_required", "Must be no less than 1.", threshold=1
        )
    return errors


async def update_settings(app: App, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise BadRequest("The settings must be a JSON object.")
    candidate = copy.deepcopy(app.settings)
    _merge_typed(candidate, data)
    _validate(candidate)
    app.settings = candidate
    app.settings_changed()
    await app.save_settings()
    backup_schedule.sync_job(app)
    await logs.settings_saved(app)
    await app.collections_changed()  # other instances and workers reload settings too
    return public_settings(candidate)
