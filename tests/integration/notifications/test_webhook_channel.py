"""A buyer whose e-mail the marketplace hides is told through the seller's signed webhook: once,
signed, retried while the endpoint is down, given up at once when it refuses the delivery."""

import time
from collections.abc import Iterator

import pytest
from orderflow_contracts import topics
from orderflow_contracts.signing import sign, verify
from orderflow_simulators.messaging import MessagingEndpoint
from orderflow_testing.system import TestSystem, eventually

from tests.integration.notifications.test_customer_emails import accepted, shipped

pytestmark = pytest.mark.integration

SECRET = "a-secret-of-the-seller-0123"


def hidden_email(order_id: str, channel: str = "shopee") -> object:
    event = accepted(order_id, "zh")
    order = event.order.model_copy(
        update={
            "channel": channel,
            "external_id": f"SP-{order_id}",
            "customer": event.order.customer.model_copy(update={"email": ""}),
        }
    )
    return event.model_copy(update={"order": order})


@pytest.fixture
def endpoint() -> Iterator[MessagingEndpoint]:
    messaging = MessagingEndpoint(SECRET).start()
    yield messaging
    messaging.stop()


async def test_a_hidden_buyer_is_told_once_through_the_signed_webhook(
    system: TestSystem, start, smtp, endpoint: MessagingEndpoint
) -> None:
    await system.create_topics([])
    await start(
        system,
        "notifications",
        smtp_port=smtp.port,
        webhook_url=endpoint.url,
        webhook_secret=SECRET,
        send_poll_interval_s=0.05,
    )
    db = await system.db("notifications")
    bus = await system.bus("partners")
    endpoint.answer = 503  # the seller's messaging is down at first
    await bus.publish(topics.ORDERS, "o-w", hidden_email("o-w"))
    await bus.publish(topics.ORDERS, "o-e", accepted("o-e", "en"))
    envelope = await bus.publish(topics.FULFILLMENT_STATUS, "o-w", shipped("o-w"))
    await bus.publish_raw(topics.FULFILLMENT_STATUS, "o-w", envelope.to_bytes())  # redelivered
    await bus.publish(topics.FULFILLMENT_STATUS, "o-e", shipped("o-e"))
    await bus.flush()
    await eventually(
        lambda: db.fetchval("SELECT attempts >= 1 FROM notifications WHERE order_id = 'o-w'")
    )
    endpoint.answer = 200
    notified = await system.read(topics.NOTIFICATIONS_SENT, until=lambda seen: len(seen) >= 2)

    [delivery] = endpoint.to("o-w")
    assert delivery.body["notifications"] == ["shipped"]
    assert (delivery.body["sales_channel"], delivery.body["external_id"]) == ("shopee", "SP-o-w")
    assert delivery.body["language"] == "zh" and "4PX123" in delivery.body["body"]
    assert delivery.delivery_id.startswith("notification-")
    assert smtp.to("o-w") == [] and len(smtp.to("o-e")) == 1  # e-mail where there is one
    channels = {m.event.order_id: m.event.channel for m in notified if m.event}
    assert channels == {"o-w": "webhook", "o-e": "email"}
    log = await db.fetch(
        "SELECT d.outcome FROM delivery_log d JOIN notifications n ON n.id = d.notification_id"
        " WHERE n.order_id = 'o-w' ORDER BY d.attempt"
    )
    assert [row["outcome"] for row in log][-1] == "sent"
    assert len(log) >= 2  # the 503 was an attempt, retried
    assert endpoint.refused == 0


async def test_an_endpoint_that_refuses_the_delivery_is_not_retried(
    system: TestSystem, start, smtp, endpoint: MessagingEndpoint
) -> None:
    await system.create_topics([])
    await start(
        system,
        "notifications",
        smtp_port=smtp.port,
        webhook_url=endpoint.url,
        webhook_secret="not-the-secret-the-endpoint-has",  # so every signature fails: 401
    )
    db = await system.db("notifications")
    bus = await system.bus("partners")
    await bus.publish(topics.ORDERS, "o-r", hidden_email("o-r"))
    await bus.publish(topics.FULFILLMENT_STATUS, "o-r", shipped("o-r"))
    await bus.flush()
    await eventually(lambda: db.fetchval("SELECT status = 'failed' FROM notifications"))
    detail = await db.fetchval("SELECT detail FROM delivery_log")
    assert await db.fetchval("SELECT count(*) FROM delivery_log") == 1
    assert "WebhookRefused" in detail and "401" in detail
    assert endpoint.refused == 1 and endpoint.deliveries == []


def test_a_signature_checks_only_for_its_body_secret_and_time() -> None:
    body, now = b'{"order_id":"o-1"}', int(time.time())
    header = sign(SECRET, body, now)
    assert verify(SECRET, header, body, now)
    assert not verify(SECRET, header, body + b" ", now)
    assert not verify("another-secret-0123456", header, body, now)
    assert not verify(SECRET, header, body, now + 301)  # a replay after five minutes
    assert not verify(SECRET, "v1=deadbeef", body, now)
