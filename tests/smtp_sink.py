"""A real SMTP server for the tests: aiosmtpd on a free port, keeping every delivered message."""

from __future__ import annotations

import asyncio
import contextlib
import email
import re
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from roost.core.app import App

LINK_RE = re.compile(r"/_/#/auth/([a-z-]+)/([A-Za-z0-9_.-]+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Delivered:
    def __init__(self, raw: bytes, rcpt: list[str], sender: str) -> None:
        self.raw = raw
        self.rcpt = rcpt
        self.sender = sender
        self.msg: EmailMessage = email.message_from_bytes(raw, policy=policy.default)  # type: ignore[assignment]

    @property
    def subject(self) -> str:
        return str(self.msg["Subject"])

    def part(self, ctype: str) -> str:
        for part in self.msg.walk():
            if part.get_content_type() == ctype:
                return str(part.get_content())  # type: ignore[attr-defined]
        raise AssertionError(f"no {ctype} part")

    @property
    def text(self) -> str:
        return self.part("text/plain")

    @property
    def html(self) -> str:
        return self.part("text/html")

    def link(self) -> tuple[str, str]:
        m = LINK_RE.search(self.text)
        assert m, self.text
        return m.group(1), m.group(2)


class _Controller(Controller):
    def factory(self) -> Any:
        # aiosmtpd warns that AUTH without TLS is unsafe; the tests talk to 127.0.0.1 only
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return super().factory()


class SmtpSink:
    """`credentials` (user, password) makes the server require AUTH (PLAIN or LOGIN, no TLS)."""

    def __init__(self, credentials: tuple[str, str] | None = None, hostname: str = "127.0.0.1") -> None:
        self.messages: list[Delivered] = []
        self.logins: list[tuple[str, str]] = []  # (mechanism, user) of each successful AUTH
        self.refuse: str | None = None  # an SMTP reply to refuse DATA with, e.g. "550 no"
        self.lock = threading.Lock()
        self.port = free_port()
        kwargs: dict[str, Any] = {}
        if credentials is not None:
            kwargs = {
                "auth_required": True,
                "auth_require_tls": False,
                "authenticator": self._authenticator(credentials),
            }
        self.controller = _Controller(self, hostname=hostname, port=self.port, **kwargs)

    def _authenticator(self, credentials: tuple[str, str]) -> Any:
        def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            login = data.login.decode() if isinstance(data.login, bytes) else str(data.login)
            password = data.password.decode() if isinstance(data.password, bytes) else str(data.password)
            ok = (login, password) == credentials
            if ok:
                self.logins.append((mechanism, login))
            return AuthResult(success=ok)

        return check

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse
        with self.lock:
            self.messages.append(
                Delivered(
                    envelope.original_content or envelope.content, list(envelope.rcpt_tos), envelope.mail_from
                )
            )
        return "250 OK"

    async def wait(self, count: int = 1, timeout: float = 5.0) -> list[Delivered]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            await asyncio.sleep(0.02)
        raise AssertionError(f"expected {count} message(s), got {len(self.messages)}")

    async def settled(self, app: App) -> list[Delivered]:
        """Every message sent by the background mails started so far."""
        from roost.core.mails import drain

        await drain(app)
        with self.lock:
            return list(self.messages)

    def settings(self) -> dict[str, Any]:
        return {"enabled": True, "host": "127.0.0.1", "port": self.port, "username": "", "password": ""}


@contextlib.contextmanager
def running_sink() -> Iterator[SmtpSink]:
    """A started sink, stopped on the way out (fixtures of any scope use it)."""
    sink = SmtpSink()
    sink.controller.start()
    try:
        yield sink
    finally:
        sink.controller.stop()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    with running_sink() as sink:
        yield sink


@pytest.fixture
async def mailbox(app: App, smtp_sink: SmtpSink) -> SmtpSink:
    """The app sends through the sink, as app "Acme" at http://app.test."""
    app.settings["smtp"].update(smtp_sink.settings())
    app.settings["meta"].update(appName="Acme", appURL="http://app.test")
    return smtp_sink
