"""Settings API (superusers only)."""

from __future__ import annotations

from typing import Any

from roost.api.collections import require_superuser
from roost.api.context import respond
from roost.api.record_auth_email import form
from roost.core.app import App
from roost.core.events import SettingsListRequestEvent, SettingsUpdateRequestEvent
from roost.core.fields.date import now
from roost.core.forms import email_error, raise_if, required, text
from roost.core.settings import public_settings, update_settings
from roost.core.settings_s3 import test_s3
from roost.errors import BadRequest, RoostError, field_error
from roost.security.ids import random_string
from roost.web import Request, Response, Router


def bind(router: Router, app: App) -> None:
    async def get_settings(request: Request) -> Response:
        require_superuser(request)
        event = SettingsListRequestEvent(app, request, settings=public_settings(app.settings))

        async def send(e: SettingsListRequestEvent) -> None:
            e.response = respond(request, e.settings)

        await app.hooks.settings_list_request.trigger(event, send)
        return event.response or Response(204)

    async def patch_settings(request: Request) -> Response:
        require_superuser(request)
        data = await request.json()
        old = public_settings(app.settings)
        event = SettingsUpdateRequestEvent(app, request, old_settings=old, data=data)

        async def save(e: SettingsUpdateRequestEvent) -> None:
            e.new_settings = await update_settings(app, e.data)
            e.response = respond(request, e.new_settings)

        await app.hooks.settings_update_request.trigger(event, save)
        return event.response or Response(204)

    async def test_email(request: Request) -> Response:
        require_superuser(request)
        data = await form(request)
        await send_test_email(app, text(data, "email"), text(data, "template"), text(data, "collection"))
        return Response(204)

    async def post_test_s3(request: Request) -> Response:
        require_superuser(request)
        try:
            data = await request.json()
        except BadRequest:
            raise BadRequest("An error occurred while loading the submitted data.") from None
        await test_s3(app, data)
        return Response(204)

    router.get("/api/settings", get_settings)
    router.patch("/api/settings", patch_settings)
    router.post("/api/settings/test/email", test_email)
    router.post("/api/settings/test/s3", post_test_s3)


TEST_TEMPLATES = ("verification", "password-reset", "email-change", "otp", "login-alert")


async def send_test_email(app: App, email: str, template: str, collection: str) -> None:
    """Send one of an auth collection's templates (default `_superusers`) to `email`, filled
    with a stand-in record whose visible fields read `__pb_test_<name>__`, as PocketBase does."""
    from roost.core import mails  # the mail modules load with the first mail

    coll = app.collection(collection or "_superusers")
    errors: dict[str, Any] = {"email": email_error(email)}
    if collection and (coll is None or not coll.is_auth or len(collection) > 255):
        errors["collection"] = field_error(
            "validation_invalid_auth_collection", "Must be a valid auth collection id or name."
        )
    if not template:
        errors["template"] = required()
    elif template not in TEST_TEMPLATES:
        errors["template"] = field_error("validation_in_invalid", "Must be a valid value.")
    raise_if(errors, "Failed to send the test email.")
    assert coll is not None
    record: dict[str, Any] = {f.name: f"__pb_test_{f.name}__" for f in coll.fields if not f.hidden}
    record["tokenKey"] = random_string(50)
    record["email"] = email
    try:
        if template == "verification":
            await mails.send_verification(app, coll, record)
        elif template == "password-reset":
            await mails.send_password_reset(app, coll, record)
        elif template == "email-change":
            await mails.send_email_change(app, coll, record, email)
        elif template == "otp":
            await mails.send_otp(app, coll, record, "_PB_TEST_OTP_ID_", "123456")
        else:
            await mails.send_auth_alert(app, coll, record, now() + " - TEST_IP TEST_USER_AGENT")
    except RoostError as exc:
        raise BadRequest("Failed to send the test email. Raw error: \n" + exc.message) from None
