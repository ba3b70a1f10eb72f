"""The seller's own messaging endpoint, standing in for the service that reaches a buyer whose
e-mail the marketplace hides (its buyer-message API): it takes orderflow's signed webhooks,
refuses any whose signature does not check (401), and keeps those that do."""

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from orderflow_contracts.signing import DELIVERY_HEADER, SIGNATURE_HEADER, verify


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    body: dict[str, Any]


class MessagingEndpoint:
    """`answer` is the HTTP status it gives a well-signed request: set it to 503 to play a
    receiver that is down."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.deliveries: list[Delivery] = []
        self.refused = 0
        self.answer = 200
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/buyer-messages"

    def start(self) -> "MessagingEndpoint":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def to(self, order_id: str) -> list[Delivery]:
        return [d for d in self.deliveries if d.body.get("order_id") == order_id]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                signature = self.headers.get(SIGNATURE_HEADER, "")
                if not verify(endpoint.secret, signature, body, time.time()):
                    endpoint.refused += 1
                    self._answer(401)
                    return
                if endpoint.answer < 300:
                    delivery_id = self.headers.get(DELIVERY_HEADER, "")
                    endpoint.deliveries.append(Delivery(delivery_id, json.loads(body)))
                self._answer(endpoint.answer)

            def _answer(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the live screen owns the terminal."""

        return Handler
