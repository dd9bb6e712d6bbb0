"""Small checks shared by the request forms of the auth flows and settings, with PocketBase's
(ozzo-validation's) error codes and messages."""

from __future__ import annotations

import re
from typing import Any

from roost.errors import ValidationError, field_error

# ozzo-validation's is.EmailFormat
_EMAIL_RE = re.compile(
    r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$"
)
VALIDATION_MESSAGE = "An error occurred while validating the submitted data."


def is_email_format(value: str) -> bool:
    return bool(_EMAIL_RE.match(value))


def required() -> dict[str, Any]:
    return field_error("validation_required", "Cannot be blank.")


def text(data: dict[str, Any], key: str) -> str:
    """A submitted value as a string ("" when missing or not a string)."""
    value = data.get(key)
    return value if isinstance(value, str) else ""


def email_error(value: str) -> dict[str, Any] | None:
    """Required, at most 255 characters, an email address."""
    if not value:
        return required()
    if len(value) > 255:
        return field_error(
            "validation_length_out_of_range", "The length must be between 1 and 255.", min=1, max=255
        )
    if not is_email_format(value):
        return field_error("validation_is_email", "Must be a valid email address.")
    return None


def raise_if(errors: dict[str, Any | None], message: str = VALIDATION_MESSAGE) -> None:
    found = {k: v for k, v in sorted(errors.items()) if v is not None}
    if found:
        raise ValidationError(found, message)
