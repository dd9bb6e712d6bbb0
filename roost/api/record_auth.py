"""Auth endpoints of auth collections: methods, password login, refresh."""

from __future__ import annotations

import logging
from typing import Any

from roost.api.context import caller_for, respond
from roost.api.oauth2_info import oauth2_providers_info
from roost.core import records
from roost.core.app import App
from roost.core.auth import new_token
from roost.core.auth_origins import record_origin
from roost.core.auth_refs import AUTH_ORIGINS
from roost.core.collections import Collection
from roost.core.events import (
    RecordAuthRefreshRequestEvent,
    RecordAuthRequestEvent,
    RecordAuthWithPasswordRequestEvent,
)
from roost.core.mfa import check_mfa
from roost.core.record import Record
from roost.core.record_shape import row_to_record, select_sql
from roost.core.records import SUPERUSERS_ID
from roost.errors import BadRequest, Forbidden, NotFound, Unauthorized
from roost.security.passwords import check_password
from roost.web import Request, Response, Router, json_response

log = logging.getLogger("roost")

# A fixed valid bcrypt hash: checking against it when the identity is unknown keeps the
# response time the same whether or not the account exists.
_DUMMY_HASH = "$2a$10$RsOgh202hhZwU4ouzX2JCOHPkUn3sjCWCmYU.FLBL5NvTvDIehJfS"


def auth_collection_or_404(app: App, name: str) -> Collection:
    coll = app.collection(name)
    if coll is None or not coll.is_auth:
        raise NotFound("Missing or invalid auth collection context.")
    return coll


async def check_auth_rule(app: App, coll: Collection, record: dict[str, Any], context: str) -> None:
    """The collection's authRule for the account about to sign in (PocketBase's 403)."""
    auth_rule = coll.rules.get("authRule")
    if auth_rule:
        caller = records.Caller(auth=record, auth_coll=coll)
        caller.info.auth, caller.info.auth_collection, caller.info.context = record, coll, context
        if await records.rule_matches(app, coll, auth_rule, record["id"], caller):
            return
    elif auth_rule is not None:
        return
    raise Forbidden("The request doesn't satisfy the collection requirements to authenticate.")


async def _mfa_id(request: Request) -> str:
    mfa_id = request.query.get("mfaId", "")
    if not mfa_id and request.method == "POST":
        data, _ = await request.data()
        mfa_id = str(data.get("mfaId") or "")
    return mfa_id


async def auth_response(
    app: App,
    request: Request,
    coll: Collection,
    record: dict[str, Any],
    token: str | None = None,
    meta: dict[str, Any] | None = None,
    auth_method: str = "password",
) -> Response:
    """on_record_auth_request around the answer `{token, record, meta?}`; with MFA on, a first
    method answers 401 `{mfaId}` instead. A login by a method records its origin. A superuser
    may only sign in from `superuserIPs` (when set)."""
    policy = app.policy
    if (
        policy.superuser_nets
        and coll.id == SUPERUSERS_ID
        and not policy.superuser_allowed(policy.real_ip(request))
    ):
        raise Forbidden()
    event = RecordAuthRequestEvent(
        app,
        request,
        collection=coll,
        record=Record(coll, record),
        token=token or new_token(coll, record),
        meta=meta,
        auth_method=auth_method,
    )

    async def send(e: RecordAuthRequestEvent) -> None:
        if e.auth_method and coll.options.get("mfa", {}).get("enabled"):
            caller = caller_for(request, e.auth_method)
            mfa_id = await check_mfa(app, coll, e.record.data, e.auth_method, await _mfa_id(request), caller)
            if mfa_id:
                e.response = json_response({"mfaId": mfa_id}, 401)
                return
        body: dict[str, Any] = {"record": None, "token": e.token}
        caller = records.Caller(auth=e.record.data, auth_coll=coll)
        expand = request.query.get("expand", "")
        if expand:
            await records.expand_records(app, coll, [e.record.data], expand, caller_for(request))
        rec = records.to_json(coll, e.record.data, caller)
        rec["email"] = e.record.data.get("email", "")
        await records.enrich(app, coll, [rec], caller)
        body["record"] = rec
        if e.meta is not None:
            body["meta"] = e.meta
        if (
            e.auth_method
            and coll.options.get("authAlert", {}).get("enabled")
            and app.collection(AUTH_ORIGINS)
        ):
            try:
                ua = request.header(b"user-agent") or ""
                await record_origin(app, coll, e.record.data, app.policy.real_ip(request), ua)
            except Exception:
                log.warning("failed to record the login origin", exc_info=True)
        e.response = respond(request, body)

    await app.hooks.record_auth_request.trigger(event, send)
    return event.response or Response(204)


