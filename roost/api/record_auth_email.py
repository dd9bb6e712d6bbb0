"""The email flows of auth collections: verification, password reset and email change.

Each request endpoint answers the same whether or not the address belongs to an account (no
enumeration) and mails in the background; each confirm endpoint checks the token (type,
signature with the record's tokenKey + the collection's secret, expiry, collection, email claim)
and saves the record through the record hooks."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from roost.api.record_auth import auth_collection_or_404
from roost.core.app import App
from roost.core.auth import find_by_token
from roost.core.collections import Collection
from roost.core.events import RecordAuthFlowRequestEvent
from roost.core.forms import email_error, raise_if, required, text
from roost.core.record import Record
from roost.core.record_shape import row_to_record, select_sql
from roost.core.record_write import save
from roost.core.records import SUPERUSERS_ID, Caller
from roost.errors import BadRequest, Forbidden, RoostError, Unauthorized, field_error
from roost.security import jwt
from roost.security.passwords import check_password
from roost.web import Request, Response, Router

# a second mail of the same kind to the same record is not sent within this many seconds, by any
# instance (the pause is kept in the rate-limit store: Redis when instances share one)
RESEND_PAUSE = 120.0


def bind(router: Router, app: App) -> None:
    router.post("/api/collections/{collection}/request-verification", lambda r: request_verification(app, r))
    router.post("/api/collections/{collection}/confirm-verification", lambda r: confirm_verification(app, r))
    router.post("/api/collections/{collection}/request-password-reset", lambda r: request_reset(app, r))
    router.post("/api/collections/{collection}/confirm-password-reset", lambda r: confirm_reset(app, r))
    router.post("/api/collections/{collection}/request-email-change", lambda r: request_email_change(app, r))
    router.post("/api/collections/{collection}/confirm-email-change", lambda r: confirm_email_change(app, r))


# --- helpers --------------------------------------------------------------------------------------------
async def form(request: Request) -> dict[str, Any]:
    try:
        data, _ = await request.data()
    except RoostError:
        raise BadRequest("An error occurred while loading the submitted data.") from None
    return data


_NOCASE_EMAIL_INDEX = re.compile(
    r"^\s*CREATE\s+UNIQUE\s+INDEX\b[^(]*\(\s*[`\"\[]?email[`\"\]]?\s+COLLATE\s+NOCASE\s*\)", re.I
)


def email_nocase(coll: Collection) -> bool:
    """Whether emails compare case-insensitively: as in PocketBase, only when the collection's
    unique email index says COLLATE NOCASE (the default index compares them exactly)."""
    return any(_NOCASE_EMAIL_INDEX.match(index) for index in coll.indexes)


async def find_by_email(app: App, coll: Collection, email: str) -> dict[str, Any] | None:
    """The account with this email (PocketBase's FindAuthRecordByEmail)."""
    q = app.dialect.quote
    where = f"LOWER({q('email')}) = LOWER(?)" if email_nocase(coll) else f"{q('email')} = ?"
    row = await app.db.fetch_one(select_sql(coll, q) + f" WHERE {where} LIMIT 1", (email,))
    return row_to_record(coll, row) if row else None


def system_caller(app: App) -> Caller:
    """Saves made by the flows themselves, with a superuser's rights (no rules, no oldPassword)."""
    return Caller(auth={"id": ""}, auth_coll=app.registry.by_id[SUPERUSERS_ID])


async def run_flow(
    app: App,
    hook: str,
    request: Request,
    coll: Collection,
    record: dict[str, Any],
    action: Callable[[RecordAuthFlowRequestEvent], Awaitable[Response]],
    **extra: Any,
) -> Response:
    """The flow's request hook (`app.hooks.<hook>`) around its default action."""
    event = RecordAuthFlowRequestEvent(app, request, collection=coll, record=Record(coll, record), **extra)

    async def default(e: RecordAuthFlowRequestEvent) -> None:
        e.response = await action(e)

    await getattr(app.hooks, hook).trigger(event, default)
    return event.response or Response(204)


def _not_superusers(coll: Collection, message: str) -> None:
    if coll.id == SUPERUSERS_ID:
        raise BadRequest(message)


async def _token_record(
    app: App, coll: Collection, token: str, token_type: str
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(error, record): the field error of a token that is not valid for `coll`, else its record."""
    found = await find_by_token(app, token, token_type)
    if found is None:
        return field_error("validation_invalid_token", "Invalid or expired token."), None
    if found[0].id != coll.id:
        return field_error(
            "validation_token_collection_mismatch", "The provided token is for different auth collection."
        ), None
    return None, found[1]


# --- verification -----------------------------------------------------------------------------------------
async def request_verification(app: App, request: Request) -> Response:
    coll = auth_collection_or_404(app, request.path_params["collection"])
    _not_superusers(coll, "All superusers are verified by default.")
    data = await form(request)
    email = text(data, "email")
    raise_if({"email": email_error(email)})
    record = await find_by_email(app, coll, email)
    if record is None:
        return Response(204)
    key = f"verification:{coll.id}:{record['id']}"
    if not record.get("verified") and await app.limiter.paused(key):
        return Response(204)

    async def send(e: RecordAuthFlowRequestEvent) -> Response:
        from roost.core import mails  # the mail modules load with the first mail

        if e.record.get("verified"):
            return Response(204)
        await app.limiter.pause(key, RESEND_PAUSE)
        found = e.record.data
        mails.send_later(app, "verification email", lambda: mails.send_verification(app, coll, found))
        return Response(204)

    return await run_flow(app, "record_request_verification_request", request, coll, record, send)


async def confirm_verification(app: App, request: Request) -> Response:
    coll = auth_collection_or_404(app, request.path_params["collection"])
    _not_superusers(coll, "All superusers are verified by default.")
    data = await form(request)
    token = text(data, "token")
    if not token:
        raise_if({"token": required()})
    claims = jwt.decode_unverified(token) or {}
    email = claims.get("email")
    if not isinstance(email, str) or not email:
        raise_if({"token": field_error("validation_invalid_token_claims", "Missing email token claim.")})
    error, record = await _token_record(app, coll, token, "verification")
    if record is not None and record.get("email") != email:
        error = field_error(
            "validation_token_email_mismatch",
            "The record email doesn't match with the requested token claims.",
        )
    raise_if({"token": error})
    assert record is not None
    was_verified = bool(record.get("verified"))

    async def verify(e: RecordAuthFlowRequestEvent) -> Response:
        if not was_verified:
            changes: dict[str, Any] = {"verified": True}
            if not coll.options.get("passwordAuth", {}).get("enabled", True):
                # no password sign-in: one set earlier (maybe by someone else) must not survive
                changes.update(_random_password(coll))
            try:
                await save(app, coll, system_caller(app), e.record.data, changes, {}, False, rule=None)
            except RoostError:
                raise BadRequest("An error occurred while saving the verified state.") from None
        await app.limiter.unpause(f"verification:{coll.id}:{e.record.id}")
        return Response(204)

    return await run_flow(app, "record_confirm_verification_request", request, coll, record, verify)


def _random_password(coll: Collection) -> dict[str, str]:
    from roost.security.ids import random_string

    value = random_string(30)
    return {"password": value, "passwordConfirm": value}


# --- password reset ---------------------------------------------------------------------------------------
async def request_reset(app: App, request: Request) -> Response:
    coll = auth_collection_or_404(app, request.path_params["collection"])
    if not coll.options.get("passwordAuth", {}).get("enabled", True):
        raise BadRequest("The collection is not configured to allow password authentication.")
    data = await form(request)
    email = text(data, "email")
    raise_if({"email": email_error(email)})
    record = await find_by_email(app, coll, email)
    if record is None:
        return Response(204)
    key = f"passwordReset:{coll.id}:{record['id']}"
    if await app.limiter.paused(key):
        return Response(204)

    async def send(e: RecordAuthFlowRequestEvent) -> Response:
        from roost.core import mails  # the mail modules load with the first mail

        found = e.record.data

        async def work() -> None:
            await mails.send_password_reset(app, coll, found)
            await app.limiter.pause(key, RESEND_PAUSE)

        mails.send_later(app, "password reset email", work)
        return Response(204)

    return await run_flow(app, "record_request_password_reset_request", request, coll, record, send)


async def confirm_reset(app: App, request: Request) -> Response:
    coll = auth_collection_or_404(app, request.path_params["collection"])
    data = await form(request)
    token, password, confirm = text(data, "token"), text(data, "password"), text(data, "passwordConfirm")
    pw_field = coll.field("password")
    low = max(1, int(pw_field.options.get("min") or 0) if pw_field is not None else 1)
    errors: dict[str, Any] = {}
    if not token:
        errors["token"] = required()
    else:
        errors["token"], _ = await _token_record(app, coll, token, "passwordReset")
    if not password:
        errors["password"] = required()
    elif not low <= len(password) <= 255:
        errors["password"] = field_error(
            "validation_length_out_of_range",
            f"The length must be between {low} and 255.",
            min=low,
            max=255,
        )
    if not confirm:
        errors["passwordConfirm"] = required()
    elif confirm != password:
        errors["passwordConfirm"] = field_error("validation_values_mismatch", "Values don't match.")
    raise_if(errors)
    found = await find_by_token(app, token, "passwordReset")
    if found is None:
        raise BadRequest("Invalid or expired password reset token.")

    async def reset(e: RecordAuthFlowRequestEvent) -> Response:
        record = e.record.data
        changes: dict[str, Any] = {"password": password, "passwordConfirm": password}
        if not record.get("verified"):
            claims = jwt.decode_unverified(token) or {}
            if record.get("email") == claims.get("email"):
                changes["verified"] = True  # the mail reached the address the account still has
        try:
            await save(app, coll, system_caller(app), record, changes, {}, False, rule=None)
        except RoostError as exc:
            if exc.data:
                raise
            raise BadRequest("Failed to set new password.") from None
        await app.limiter.unpause(f"passwordReset:{coll.id}:{record['id']}")
        return Response(204)

    return await run_flow(app, "record_confirm_password_reset_request", request, coll, found[1], reset)


# --- email change -----------------------------------------------------------------------------------------
async def request_email_change(app: App, request: Request) -> Response:
    coll = auth_collection_or_404(app, request.path_params["collection"])
    if request.auth is None:
        raise Unauthorized("The request requires valid record authorization token.")
    auth_coll, record = request.auth
    if auth_coll.id != coll.id:
        raise Forbidden(f"The request requires auth record from {auth_coll.name} collection.")
    _not_superusers(coll, "All superusers can change their emails directly.")
    data = await form(request)
    new_email = text(data, "newEmail")
    error = email_error(new_email)
    if error is None and new_email == record.get("email"):
        error = field_error("validation_not_in_invalid", "Must not be in list.")
    if error is None:
        other = await find_by_email(app, coll, new_email)
        if other is not None and other["id"] != record["id"]:
            error = field_error("validation_invalid_new_email", "Invalid new email address.")
    raise_if({"newEmail": error})

    async def send(e: RecordAuthFlowRequestEvent) -> Response:
        from roost.core import mails  # the mail modules load with the first mail

        try:
            await mails.send_email_change(app, coll, e.record.data, e.new_email)
        except RoostError:
            raise BadRequest("Failed to request email change.") from None
        return Response(204)

    return await run_flow(
        app, "record_request_email_change_request", request, coll, record, send, new_email=new_email
    )


async def _email_change_token(
    app: App, coll: Collection, token: str
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, str]:
    claims = jwt.decode_unverified(token) or {}
    new_email = claims.get("newEmail")
    if not isinstance(new_email, str) or not new_email:
        return (
            field_error("validation_invalid_token_payload", "Invalid token payload - newEmail must be set."),
            None,
            "",
        )
    error, record = await _token_record(app, coll, token, "emailChange")
    if error is not None:
        return error, None, ""
    if await find_by_email(app, coll, new_email) is not None:
        return field_error("validation_invalid_token_email", "The new email address is invalid."), None, ""
    return None, record, new_email


async def confirm_email_change(app: App, request: Request) -> Response:
    coll = auth_collection_or_404(app, request.path_params["collection"])
    _not_superusers(coll, "All superusers can change their emails directly.")
    data = await form(request)
    token, password = text(data, "token"), text(data, "password")
    errors: dict[str, Any] = {}
    record: dict[str, Any] | None = None
    new_email = ""
    if not token:
        errors["token"] = required()
    else:
        errors["token"], record, new_email = await _email_change_token(app, coll, token)
    if not password:
        errors["password"] = required()
    elif len(password) > 100:
        errors["password"] = field_error(
            "validation_length_out_of_range", "The length must be between 1 and 100.", min=1, max=100
        )
    elif record is None or not await check_password(password, str(record.get("password", ""))):
        errors["password"] = field_error(
            "validation_invalid_password", "Missing or invalid auth record password."
        )
    raise_if(errors)
    assert record is not None

    async def change(e: RecordAuthFlowRequestEvent) -> Response:
        changes = {"email": e.new_email, "verified": True}
        try:
            await save(app, coll, system_caller(app), e.record.data, changes, {}, False, rule=None)
        except RoostError as exc:
            if exc.data:
                raise
            raise BadRequest("Failed to confirm email change.") from None
        return Response(204)

    return await run_flow(
        app, "record_confirm_email_change_request", request, coll, record, change, new_email=new_email
    )
