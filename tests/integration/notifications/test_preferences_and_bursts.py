"""What the customer and the seller want, set over the API and honoured by the sender; an
order's burst of news is one message."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_notifications.preferences import zone_of
from orderflow_testing.system import TestSystem, eventually

from tests.integration.notifications.test_customer_emails import accepted, shipped

pytestmark = pytest.mark.integration

OPERATOR = {"X-Actor": "ops@seller"}


def api(service) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://notifications"
    )


async def test_a_burst_of_one_orders_news_is_one_message(system: TestSystem, start, smtp) -> None:
    await system.create_topics([])
    await start(system, "notifications", smtp_port=smtp.port, merge_window_s=1)
    bus = await system.bus("partners")
    await bus.publish(topics.ORDERS, "o-b", accepted("o-b", "de"))
    for status in (
        ShipmentStatus.SHIPPED,
        ShipmentStatus.OUT_FOR_DELIVERY,
        ShipmentStatus.DELIVERED,
    ):
        await bus.publish(topics.FULFILLMENT_STATUS, "o-b", shipped("o-b", status))
    await bus.flush()
    notified = await system.read(topics.NOTIFICATIONS_SENT, until=lambda seen: len(seen) >= 3)

    [email] = smtp.to("o-b")
    assert email["Subject"] == "Deine Bestellung wurde zugestellt"  # the latest news leads
    body = email.get_content()
    assert body.index("unterwegs") < body.index("heute") < body.index("zugestellt")
    assert len(email["X-Orderflow-Notifications"].split()) == 3
    assert sorted(m.event.notification for m in notified if m.event) == [
        "delivered",
        "out_for_delivery",
        "shipped",
    ]
    db = await system.db("notifications")
    details = await db.fetch("SELECT detail FROM delivery_log ORDER BY notification_id")
    assert [row["detail"] for row in details] == [
        "one message for shipped, out_for_delivery, delivered"
    ] * 3


async def test_what_a_customer_opted_out_of_is_suppressed_with_its_reason(
    system: TestSystem, start, smtp
) -> None:
    await system.create_topics([])
    service = await start(system, "notifications", smtp_port=smtp.port)
    async with api(service) as client:
        refused = await client.put(
            "/customers/o-p@example.com/preferences",
            json={"kinds_off": ["teleported"]},
            headers=OPERATOR,
        )
        assert refused.status_code == 422 and "teleported unknown" in refused.text
        set_ = await client.put(
            "/customers/O-P@example.com/preferences",
            json={"kinds_off": ["shipped"]},
            headers=OPERATOR,
        )
        assert set_.status_code == 200 and set_.json()["updated_by"] == "ops@seller"
    bus = await system.bus("partners")
    await bus.publish(topics.ORDERS, "o-p", accepted("o-p", "en"))
    await bus.publish(topics.FULFILLMENT_STATUS, "o-p", shipped("o-p"))
    await bus.publish(topics.FULFILLMENT_STATUS, "o-p", shipped("o-p", ShipmentStatus.DELIVERED))
    await bus.flush()
    db = await system.db("notifications")
    await eventually(
        lambda: db.fetchval(
            "SELECT count(*) = 2 FROM notifications WHERE status IN ('sent', 'suppressed')"
        )
    )
    statuses = dict(await db.fetch("SELECT kind, status FROM notifications"))
    assert statuses == {"shipped": "suppressed", "delivered": "sent"}
    assert [m["Subject"] for m in smtp.to("o-p")] == ["Your order has been delivered"]
    async with api(service) as client:
        views = (await client.get("/orders/o-p/notifications")).json()
    [suppressed] = [view for view in views if view["kind"] == "shipped"]
    assert suppressed["status"] == "suppressed"
    assert [entry["outcome"] for entry in suppressed["log"]] == ["suppressed"]
    assert "opted out of 'shipped'" in suppressed["log"][0]["detail"]


async def test_quiet_hours_in_the_customers_zone_postpone_the_message(
    system: TestSystem, start, smtp
) -> None:
    await system.create_topics([])
    service = await start(system, "notifications", smtp_port=smtp.port)
    tokyo_hour = datetime.now(UTC).astimezone(zone_of("JP")).hour
    quiet = {"quiet_from": tokyo_hour, "quiet_until": (tokyo_hour + 2) % 24}
    async with api(service) as client:
        half = await client.put("/preferences", json={"quiet_from": 3}, headers=OPERATOR)
        assert half.status_code == 422 and "go together" in half.text
        assert (await client.put("/preferences", json=quiet, headers=OPERATOR)).status_code == 200
    bus = await system.bus("partners")
    in_japan = accepted("o-q", "ja")
    in_japan = in_japan.model_copy(
        update={
            "order": in_japan.order.model_copy(
                update={"ship_to": in_japan.order.ship_to.model_copy(update={"country": "JP"})}
            )
        }
    )
    await bus.publish(topics.ORDERS, "o-q", in_japan)
    await bus.publish(topics.ORDERS, "o-s", accepted("o-s", "en"))  # Singapore: not quiet
    await bus.publish(topics.FULFILLMENT_STATUS, "o-q", shipped("o-q"))
    await bus.publish(topics.FULFILLMENT_STATUS, "o-s", shipped("o-s"))
    await bus.flush()
    await eventually(lambda: _told(smtp, "o-s"))
    db = await system.db("notifications")
    waiting = await db.fetchrow(
        "SELECT status, attempts, next_attempt_at FROM notifications WHERE order_id = 'o-q'"
    )
    assert (waiting["status"], waiting["attempts"]) == ("pending", 0)
    assert waiting["next_attempt_at"] > datetime.now(UTC) + timedelta(minutes=50)
    assert smtp.to("o-q") == []


async def _told(smtp, order_id: str) -> bool:
    return bool(smtp.to(order_id))


async def test_the_seller_chooses_whose_buyers_hear_confirmed(
    system: TestSystem, start, smtp
) -> None:
    await system.create_topics([])
    service = await start(system, "notifications", smtp_port=smtp.port)
    async with api(service) as client:
        before = (await client.get("/preferences")).json()
        assert before["confirm_channels"] == []  # marketplaces confirm orders themselves
        await client.put("/preferences", json={"confirm_channels": ["shopify"]}, headers=OPERATOR)
    bus = await system.bus("partners")
    own_store = accepted("o-c", "fr")
    marketplace = accepted("o-m", "fr")
    marketplace = marketplace.model_copy(
        update={"order": marketplace.order.model_copy(update={"channel": "amazon"})}
    )
    await bus.publish(topics.ORDERS, "o-c", own_store)
    await bus.publish(topics.ORDERS, "o-m", marketplace)
    await bus.flush()
    await eventually(lambda: _told(smtp, "o-c"))
    assert [m["Subject"] for m in smtp.to("o-c")] == ["Nous avons bien reçu votre commande o-c"]
    db = await system.db("notifications")
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE order_id = 'o-m'") == 0
