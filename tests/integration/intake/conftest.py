"""intake started on the real broker and PostgreSQL, with its HTTP API at hand."""

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from orderflow_contracts import Envelope, topics
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_intake.api.webhooks import sign
from orderflow_runtime import RunningService
from orderflow_testing.system import TestSystem, eventually

from tests.conftest import SELLER_SETUP_FILE

SHOPIFY_SECRET = "shpss_test_secret"
CHANNEL_SECRET = "channel-test-secret"


@dataclass
class Intake:
    system: TestSystem
    service: RunningService
    http: httpx.AsyncClient
    db: asyncpg.Pool

    async def post_webhook(
        self,
        channel: str,
        payload: Any,
        *,
        secret: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        header = "X-Shopify-Hmac-Sha256" if channel == "shopify" else "X-Orderflow-Hmac-Sha256"
        key = secret or (SHOPIFY_SECRET if channel == "shopify" else CHANNEL_SECRET)
        signed = {header: sign(key, body), "Content-Type": "application/json"}
        return await self.http.post(
            f"/webhooks/{channel}", content=body, headers={**signed, **(headers or {})}
        )

    async def publish_order(self, channel: str, payload: dict[str, Any], external_id: str) -> None:
        bus = await self.system.bus()
        await bus.publish(
            topics.MARKETPLACE_ORDERS,
            topics.channel_order_key(channel, external_id),
            MarketplaceOrderPublished(channel=channel, payload=payload),
        )
        await bus.flush()

    async def order_row(self, order_id: str) -> asyncpg.Record:
        return await eventually(
            lambda: self.db.fetchrow("SELECT * FROM orders WHERE order_id = $1", order_id)
        )

    async def status_of(self, order_id: str, expected: str) -> str:
        return await eventually(
            lambda: self.db.fetchval(
                "SELECT status FROM orders WHERE order_id = $1 AND status = $2", order_id, expected
            )
        )

    async def open_holds(self, order_id: str) -> list[str]:
        rows = await self.db.fetch(
            "SELECT code FROM holds WHERE order_id = $1 AND resolved_at IS NULL ORDER BY code",
            order_id,
        )
        return [row["code"] for row in rows]

    async def publish(self, topic: str, key: str, *events: Any) -> None:
        bus = await self.system.bus()
        for event in events:
            await bus.publish(topic, key, event)
        await bus.flush()

    async def handled(self, events: int) -> None:
        """intake has handled this many distinct events and published what they emitted."""
        await eventually(lambda: self.db.fetchval("SELECT count(*) >= $1 FROM inbox", events))
        await self.settled()

    async def emitted(self, order_id: str) -> list[Any]:
        """The events intake emitted about one order, in order (one key: one partition)."""
        rows = await self.db.fetch(
            "SELECT value FROM outbox WHERE topic = $1 AND key = $2 ORDER BY id",
            topics.ORDERS,
            order_id,
        )
        return [Envelope.from_bytes(row["value"]).event() for row in rows]

    async def settled(self) -> None:
        """Everything read so far is handled and every event it emitted is published."""
        await eventually(
            lambda: self.db.fetchval("SELECT count(*) = 0 FROM outbox WHERE sent_at IS NULL")
        )


StartIntake = Callable[..., Any]


def seller_file(tmp_path: Path, **changes: Any) -> str:
    """The demo seller setup with some parts replaced or extended."""
    setup = json.loads(SELLER_SETUP_FILE.read_text())
    for name, value in changes.items():
        setup[name] = value(setup[name]) if callable(value) else value
    path = tmp_path / "seller.json"
    path.write_text(json.dumps(setup))
    return str(path)


@pytest.fixture
async def start_intake(system: TestSystem, start) -> AsyncIterator[StartIntake]:
    clients: list[httpx.AsyncClient] = []

    async def starting(**overrides: Any) -> Intake:
        await system.create_topics([])
        overrides.setdefault("shopify_webhook_secret", SHOPIFY_SECRET)
        overrides.setdefault("webhook_secret", CHANNEL_SECRET)
        service = await start(system, "intake", **overrides)
        assert service.api is not None
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=service.api), base_url="http://t"
        )
        clients.append(http)
        return Intake(system, service, http, await system.db("intake"))

    yield starting
    for client in clients:
        await client.aclose()
