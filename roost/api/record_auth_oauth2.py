"""POST /api/collections/{c}/auth-with-oauth2: sign in (or sign up) with an OAuth2 provider's
authorization code, linking the account through `_externalAuths` with PocketBase's rules."""

from __future__ import annotations

import logging
from typing import Any

from roost.api.context import caller_for
from roost.api.record_auth import auth_collection_or_404, auth_response, check_auth_rule
from roost.core import auth_refs, records
from roost.core.app import App
from roost.core.collection_schema import parse_index
from roost.core.collections import Collection
from roost.core.events import RecordAuthWithOAuth2RequestEvent
from roost.core.record import Record
from roost.core.record_shape import row_to_record, select_sql
from roost.core.record_write import WriteScope, save, write_scope
from roost.errors import BadRequest, Forbidden, RoostError, ValidationError, field_error
from roost.oauth2 import AuthUser, OAuth2Error, fetch_auth_user, fetch_token, load_config
from roost.oauth2.avatar import download_avatar
from roost.security.ids import random_string
from roost.web import Request, Response, Router
from roost.web.multipart import UploadedFile

log = logging.getLogger("roost")

LOAD_ERROR = "An error occurred while loading the submitted data."


def bind(router: Router, app: App) -> None:
    router.post("/api/collections/{collection}/auth-with-oauth2", lambda r: auth_with_oauth2(app, r))


def _provider_entry(coll: Collection, name: str) -> dict[str, Any] | None:
    for raw in coll.options.get("oauth2", {}).get("providers") or []:
        if isinstance(raw, dict) and raw.get("name") == name:
            return raw
    return None


def _validate(coll: Collection, data: dict[str, Any]) -> tuple[str, str]:
    provider = data.get("provider", "")
    code = data.get("code", "")
    for value in (provider, code, data.get("codeVerifier", ""), data.get("redirectURL", "")):
        if not isinstance(value, str):
            raise BadRequest(LOAD_ERROR)  # PocketBase: the body does not bind
    if not isinstance(data.get("createData", {}), dict | None):
        raise BadRequest(LOAD_ERROR)
    errors: dict[str, Any] = {}
    if not isinstance(provider, str) or not provider:
        errors["provider"] = field_error("validation_required", "Cannot be blank.")
    elif len(provider) > 100:
        errors["provider"] = field_error(
            "validation_length_too_long", "The length must be no more than 100.", max=100, min=0
        )
    elif _provider_entry(coll, provider) is None:
        errors["provider"] = field_error(
            "validation_invalid_provider",
            f"Provider with name {provider} is missing or is not enabled.",
            name=provider,
        )
    if not isinstance(code, str) or not code:
        errors["code"] = field_error("validation_required", "Cannot be blank.")
    if errors:
        raise ValidationError(errors, LOAD_ERROR)
    return str(provider), str(code)


async def _find_by(app: App, coll: Collection, field: str, value: str) -> dict[str, Any] | None:
    q = app.dialect.quote
    row = await app.db.fetch_one(select_sql(coll, q) + f" WHERE {q(field)} = ? LIMIT 1", (value,))
    return row_to_record(coll, row) if row is not None else None


async def auth_with_oauth2(app: App, request: Request) -> Response:
    coll = auth_collection_or_404(app, request.path_params["collection"])
    if not coll.options.get("oauth2", {}).get("enabled"):
        raise Forbidden("The collection is not configured to allow OAuth2 authentication.")
    fallback = request.auth[1] if request.auth is not None and request.auth[0].id == coll.id else None
    data, _ = await request.data()
    provider, code = _validate(coll, data)
    cfg = load_config(_provider_entry(coll, provider) or {})
    if cfg is None:
        raise BadRequest("Missing or invalid provider config.")
    redirect_url = str(data.get("redirectURL") or data.get("redirectUrl") or "")
    try:
        token = await fetch_token(cfg, code, redirect_url, str(data.get("codeVerifier") or ""))
    except OAuth2Error as exc:
        log.debug("OAuth2 token exchange failed: %s", exc)
        raise BadRequest("Failed to fetch OAuth2 token.") from None
    try:
        user = await fetch_auth_user(cfg, token)
    except OAuth2Error as exc:
        log.debug("OAuth2 user fetch failed: %s", exc)
        raise BadRequest("Failed to fetch OAuth2 user.") from None

    links = await auth_refs.find_refs(
        app, auth_refs.EXTERNAL_AUTHS, {"collectionRef": coll.id, "provider": provider, "providerId": user.id}
    )
    link = links[0] if links else None
    record: dict[str, Any] | None = None
    if link is not None:
        record = await records.fetch_record(app, coll, str(link["recordRef"]))
        if record is None:
            raise BadRequest("The requested resource wasn't found.")
    elif fallback is not None:
        record = fallback
    elif user.email:
        record = await _find_by(app, coll, "email", user.email)
    create_data = data.get("createData")
    event = RecordAuthWithOAuth2RequestEvent(
        app,
        request,
        collection=coll,
        provider_name=provider,
        oauth2_user=user,
        create_data=dict(create_data) if isinstance(create_data, dict) else {},
        record=Record(coll, record) if record is not None else None,
        is_new_record=record is None,
    )

    async def submit(e: RecordAuthWithOAuth2RequestEvent) -> None:
        try:
            saved = await _submit(app, request, e, link)
        except RoostError:
            raise
        except Exception as exc:
            log.warning("OAuth2 sign-in failed: %s", exc)
            raise BadRequest("Failed to authenticate.") from None
        await check_auth_rule(app, coll, saved, "oauth2")
        meta = {**e.oauth2_user.to_meta(), "isNew": e.is_new_record}
        meta = dict(sorted(meta.items()))
        e.response = await auth_response(app, request, coll, saved, meta=meta, auth_method="oauth2")

    await app.hooks.record_auth_with_oauth2_request.trigger(event, submit)
    return event.response or Response(204)


