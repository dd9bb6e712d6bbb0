"""The only place where exceptions become PocketBase's error JSON."""

from __future__ import annotations

import logging
import secrets
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


def to_api_error(exc: BaseException, request_id: str = "") -> ApiError:
    """The error as PocketBase's body. Anything unexpected (not a RoostError, or one meant as a
    500, such as a database failure) is logged with a request id and answered with the generic
    500 message: its text never reaches the client."""
    if isinstance(exc, ApiError) and exc.status < 500:
        return exc
    if isinstance(exc, RoostError) and exc.status < 500:
        return ApiError(exc.status, exc.message, exc.data)
    log.error("unexpected error [request %s]: %s", request_id or new_request_id(), exc, exc_info=exc)
    return ApiError(500)


def new_request_id() -> str:
    return secrets.token_hex(8)
