"""SMTP sessions that outlive a round of sending. Each message costs four round trips to the
mail server (MAIL, RCPT, DATA, the content), and opening a session three more (greeting, EHLO,
QUIT): with a provider 30 ms away, one session opened per round sends about 8 mails a second.
So sessions stay open between rounds and several send at once."""

import contextlib
import time

import aiosmtplib


class MailSession:
    """One SMTP connection, opened on first use and again after the server dropped it or it sat
    idle long enough for the server to have timed it out unseen."""

    def __init__(self, host: str, port: int, *, idle_s: float, timeout_s: float = 10) -> None:
        self._host, self._port, self._idle_s, self._timeout_s = host, port, idle_s, timeout_s
        self._smtp: aiosmtplib.SMTP | None = None
        self._last_used = 0.0

    async def ready(self) -> aiosmtplib.SMTP:
        """A connected session; raises aiosmtplib.SMTPException or OSError when it cannot be."""
        now = time.monotonic()
        if self._smtp is not None and (
            not self._smtp.is_connected or now - self._last_used > self._idle_s
        ):
            self.close()
        if self._smtp is None:
            smtp = aiosmtplib.SMTP(hostname=self._host, port=self._port, timeout=self._timeout_s)
            await smtp.connect()
            self._smtp = smtp
        self._last_used = now
        return self._smtp

    def close(self) -> None:
        """Drops the connection without a QUIT: it is stale or broken, or the service stops."""
        if self._smtp is not None:
            with contextlib.suppress(Exception):
                self._smtp.close()
            self._smtp = None