def bind(router: Router, app: App) -> None:
    async def auth_methods(request: Request) -> Response:
        coll = auth_collection_or_404(app, request.path_params["collection"])
        pw = coll.options.get("passwordAuth", {})
        identity_fields = list(pw.get("identityFields") or ["email"])
        pw_on = bool(pw.get("enabled", True))
        mfa = coll.options.get("mfa", {})
        mfa_on = bool(mfa.get("enabled"))
        otp = coll.options.get("otp", {})
        otp_on = bool(otp.get("enabled"))
        providers = oauth2_providers_info(coll)
        data = {
            "password": {"identityFields": identity_fields if pw_on else [], "enabled": pw_on},
            "oauth2": {
                "providers": providers if providers is not None else [],
                "enabled": providers is not None,
            },
            "mfa": {"enabled": mfa_on, "duration": int(mfa.get("duration") or 0) if mfa_on else 0},
            "otp": {"enabled": otp_on, "duration": int(otp.get("duration", 0) or 0) if otp_on else 0},
            "authProviders": [{**p, "logo": ""} for p in providers] if providers is not None else [],
            "usernamePassword": pw_on and "username" in identity_fields,
            "emailPassword": pw_on and "email" in identity_fields,
        }
        return respond(request, data)

    async def auth_with_password(request: Request) -> Response:
        coll = auth_collection_or_404(app, request.path_params["collection"])
        pw = coll.options.get("passwordAuth", {})
        if not pw.get("enabled", True):
            raise Forbidden("The collection is not configured to allow password authentication.")
        data, _ = await request.data()
        identity = str(data.get("identity") or "")
        password = str(data.get("password") or "")
        errors: dict[str, Any] = {}
        if not identity:
            errors["identity"] = {"code": "validation_required", "message": "Cannot be blank."}
        if not password:
            errors["password"] = {"code": "validation_required", "message": "Cannot be blank."}
        if errors:
            from roost.errors import ValidationError

            raise ValidationError(errors, "An error occurred while validating the submitted data.")
        fields = list(pw.get("identityFields") or ["email"])
        wanted = data.get("identityField")
        if wanted:
            if wanted not in fields:
                raise BadRequest("Failed to authenticate.")
            fields = [wanted]
        q = app.dialect.quote
        record = None
        found_field = ""
        for name in fields:
            if coll.field(name) is None:
                continue
            row = await app.db.fetch_one(select_sql(coll, q) + f" WHERE {q(name)} = ? LIMIT 1", (identity,))
            if row is None and name == "email":
                row = await app.db.fetch_one(
                    select_sql(coll, q) + f" WHERE LOWER({q(name)}) = LOWER(?) LIMIT 1", (identity,)
                )
            if row is not None:
                record = row_to_record(coll, row)
                found_field = name
                break
        event = RecordAuthWithPasswordRequestEvent(
            app,
            request,
            collection=coll,
            record=Record(coll, record) if record is not None else None,
            identity=identity,
            identity_field=found_field,
            password=password,
        )

        async def authenticate(e: RecordAuthWithPasswordRequestEvent) -> None:
            found = e.record.data if e.record is not None else None
            ok = await check_password(e.password, str(found.get("password", "")) if found else _DUMMY_HASH)
            if found is None or not ok:
                raise BadRequest("Failed to authenticate.")
            await check_auth_rule(app, coll, found, "password")
            e.response = await auth_response(app, request, coll, found)

        await app.hooks.record_auth_with_password_request.trigger(event, authenticate)
        return event.response or Response(204)

    async def auth_refresh(request: Request) -> Response:
        coll = auth_collection_or_404(app, request.path_params["collection"])
        if request.auth is None:
            raise Unauthorized("The request requires valid record authorization token.")
        auth_coll, record = request.auth[0], request.auth[1]
        if auth_coll.id != coll.id:
            raise Forbidden(f"The request requires auth record from {auth_coll.name} collection.")
        claims = request.state.get("claims") or {}
        token = None if claims.get("refreshable", True) else request.state.get("token")
        event = RecordAuthRefreshRequestEvent(app, request, collection=coll, record=Record(coll, record))

        async def refresh(e: RecordAuthRefreshRequestEvent) -> None:
            e.response = await auth_response(app, request, coll, e.record.data, token=token, auth_method="")

        await app.hooks.record_auth_refresh_request.trigger(event, refresh)
        return event.response or Response(204)

    router.get("/api/collections/{collection}/auth-methods", auth_methods)
    router.post("/api/collections/{collection}/auth-with-password", auth_with_password)
    router.post("/api/collections/{collection}/auth-refresh", auth_refresh)
