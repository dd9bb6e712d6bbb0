"""One-time password sign-in: `request-otp` mails a code, `auth-with-otp` trades it for a token.

request-otp answers `{otpId}` for unknown addresses too (a random id), so it reveals no
accounts; at most 10 unexpired codes are issued per record (further requests reuse the newest).
auth-with-otp allows 5 attempts per record and client address in 180 s, then answers 429."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from roost.api.record_auth import auth_collection_or_404, auth_response
from roost.api.record_auth_email import find_by_email, form, run_flow, system_caller
from roost.core import otps, records
from roost.core.app import App
from roost.core.collections import Collection
from roost.core.events import MailerRecordEvent, RecordAuthFlowRequestEvent
from roost.core.forms import email_error, raise_if, required, text
from roost.core.record import Record
from roost.core.record_write import save
from roost.errors import BadRequest, Forbidden, RoostError, TooManyRequests, field_error
from roost.security.ids import random_id, random_string
from roost.security.passwords import check_password
from roost.web import Request, Response, Router, json_response

_INVALID = "Invalid or expired OTP."
_MAX_RECENT = 10


def bind(router: Router, app: App) -> None:
    router.post("/api/collections/{collection}/request-otp", lambda r: request_otp(app, r))
    router.post("/api/collections/{collection}/auth-with-otp", lambda r: auth_with_otp(app, r))


def _otp_collection(app: App, request: Request) -> Collection:
    coll = auth_collection_or_404(app, request.path_params["collection"])
    if not coll.options.get("otp", {}).get("enabled"):
        raise Forbidden("The collection is not configured to allow OTP authentication.")
    return coll


def _new_code(length: int) -> str:
    return "".join(secrets.choice("1234567890") for _ in range(max(length, 1)))


async def request_otp(app: App, request: Request) -> Response:
    coll = _otp_collection(app, request)
    data = await form(request)
    email = text(data, "email")
    raise_if({"email": email_error(email)})
    record = await find_by_email(app, coll, email)
    if record is None:
        return json_response({"otpId": random_id()})
    otp_opts = coll.options.get("otp", {})
    duration = int(otp_opts.get("duration", 0) or 0)
    existing = await otps.recent_for(app, coll, record["id"])
    if sum(1 for o in existing if not otps.has_expired(o, duration)) >= _MAX_RECENT:
        return json_response({"otpId": existing[0]["id"]})  # too many requests: the newest again

    async def issue(e: RecordAuthFlowRequestEvent) -> Response:
        from roost.core import mails  # the mail modules load with the first mail

        found, code = e.record.data, e.password
        otp = await otps.create(app, coll, found["id"], code)

        async def mark_sent(m: MailerRecordEvent) -> None:
            if m.message.to:
                await otps.set_sent_to(app, otp["id"], m.message.to[0].address)

        async def work() -> None:
            try:
                await mails.send_otp(app, coll, found, otp["id"], code, after=mark_sent)
            except Exception:
                stored = await otps.find(app, otp["id"])
                if stored is not None:
                    await otps.delete(app, stored)
                raise

        mails.send_later(app, "OTP email", work)
        return json_response({"otpId": otp["id"]})

    code = _new_code(int(otp_opts.get("length", 8) or 8))
    return await run_flow(app, "record_request_otp_request", request, coll, record, issue, password=code)


async def _attempt_allowed(app: App, request: Request, record_id: str) -> bool:
    """PocketBase's extra rule against guessing codes: 5 attempts per record and client IP in a
    fixed window of 180 s. Counted in the rate-limit store, as PocketBase does, so with `--redis`
    every worker and instance shares one count; saving new rate-limit rules starts it afresh."""
    ip = app.policy.real_ip(request)
    if not ip:
        return True
    key = f"{app.policy.generation}|@pb_otp_{record_id}|{ip}"
    hit = await app.limiter.hit(key, otps.MAX_ATTEMPTS, otps.ATTEMPTS_WINDOW)
    return hit.allowed


async def auth_with_otp(app: App, request: Request) -> Response:
    coll = _otp_collection(app, request)
    data = await form(request)
    otp_id, password = text(data, "otpId"), text(data, "password")
    errors: dict[str, Any] = {}
    if not otp_id:
        errors["otpId"] = required()
    elif len(otp_id) > 255:
        errors["otpId"] = field_error(
            "validation_length_out_of_range", "The length must be between 1 and 255.", min=1, max=255
        )
    if not password:
        errors["password"] = required()
    elif len(password) > 71:
        errors["password"] = field_error(
            "validation_length_out_of_range", "The length must be between 1 and 71.", min=1, max=71
        )
    raise_if(errors)
    otp = await otps.find(app, otp_id)
    if otp is None or not hmac.compare_digest(str(otp.get("collectionRef", "")), coll.id):
        raise BadRequest(_INVALID)
    if otps.has_expired(otp, int(coll.options.get("otp", {}).get("duration", 0) or 0)):
        raise BadRequest(_INVALID)
    record = await records.fetch_record(app, coll, str(otp.get("recordRef", "")))
    if record is None:
        raise BadRequest(_INVALID)
    if not await _attempt_allowed(app, request, str(record["id"])):
        raise TooManyRequests("Too many attempts, please try again later with a new OTP.")
    if not await check_password(password, str(otp.get("password", ""))):
        raise BadRequest(_INVALID)

    async def sign_in(e: RecordAuthFlowRequestEvent) -> Response:
        used = e.otp.data if e.otp is not None else otp
        await otps.delete(app, used)  # used once, before the password change below drops the others
        found = e.record.data
        sent_to = str(used.get("sentTo", ""))
        if not found.get("verified") and sent_to and found.get("email") == sent_to:
            # the code reached the account's address: it is verified now; a password set before
            # that (possibly by someone else) is replaced unless MFA will still ask for it
            changes: dict[str, Any] = {"verified": True}
            if not coll.options.get("mfa", {}).get("enabled"):
                value = random_string(30)
                changes.update(password=value, passwordConfirm=value)
            try:
                found = await save(app, coll, system_caller(app), found, changes, {}, False, rule=None)
            except RoostError:
                pass  # as PocketBase: the sign-in still succeeds, unverified
        await _check_auth_rule(app, request, coll, found)
        return await auth_response(app, request, coll, found, auth_method="otp")

    return await run_flow(
        app,
        "record_auth_with_otp_request",
        request,
        coll,
        record,
        sign_in,
        otp=Record(otps.collection(app), otp),
    )


async def _check_auth_rule(app: App, request: Request, coll: Collection, record: dict[str, Any]) -> None:
    auth_rule = coll.rules.get("authRule")
    if auth_rule is None:
        raise Forbidden("The request doesn't satisfy the collection requirements to authenticate.")
    if auth_rule:
        caller = records.Caller(auth=record, auth_coll=coll)
        caller.info.auth, caller.info.auth_collection, caller.info.context = record, coll, "otp"
        if not await records.rule_matches(app, coll, auth_rule, record["id"], caller):
            raise Forbidden("The request doesn't satisfy the collection requirements to authenticate.")
