"""How fast notifications' sending pattern gets mail to a server that is not on this machine.

A mail provider answers each SMTP command one network round trip later. This probe runs an
SMTP server (aiosmtpd) that delays every reply by the round trip given, and sends the same
mails two ways: one session opened per round of 50 and closed after it (notifications until
2026-12-03), and the sender's sessions now (kept open, 4 at once). It prints mails per second.

    .venv/bin/python bench/probes/smtp_sessions.py [round_trip_ms] [mails]
"""

import asyncio
import sys
import time
from email.mime.text import MIMEText
from typing import Any

import aiosmtplib
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from orderflow_embedded.children import free_port
from orderflow_notifications.mail import MailSession

ROUND = 50
SESSIONS = 4


class DistantServer(SMTPServer):
    """Every command's reply, the greeting's and the content's too, one round trip late."""

    round_trip_s = 0.0

    async def push(self, status: str) -> None:
        await asyncio.sleep(self.round_trip_s)
        await super().push(status)


class Accept:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


class DistantController(Controller):
    def factory(self) -> SMTPServer:
        return DistantServer(self.handler)


def mail(number: int) -> MIMEText:
    message = MIMEText(f"Your order {number} has shipped.", "plain", "utf-8")
    message["From"], message["To"] = "no-reply@orderflow.local", f"buyer{number}@example.com"
    message["Subject"] = "Your order has shipped"
    return message


async def one_session_per_round(port: int, mails: int) -> None:
    for start in range(0, mails, ROUND):
        smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port)
        await smtp.connect()
        for number in range(start, min(start + ROUND, mails)):
            await smtp.send_message(mail(number))
        await smtp.quit()


async def kept_sessions(port: int, mails: int) -> None:
    sessions = [MailSession("127.0.0.1", port, idle_s=10) for _ in range(SESSIONS)]

    async def lane(session: MailSession, numbers: range) -> None:
        for number in numbers:
            await (await session.ready()).send_message(mail(number))

    for start in range(0, mails, ROUND):
        numbers = range(start, min(start + ROUND, mails))
        await asyncio.gather(*(lane(s, numbers[n::SESSIONS]) for n, s in enumerate(sessions)))
    for session in sessions:
        session.close()


async def main(round_trip_ms: float, mails: int) -> None:
    DistantServer.round_trip_s = round_trip_ms / 1000
    controller = DistantController(Accept(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        print(f"{mails} mails, every reply {round_trip_ms:g} ms late")
        for name, send in [
            ("one session per round", one_session_per_round),
            ("kept, 4 at once", kept_sessions),
        ]:
            started = time.perf_counter()
            await send(controller.port, mails)
            print(f"{name:>22}: {mails / (time.perf_counter() - started):7.1f} mails/s")
    finally:
        controller.stop()


if __name__ == "__main__":
    asyncio.run(
        main(
            float(sys.argv[1]) if len(sys.argv) > 1 else 30,
            int(sys.argv[2]) if len(sys.argv) > 2 else 200,
        )
    )
