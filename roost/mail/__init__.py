"""Sending email: the message model, PocketBase's HTML-to-text conversion and layout, and the
transports (SMTP, or the local sendmail program when SMTP is off). A leaf package: it knows
nothing of records or settings; `roost.core.mails` builds messages and picks the transport."""

from roost.mail.layout import render_layout
from roost.mail.message import Address, Message, html_to_text
from roost.mail.sendmail import SendmailMailer
from roost.mail.smtp import Mailer, MailError, SmtpConfig, SmtpMailer

__all__ = [
    "Address",
    "MailError",
    "Mailer",
    "Message",
    "SendmailMailer",
    "SmtpConfig",
    "SmtpMailer",
    "html_to_text",
    "render_layout",
]