async def _submit(
    app: App, request: Request, e: RecordAuthWithOAuth2RequestEvent, link: dict[str, Any] | None
) -> dict[str, Any]:
    """PocketBase's oauth2Submit: create or update the account and link it, in one transaction."""
    coll, user = e.collection, e.oauth2_user
    avatar = await _avatar(coll, user, e.create_data) if e.record is None else None
    async with write_scope(app) as scope:
        if e.record is None:
            if coll.name == "_superusers":
                raise BadRequest("Failed to authenticate.")
            record = await _create(app, request, coll, user, e.create_data, avatar, scope)
        else:
            record = await _update(app, request, coll, e.record.data, user, scope)
            if not record.get("verified"):
                link = None  # every earlier link of an unverified account was dropped
        if link is None:
            await auth_refs.create_ref(
                app,
                auth_refs.EXTERNAL_AUTHS,
                {
                    "collectionRef": coll.id,
                    "recordRef": record["id"],
                    "provider": e.provider_name,
                    "providerId": user.id,
                },
                scope,
            )
    e.record = Record(coll, record)
    return record


def _system(app: App) -> records.Caller:
    return auth_refs.system_caller(app)


async def _avatar(coll: Collection, user: AuthUser, create_data: dict[str, Any]) -> UploadedFile | None:
    name = str(coll.options.get("oauth2", {}).get("mappedFields", {}).get("avatarURL") or "")
    field = coll.field(name) if name else None
    if field is None or field.type != "file" or name in create_data or not user.avatar_url:
        return None
    try:
        filename, ctype, content = await download_avatar(user.avatar_url)
    except OAuth2Error as exc:
        log.warning("Failed to retrieve OAuth2 avatar: %s", exc)
        return None
    return UploadedFile(filename, ctype, content)


async def _create(
    app: App,
    request: Request,
    coll: Collection,
    user: AuthUser,
    create_data: dict[str, Any],
    avatar: UploadedFile | None,
    scope: WriteScope,
) -> dict[str, Any]:
    payload = dict(create_data)
    if not isinstance(payload.get("email"), str) or not payload.get("email"):
        payload["email"] = user.email
    mapped = coll.options.get("oauth2", {}).get("mappedFields", {}) or {}
    for key, value in (("id", user.id), ("name", user.name), ("username", user.username)):
        target = str(mapped.get(key) or "")
        if target and target not in payload and coll.field(target) is not None:
            if key == "username" and not await _can_assign_username(app, coll, target, value):
                continue
            payload[target] = value
    files: dict[str, list[Any]] = {}
    avatar_field = str(mapped.get("avatarURL") or "")
    if (
        avatar_field
        and avatar_field not in payload
        and user.avatar_url
        and coll.field(avatar_field) is not None
    ):
        if avatar is not None:
            files[avatar_field] = [avatar]
        elif coll.field(avatar_field).type != "file":  # type: ignore[union-attr]
            payload[avatar_field] = user.avatar_url
    if "password" not in payload:
        payload["password"] = payload["passwordConfirm"] = random_string(30)
    caller = caller_for(request, "oauth2")
    created = await records.create_record(app, coll, caller, payload, files, False, scope)
    if created.get("email") == user.email and not created.get("verified"):
        created = await save(app, coll, _system(app), created, {"verified": True}, {}, False, None, scope)
    return created


async def _can_assign_username(app: App, coll: Collection, field_name: str, username: str) -> bool:
    """PocketBase's oldCanAssignUsername: the value must fit a text field and be free when the
    field has a single-column unique index."""
    field = coll.field(field_name)
    if field is None:
        return False
    if field.type == "text" and username and field.validate(username, None) is not None:
        return False
    for raw in coll.indexes:
        idx = parse_index(raw)
        if idx is not None and idx.unique and idx.columns == (field_name,):
            return await _find_by(app, coll, field_name, username) is None
    return True


async def _update(
    app: App, request: Request, coll: Collection, record: dict[str, Any], user: AuthUser, scope: WriteScope
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    logged_in = request.auth is not None and request.auth[1].get("id") == record["id"]
    if not logged_in and not record.get("verified"):
        # an unverified account may have been made by someone else: its password goes
        pw = random_string(30)
        changes["password"] = changes["passwordConfirm"] = pw
    if not record.get("verified"):
        q = scope.tx.dialect.quote
        await scope.tx.execute(
            f"DELETE FROM {q(auth_refs.EXTERNAL_AUTHS)} WHERE {q('collectionRef')} = ? AND {q('recordRef')} = ?",
            (coll.id, record["id"]),
        )
    email = str(record.get("email") or "")
    if not email and user.email:
        changes["email"] = email = user.email
    if not record.get("verified") and (not email or email == user.email):
        changes["verified"] = True
    if not changes:
        return record
    return await save(app, coll, _system(app), record, changes, {}, False, None, scope)
