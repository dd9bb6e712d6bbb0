"""Sending through the local `sendmail` program, PocketBase's transport when SMTP is off."""

from __future__ import annotations

import asyncio
import os
import shutil

from roost.mail.message import Message
from roost.mail.smtp import MailError

_CANDIDATES = ("/usr/sbin/sendmail", "/usr/bin/sendmail")


def sendmail_path() -> str | None:
    for path in _CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    return shutil.which("sendmail")


class SendmailMailer:
    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout

    async def send(self, message: Message) -> None:
        path = sendmail_path()
        if path is None:
            raise MailError("failed to locate a sendmail executable path.")
        proc = await asyncio.create_subprocess_exec(
            path,
            "-i",
            "--",
            *(a.address for a in message.to),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            _, err = await asyncio.wait_for(proc.communicate(message.to_mime().as_bytes()), self.timeout)
        except TimeoutError:
            proc.kill()
            raise MailError("sendmail did not finish in time.") from None
        if proc.returncode != 0:
            raise MailError(f"sendmail failed: {err.decode(errors='replace').strip()}")
