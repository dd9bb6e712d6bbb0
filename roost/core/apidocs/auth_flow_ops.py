"""The email and one-time-password flows of one auth collection, under its own paths:
verification, password reset, email change, request-otp, auth-with-otp, auth-with-oauth2 and
impersonate.

As PocketBase offers them: password reset where password sign-in is on, OTP where it is
enabled, verification and email change for every auth collection but `_superusers` (always
verified, changing their email directly), and request-email-change only for the collection's
own signed-in records; OAuth2 where it is enabled, impersonate for superusers. With MFA on, a
sign-in by one method answers 401 `{mfaId}` for the second one."""

from __future__ import annotations

from typing import Any

from roost.core.apidocs.audience import SUPERUSERS_ID, Audience, password_auth
from roost.core.apidocs.shared import (
    NO_CONTENT,
    OPTIONAL_AUTH,
    RECORD_PARAMS,
    REQUIRED_AUTH,
    errors,
    json_body,
    json_response,
    params,
    ref,
)
from roost.core.collections import Collection

FLOW_PATHS = (
    "request-verification",
    "confirm-verification",
    "request-password-reset",
    "confirm-password-reset",
    "request-email-change",
    "confirm-email-change",
    "request-otp",
    "auth-with-otp",
    "auth-with-oauth2",
    "impersonate/{id}",
)


def _body(required: list[str], **props: dict[str, Any]) -> dict[str, Any]:
    return json_body({"type": "object", "properties": props, "required": required})


_EMAIL: dict[str, Any] = {"type": "string", "format": "email", "maxLength": 255}
_TOKEN: dict[str, Any] = {"type": "string", "minLength": 1, "description": "The token from the mail."}
_MFA_ID: dict[str, Any] = {"type": "string", "description": "With MFA: the id a first sign-in answered."}
_SENT = "Answered the same whether or not an account has this address; the mail is sent in the background."


