"""Subscription strings: `topic` or `topic?options=<urlencoded JSON {"query":{...},"headers":{...}}>`.

The whole string is the subscription's key (and the SSE event name); only the part before
`?` selects records. Options that do not parse are ignored, as PocketBase does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import orjson

from roost.errors import BadRequest, ValidationError

MAX_SUBSCRIPTIONS = 1000
MAX_SUBSCRIPTION_LENGTH = 2500


@dataclass(frozen=True, slots=True)
class Subscription:
    key: str
    topic: str
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    out: dict[str, str] = {}
    for k, v in value.items():
        if v is None:
            v = ""
        elif isinstance(v, bool):
            v = "true" if v else "false"
        elif not isinstance(v, str):
            v = orjson.dumps(v).decode() if isinstance(v, (dict, list)) else str(v)
        out[str(k)] = v
    return out


def parse_subscription(key: str) -> Subscription:
    topic, sep, raw_query = key.partition("?")
    if not sep:
        return Subscription(key, topic)
    raw = parse_qs(raw_query).get("options", [""])[0]
    try:
        options = orjson.loads(raw) if raw else {}
    except orjson.JSONDecodeError:
        options = {}
    if not isinstance(options, dict):
        options = {}
    # header names as rules read them: lower case, dashes as underscores
    headers = {k.lower().replace("-", "_"): v for k, v in _strings(options.get("headers")).items()}
    return Subscription(key, topic, _strings(options.get("query")), headers)


def parse_subscribe(body: Any) -> tuple[str, list[str]]:
    """`{clientId, subscriptions}` checked as PocketBase does: wrong JSON types are a plain
    400, out-of-range lengths a 400 with field errors."""
    if not isinstance(body, dict):
        raise BadRequest()
    client_id = body.get("clientId", "")
    keys = body.get("subscriptions")
    if keys is None:
        keys = []
    if not isinstance(client_id, str) or not isinstance(keys, list):
        raise BadRequest()
    if not all(isinstance(k, str) for k in keys):
        raise BadRequest()
    errors = validate(client_id, keys)
    if errors:
        raise ValidationError(errors)
    return client_id, keys


def validate(client_id: str, subscriptions: list[str]) -> dict[str, Any]:
    """PocketBase's form rules for POST /api/realtime, as {field: error} (empty when valid)."""
    errors: dict[str, Any] = {}
    if not client_id:
        errors["clientId"] = {"code": "validation_required", "message": "Cannot be blank."}
    elif len(client_id) > 255:
        errors["clientId"] = _length_error(1, 255)
    if len(subscriptions) > MAX_SUBSCRIPTIONS:
        errors["subscriptions"] = _length_error(0, MAX_SUBSCRIPTIONS)
    else:
        too_long = {
            str(i): _length_error(0, MAX_SUBSCRIPTION_LENGTH)
            for i, s in enumerate(subscriptions)
            if len(s) > MAX_SUBSCRIPTION_LENGTH
        }
        if too_long:
            errors["subscriptions"] = too_long
    return errors


def _length_error(lo: int, hi: int) -> dict[str, Any]:
    """ozzo-validation's Length(lo, hi) error, as PocketBase reports it."""
    if lo == 0:
        code, message = "validation_length_too_long", f"The length must be no more than {hi}."
    else:
        code, message = "validation_length_out_of_range", f"The length must be between {lo} and {hi}."
    return {"code": code, "message": message, "params": {"max": hi, "min": lo}}
