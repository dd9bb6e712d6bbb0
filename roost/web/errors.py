"""The only place where exceptions become PocketBase's error JSON."""

from __future__ import annotations

import logging
from typing import Any

from roost.errors import RoostError

log = logging.getLogger("roost.web")

DEFAULT_MESSAGES = {
    400: "Something went wrong while processing your request.",
    401: "Missing or invalid authentication.",
    403: "You are not allowed to perform this request.",
    404: "The requested resource wasn't found.",
    413: "Request entity too large.",
    429: "Too Many Requests.",
    500: "Something went wrong while processing your request.",
}


def sentenize(message: str) -> str:
    """PocketBase upper-cases the first letter and ends messages with a period."""
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    if message[-1] not in ".!?":
        message += "."
    return message


class ApiError(Exception):
    def __init__(self, status: int, message: str = "", data: dict[str, Any] | None = None) -> None:
        self.status = status
        self.message = sentenize(message or DEFAULT_MESSAGES.get(status, DEFAULT_MESSAGES[400]))
        self.data = data or {}
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        return {"data": self.data, "message": self.message, "status": self.status}


def to_api_error(exc: BaseException) -> ApiError:
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, RoostError):
        return ApiError(exc.status, exc.message, exc.data)
    log.exception("unhandled error", exc_info=exc)
    return ApiError(500)
