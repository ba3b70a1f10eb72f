"""The webhook channel: a notification posted, signed, to the seller's endpoint, which reaches
a buyer the marketplace hides the e-mail of (its buyer-message API, or the seller's own
messaging). The endpoint checks the signature (`orderflow_contracts.signing`) and dedupes by
the delivery id, which stays the same on every retry."""

import json
import time
from typing import Any

import httpx
from orderflow_contracts.signing import DELIVERY_HEADER, SIGNATURE_HEADER, sign

# Answers that say "later": the endpoint is down, overloaded or asks to slow down.
_RETRY_LATER = {408, 425, 429}


class WebhookRefused(ValueError):
    """The endpoint refused the delivery itself (a 4xx): retrying the same body cannot help."""


class WebhookUnavailable(ConnectionError):
    """The endpoint could not take it now (5xx, 408, 429): retried with backoff."""


class WebhookPoster:
    def __init__(self, url: str, secret: str, timeout_s: float) -> None:
        self.url = url
        self._secret = secret
        self._client = httpx.AsyncClient(timeout=timeout_s)

    async def post(self, delivery_id: str, payload: dict[str, Any]) -> None:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        response = await self._client.post(
            self.url,
            content=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                SIGNATURE_HEADER: sign(self._secret, body, int(time.time())),
                DELIVERY_HEADER: delivery_id,
            },
        )
        status = response.status_code
        if status < 300:
            return
        answer = f"the endpoint answered {status}: {response.text[:200]!r}"
        if status >= 500 or status in _RETRY_LATER:
            raise WebhookUnavailable(answer)
        raise WebhookRefused(answer)

    async def close(self) -> None:
        await self._client.aclose()
