"""A real SMTP server (aiosmtpd) on loopback that keeps every message it is handed."""

from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from orderflow_embedded.children import free_port


class _Collect:
    def __init__(self, inbox: list[EmailMessage]) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.inbox.append(message)  # type: ignore[arg-type]
        return "250 OK"


class SmtpSink:
    def __init__(self, port: int = 0) -> None:
        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        self._controller: Controller | None = None

    def start(self) -> "SmtpSink":
        # A stopped controller cannot start again: a restart is a new controller, same port.
        self._controller = Controller(_Collect(self.messages), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, order_id: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["X-Orderflow-Order"] == order_id]
