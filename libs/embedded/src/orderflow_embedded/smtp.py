"""A real SMTP server (aiosmtpd) on loopback that keeps every message it is handed."""

from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from orderflow_embedded.children import free_port


class _Collect:
    def __init__(self, inbox: list[EmailMessage] | None) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.inbox is not None:
            message = message_from_bytes(envelope.content, policy=policy.default)
            self.inbox.append(message)
        return "250 OK"


class SmtpSink:
    """`keep=False` accepts mail without parsing or keeping it: a mail provider's work is not
    done on the seller's machine, so a benchmark's sink should cost as little as it can."""

    def __init__(self, port: int = 0, *, keep: bool = True) -> None:
        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        self._keep = keep
        self._controller: Controller | None = None

    def start(self) -> "SmtpSink":
        # A stopped controller cannot start again: a restart is a new controller, same port.
        inbox = self.messages if self._keep else None
        self._controller = Controller(_Collect(inbox), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, order_id: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["X-Orderflow-Order"] == order_id]
