"""The JSON types of a submitted collection definition, checked before anything else.

PocketBase decodes a definition into typed Go structs, so an option of the wrong JSON type
(`"max": "abc"`, `"values": "x"`, `"required": "yes"`), an unknown or missing field type, or a
field that is not an object fails the whole request with a generic 400 and no field data.
Null leaves an option at its default, as Go's decoder does."""

from __future__ import annotations

from typing import Any

from roost.core.collections import RULE_NAMES
from roost.core.fields import FIELD_TYPES
from roost.errors import BadRequest, field_error

INVALID_DATA = "Failed to load the submitted data due to invalid formatting."
INVALID_TYPE_DATA = "Failed to load the collection type data due to invalid formatting."

_COMMON = {
    "id": "",
    "name": "",
    "help": "",
    "type": "",
    "hidden": False,
    "presentable": False,
    "system": False,
}


def _fits(value: Any, default: Any) -> bool:
    if value is None:
        return True
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return type(value) is int and -(2**63) <= value < 2**63
    if isinstance(default, str):
        return isinstance(value, str)
    if isinstance(default, list):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if default is None:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return True


def check_format(data: Any) -> None:
    """Raise PocketBase's formatting error for a definition whose JSON types are wrong."""
    if not isinstance(data, dict):
        raise BadRequest(INVALID_TYPE_DATA)
    for key in ("name", "type", "viewQuery"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise BadRequest(INVALID_TYPE_DATA)
    for rule in RULE_NAMES:
        if data.get(rule) is not None and not isinstance(data[rule], str):
            raise BadRequest(INVALID_DATA)
    indexes = data.get("indexes")
    if indexes is not None and not (isinstance(indexes, list) and all(isinstance(i, str) for i in indexes)):
        raise BadRequest(INVALID_DATA)
    fields = data.get("fields")
    if fields is None:
        return
    if not isinstance(fields, list):
        raise BadRequest(INVALID_DATA)
    for spec in fields:
        if not isinstance(spec, dict):
            raise BadRequest(INVALID_DATA)
        cls = FIELD_TYPES.get(spec["type"]) if isinstance(spec.get("type"), str) else None
        if cls is None:
            raise BadRequest(INVALID_DATA)
        expected = {**_COMMON, **cls.defaults}
        for key, value in spec.items():
            if key in expected and not _fits(value, expected[key]):
                raise BadRequest(INVALID_DATA)


def _at_least(threshold: int) -> dict[str, Any]:
    return field_error(
        "validation_min_greater_equal_than_required",
        f"Must be no less than {threshold}.",
        threshold=threshold,
    )


def bound_errors(field: Any) -> dict[str, Any] | None:
    """Integer options below their lower bound (sizes and counts are never negative; a set
    password minimum is at least 1; a set `max` is at least `min`), as PocketBase reports them."""
    errors: dict[str, Any] = {}
    for key, default in type(field).defaults.items():
        value = field.options.get(key)
        if (
            key == "cost"
            or isinstance(default, bool)
            or not isinstance(default, int)
            or type(value) is not int
        ):
            continue
        threshold = 1 if field.type == "password" and key == "min" else 0
        if value < threshold and not (threshold and value == 0):
            errors[key] = _at_least(threshold)
    lo, hi = field.options.get("min"), field.options.get("max")
    if field.type != "number" and type(lo) is int and type(hi) is int and hi and lo > 0 and hi < lo:
        errors.setdefault("max", _at_least(lo))
    return errors or None
