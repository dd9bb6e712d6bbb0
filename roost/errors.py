"""The one error tree of Roost.

    RoostError                  anything Roost raises on purpose; carries an HTTP status
    ├── BadRequest        400   the request cannot be processed as sent
    │   └── ValidationError     field errors: {field: {code, message, params?}}
    ├── Unauthorized      401   missing or invalid authentication
    ├── Forbidden         403   authenticated (or not) but not allowed
    ├── NotFound          404   no such resource, or hidden by a rule
    ├── PayloadTooLarge   413   request body over the configured limit
    └── TooManyRequests   429

`web.errors.to_api_error` is the only place that turns these into PocketBase's
`{"data": {...}, "message": "...", "status": N}` body. Nothing here imports Roost.
"""

from __future__ import annotations

from typing import Any


class RoostError(Exception):
    status = 400
    default_message = "Something went wrong while processing your request."

    def __init__(self, message: str | None = None, data: dict[str, Any] | None = None) -> None:
        self.message = message or self.default_message
        self.data = data or {}
        super().__init__(self.message)


class BadRequest(RoostError):
    status = 400


class ValidationError(BadRequest):
    """Field errors as data. `fields` maps a field name to {code, message, params?}."""

    def __init__(self, fields: dict[str, Any], message: str | None = None) -> None:
        super().__init__(message, fields)

    @property
    def fields(self) -> dict[str, Any]:
        return self.data


class Unauthorized(RoostError):
    status = 401
    default_message = "Missing or invalid authentication."


class Forbidden(RoostError):
    status = 403
    default_message = "You are not allowed to perform this request."


class NotFound(RoostError):
    status = 404
    default_message = "The requested resource wasn't found."


class PayloadTooLarge(RoostError):
    status = 413
    default_message = "Request entity too large."


class TooManyRequests(RoostError):
    status = 429
    default_message = "Too Many Requests."


def field_error(code: str, message: str, **params: Any) -> dict[str, Any]:
    """One validation entry in PocketBase's shape."""
    err: dict[str, Any] = {"code": code, "message": message}
    if params:
        err["params"] = params
    return err
