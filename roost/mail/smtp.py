"""Sending through an SMTP server (aiosmtplib): implicit TLS or opportunistic STARTTLS, PLAIN or
LOGIN authentication, one connection per message, every step under a timeout."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from roost.errors import BadRequest
from roost.mail.message import Message

if TYPE_CHECKING:
    import aiosmtplib  # imported when the first mail goes out: ~10 MB few servers need at once

# seconds for connecting, each SMTP command and the data transfer
TIMEOUT = 30.0


class MailError(BadRequest):
    """A message could not be sent; the message says why (the server's answer when it refused)."""


class Mailer(Protocol):
    async def send(self, message: Message) -> None: ...


@dataclass(slots=True, frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str = ""
    password: str = ""
    auth_method: str = ""  # "PLAIN" (also when empty) or "LOGIN"
    tls: bool = False  # implicit TLS (port 465); otherwise STARTTLS when the server offers it
    local_name: str = ""  # EHLO name, "localhost" when empty
    timeout: float = TIMEOUT


_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


def _may_send_credentials(client: aiosmtplib.SMTP, c: SmtpConfig) -> bool:
    """Credentials go only over TLS (implicit or STARTTLS) or to this machine, as PocketBase
    (Go's net/smtp) allows."""
    return c.tls or client.get_transport_info("sslcontext") is not None or c.host in _LOCAL_HOSTS


class SmtpMailer:
    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    async def send(self, message: Message) -> None:
        c = self.config
        recipients = message.recipients()
        if not recipients:
            raise MailError("The message has no recipients.")
        import aiosmtplib

        client = aiosmtplib.SMTP(
            hostname=c.host,
            port=c.port,
            use_tls=c.tls,
            start_tls=False if c.tls else None,
            local_hostname=c.local_name or "localhost",
            timeout=c.timeout,
        )
        try:
            async with client:
                if (c.username or c.password) and not _may_send_credentials(client, c):
                    raise MailError("unencrypted connection")
                if c.username or c.password:
                    if c.auth_method == "LOGIN":
                        await client.auth_login(c.username, c.password)
                    else:
                        await client.auth_plain(c.username, c.password)
                await client.send_message(
                    message.to_mime(), sender=message.sender.address, recipients=recipients
                )
        except aiosmtplib.SMTPResponseException as exc:
            raise MailError(f'{exc.code} "{exc.message}".') from None
        except aiosmtplib.SMTPConnectError as exc:
            raise MailError(f"Cannot reach the SMTP server {c.host}:{c.port}: {exc}.") from None
        except aiosmtplib.SMTPTimeoutError:
            raise MailError(f"Timed out talking to the SMTP server {c.host}:{c.port}.") from None
        except aiosmtplib.SMTPException as exc:
            raise MailError(f"SMTP error with {c.host}:{c.port}: {exc}.") from None
        except OSError as exc:
            raise MailError(f"Cannot reach the SMTP server {c.host}:{c.port}: {exc}.") from None