def _op(
    name: str, op_id: str, summary: str, body: dict[str, Any], responses: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {
        "operationId": f"{op_id}_{name}",
        "tags": [name],
        "summary": summary,
        "security": OPTIONAL_AUTH,
        "requestBody": body,
        **extra,
        "responses": responses,
    }


def flow_paths(coll: Collection, audience: Audience, type_name: str) -> dict[str, Any]:
    base = f"/api/collections/{coll.name}"
    name = coll.name
    paths: dict[str, Any] = {}
    done = {"204": NO_CONTENT, **errors(400, 404)}
    if coll.id != SUPERUSERS_ID:
        paths[f"{base}/request-verification"] = _op(
            name,
            "request_verification",
            f"Mail a verification link to a {name} record",
            _body(["email"], email=_EMAIL),
            done,
            description=_SENT,
        )
        paths[f"{base}/confirm-verification"] = _op(
            name,
            "confirm_verification",
            f"Verify a {name} record with the mailed token",
            _body(["token"], token=_TOKEN),
            done,
        )
    if password_auth(coll):
        paths[f"{base}/request-password-reset"] = _op(
            name,
            "request_password_reset",
            f"Mail a password reset link to a {name} record",
            _body(["email"], email=_EMAIL),
            done,
            description=_SENT,
        )
        paths[f"{base}/confirm-password-reset"] = _op(
            name,
            "confirm_password_reset",
            f"Set a new {name} password with the mailed token",
            _body(
                ["token", "password", "passwordConfirm"],
                token=_TOKEN,
                password={"type": "string", "minLength": 1, "maxLength": 255, "writeOnly": True},
                passwordConfirm={"type": "string", "minLength": 1, "maxLength": 255, "writeOnly": True},
            ),
            done,
            description="Also verifies the record when the mail went to its current address.",
        )
    if coll.id != SUPERUSERS_ID:
        if audience.collection_id == coll.id:
            paths[f"{base}/request-email-change"] = _op(
                name,
                "request_email_change",
                f"Mail a confirmation link to a new address of the signed-in {name} record",
                _body(["newEmail"], newEmail=_EMAIL),
                {"204": NO_CONTENT, **errors(400, 401, 403, 404)},
                security=REQUIRED_AUTH,
            )
        paths[f"{base}/confirm-email-change"] = _op(
            name,
            "confirm_email_change",
            f"Change a {name} record's email with the mailed token and its password",
            _body(
                ["token", "password"],
                token=_TOKEN,
                password={"type": "string", "minLength": 1, "maxLength": 100, "writeOnly": True},
            ),
            done,
        )
    if coll.options.get("otp", {}).get("enabled"):
        paths[f"{base}/request-otp"] = _op(
            name,
            "request_otp",
            f"Mail a one-time password to a {name} record",
            _body(["email"], email=_EMAIL),
            {"200": json_response(ref("OtpRequested")), **errors(400, 403, 404)},
            description="Answers an `otpId` for unknown addresses too (a random one).",
        )
        paths[f"{base}/auth-with-otp"] = _op(
            name,
            "auth_with_otp",
            f"Sign in to {name} with a one-time password",
            _body(
                ["otpId", "password"],
                otpId={"type": "string", "minLength": 1, "maxLength": 255},
                password={"type": "string", "minLength": 1, "maxLength": 71, "writeOnly": True},
                mfaId=_MFA_ID,
            ),
            {
                "200": json_response(ref(f"{type_name}AuthResponse")),
                **mfa_step(coll),
                **errors(400, 403, 404, 429),
            },
            parameters=params(*RECORD_PARAMS),
            description="5 attempts per record and client address in 180 seconds, then 429. Checks the "
            "collection's auth rule.",
            **{"x-roost-rule": coll.rules.get("authRule")},
        )
    if coll.options.get("oauth2", {}).get("enabled"):
        paths[f"{base}/auth-with-oauth2"] = _op(
            name,
            "auth_with_oauth2",
            f"Sign in or sign up to {name} with an OAuth2 provider's code",
            _body(
                ["provider", "code"],
                provider={"type": "string", "minLength": 1, "maxLength": 100},
                code={"type": "string", "minLength": 1},
                codeVerifier={
                    "type": "string",
                    "description": "The PKCE verifier, when the provider uses it.",
                },
                redirectURL={"type": "string", "description": "The redirect URL the code was issued for."},
                createData={
                    "type": ["object", "null"],
                    "additionalProperties": True,
                    "description": "Fields of the record made when the account is new.",
                },
                mfaId=_MFA_ID,
            ),
            {
                "200": json_response(
                    ref(f"{type_name}AuthResponse"), "Signed in; `meta` holds the provider's user."
                ),
                **mfa_step(coll),
                **errors(400, 403, 404),
            },
            parameters=params(*RECORD_PARAMS),
            **{"x-roost-rule": coll.rules.get("authRule")},
        )
    if audience.superuser:
        paths[f"{base}/impersonate/{{id}}"] = _op(
            name,
            "impersonate",
            f"A non-refreshable token of any {name} record",
            json_body(
                {
                    "type": "object",
                    "properties": {
                        "duration": {
                            "type": "integer",
                            "minimum": 0,
                            "description": "Seconds; 0: the collection's auth token duration.",
                        }
                    },
                },
                required=False,
            ),
            {"200": json_response(ref(f"{type_name}AuthResponse")), **errors(400, 401, 403, 404)},
            security=REQUIRED_AUTH,
            parameters=[
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                *params(*RECORD_PARAMS),
            ],
            **{"x-roost-rule": None},
        )
    return {path: {"post": operation} for path, operation in paths.items()}


def mfa_step(coll: Collection) -> dict[str, Any]:
    """With MFA on, the first sign-in answers 401 with the id the second one sends as `mfaId`."""
    if not coll.options.get("mfa", {}).get("enabled"):
        return {}
    return {
        "401": json_response(ref("MfaRequired"), "MFA: sign in with another method, sending this `mfaId`.")
    }


SCHEMAS: dict[str, Any] = {
    "MfaRequired": {"type": "object", "properties": {"mfaId": {"type": "string"}}, "required": ["mfaId"]},
    "OtpRequested": {
        "type": "object",
        "properties": {"otpId": {"type": "string", "description": "Sent with the code to auth-with-otp."}},
        "required": ["otpId"],
    },
}
