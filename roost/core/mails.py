"""The mails of auth records (verification, password reset, email change, OTP, login alert):
templates resolved with PocketBase's placeholders, wrapped in its layout, sent through the
mailer hooks and the transport the settings choose (SMTP, else the local sendmail).

Mails for requests that answer 204 whatever happens go out in the background (`send_later`):
the request never waits for a slow SMTP server, and a failure is logged with its reason."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from roost.core.auth import new_token
from roost.core.collections import Collection
from roost.core.events import MailerEvent, MailerRecordEvent
from roost.core.fields.cast import to_string
from roost.core.record import Record
from roost.mail import Address, Mailer, Message, SendmailMailer, SmtpConfig, SmtpMailer, render_layout

if TYPE_CHECKING:
    from roost.core.app import App

log = logging.getLogger("roost.mail")

_GO_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#39;", '"': "&#34;"})


def escape(text: str) -> str:
    """HTML escaping as Go's html.EscapeString writes it."""
    return text.translate(_GO_ESCAPES)


# field types whose {RECORD:*} value is inserted without HTML escaping, as PocketBase does
_UNESCAPED = ("autodate", "date", "bool", "number")


def mailer_for(app: App) -> Mailer:
    smtp = app.settings["smtp"]
    if not smtp.get("enabled"):
        return SendmailMailer()
    return SmtpMailer(
        SmtpConfig(
            host=str(smtp.get("host", "")),
            port=int(smtp.get("port", 0) or 0),
            username=str(smtp.get("username", "")),
            password=str(smtp.get("password", "")),
            auth_method=str(smtp.get("authMethod", "")),
            tls=bool(smtp.get("tls")),
            local_name=str(smtp.get("localName", "")),
        )
    )


async def send(app: App, message: Message) -> None:
    """on_mailer_send around the transport; raises MailError when the message could not be sent."""
    mailer = mailer_for(app)

    async def deliver(e: MailerEvent) -> None:
        await mailer.send(e.message)

    await app.hooks.mailer_send.trigger(MailerEvent(app, message), deliver)


def send_later(app: App, what: str, work: Callable[[], Awaitable[None]]) -> None:
    """Run `work` in the background; a failure is logged as `Failed to send <what>`."""

    async def run() -> None:
        try:
            await work()
        except Exception as exc:
            log.error("Failed to send %s: %s", what, exc)

    task = asyncio.get_running_loop().create_task(run())
    app.mail_tasks.add(task)
    task.add_done_callback(app.mail_tasks.discard)


async def drain(app: App, timeout: float = 10.0) -> None:
    """Wait (up to `timeout`) for the background mails still being sent."""
    if app.mail_tasks:
        await asyncio.wait(set(app.mail_tasks), timeout=timeout)


def _placeholders(
    app: App, coll: Collection, record: dict[str, Any], extra: dict[str, str]
) -> dict[str, str]:
    meta = app.settings["meta"]
    values = {"{APP_NAME}": str(meta.get("appName", "")), "{APP_URL}": str(meta.get("appURL", ""))}
    for f in coll.fields:
        if f.hidden:
            continue
        value = to_string(record.get(f.name))
        values["{RECORD:" + f.name + "}"] = value if f.type in _UNESCAPED else escape(value)
    values.update(extra)
    return values


def resolve_template(
    app: App, coll: Collection, record: dict[str, Any], template: dict[str, Any], extra: dict[str, str]
) -> tuple[str, str]:
    """(subject, full HTML) of a collection's email template for `record`."""
    subject, body = str(template.get("subject", "")), str(template.get("body", ""))
    for key, value in _placeholders(app, coll, record, extra).items():
        subject = subject.replace(key, value)
        body = body.replace(key, value)
    return subject, render_layout(body)


def _message(app: App, to: str, subject: str, body: str) -> Message:
    meta = app.settings["meta"]
    sender = Address(str(meta.get("senderAddress", "")), str(meta.get("senderName", "")))
    return Message(sender=sender, to=[Address(to)], subject=subject, html=body)


async def _send_record_mail(
    app: App,
    hook_name: str,
    coll: Collection,
    record: dict[str, Any],
    template: dict[str, Any],
    to: str,
    extra: dict[str, str],
    meta: dict[str, Any],
    after: Callable[[MailerRecordEvent], Awaitable[None]] | None = None,
) -> None:
    subject, body = resolve_template(app, coll, record, template, extra)
    event = MailerRecordEvent(app, _message(app, to, subject, body), Record(coll, record), meta)

    async def deliver(e: MailerRecordEvent) -> None:
        await send(app, e.message)
        if after is not None:
            await after(e)

    await getattr(app.hooks, hook_name).trigger(event, deliver)


async def send_verification(app: App, coll: Collection, record: dict[str, Any]) -> None:
    token = new_token(coll, record, "verificationToken")
    await _send_record_mail(
        app,
        "mailer_record_verification_send",
        coll,
        record,
        coll.options.get("verificationTemplate", {}),
        str(record.get("email", "")),
        {"{TOKEN}": token},
        {"token": token},
    )


async def send_password_reset(app: App, coll: Collection, record: dict[str, Any]) -> None:
    token = new_token(coll, record, "passwordResetToken")
    await _send_record_mail(
        app,
        "mailer_record_password_reset_send",
        coll,
        record,
        coll.options.get("resetPasswordTemplate", {}),
        str(record.get("email", "")),
        {"{TOKEN}": token},
        {"token": token},
    )


async def send_email_change(app: App, coll: Collection, record: dict[str, Any], new_email: str) -> None:
    token = new_token(coll, record, "emailChangeToken", extra={"newEmail": new_email})
    await _send_record_mail(
        app,
        "mailer_record_email_change_send",
        coll,
        record,
        coll.options.get("confirmEmailChangeTemplate", {}),
        new_email,
        {"{TOKEN}": token},
        {"token": token, "newEmail": new_email},
    )


async def send_otp(
    app: App,
    coll: Collection,
    record: dict[str, Any],
    otp_id: str,
    password: str,
    after: Callable[[MailerRecordEvent], Awaitable[None]] | None = None,
) -> None:
    await _send_record_mail(
        app,
        "mailer_record_otp_send",
        coll,
        record,
        coll.options.get("otp", {}).get("emailTemplate", {}),
        str(record.get("email", "")),
        {"{OTP_ID}": otp_id, "{OTP}": password},
        {"otpId": otp_id, "password": password},
        after,
    )


async def send_auth_alert(app: App, coll: Collection, record: dict[str, Any], info: str) -> None:
    info = escape(info)
    await _send_record_mail(
        app,
        "mailer_record_auth_alert_send",
        coll,
        record,
        coll.options.get("authAlert", {}).get("emailTemplate", {}),
        str(record.get("email", "")),
        {"{ALERT_INFO}": info},
        {"info": info},
    )
