"""notifications sends real e-mail over SMTP, once per shipment event, in the customer's language."""

from datetime import UTC, datetime

import pytest
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus, ShipmentStatusChanged
from orderflow_contracts.intake import OrderAccepted
from orderflow_contracts.order import Address, CanonicalOrder, Customer, OrderLine
from orderflow_testing.system import TestSystem, eventually

pytestmark = pytest.mark.integration


def accepted(order_id: str, language: str) -> OrderAccepted:
    return OrderAccepted(
        order=CanonicalOrder(
            order_id=order_id,
            channel="shopify",
            external_id=order_id,
            customer=Customer(name="Lin", email=f"{order_id}@example.com", language=language),
            ship_to=Address(country="SG"),
            lines=(OrderLine(sku="MUG-RED", quantity=1),),
            placed_at=datetime.now(UTC),
        )
    )


def shipped(
    order_id: str, status: ShipmentStatus = ShipmentStatus.SHIPPED
) -> ShipmentStatusChanged:
    return ShipmentStatusChanged(
        order_id=order_id,
        shipment_id=f"{order_id}-s1",
        location_id="cn-shenzhen",
        status=status,
        carrier="4px",
        tracking_number="4PX123",
    )


async def test_one_email_per_event_even_when_delivered_twice(
    system: TestSystem, start, smtp
) -> None:
    await system.create_topics([])
    await start(system, "notifications", smtp_port=smtp.port)
    bus = await system.bus("partners")
    await bus.publish(topics.ORDERS, "o-1", accepted("o-1", "en"))
    envelope = await bus.publish(topics.FULFILLMENT_STATUS, "o-1", shipped("o-1"))
    await bus.publish_raw(topics.FULFILLMENT_STATUS, "o-1", envelope.to_bytes())
    await bus.publish(topics.FULFILLMENT_STATUS, "o-1", shipped("o-1"))  # same news, new event id
    await bus.publish(topics.FULFILLMENT_STATUS, "o-1", shipped("o-1", ShipmentStatus.DELIVERED))
    await bus.flush()
    await system.read(topics.NOTIFICATIONS_SENT, until=lambda seen: len(seen) >= 2)
    assert sorted(m["Subject"] for m in smtp.to("o-1")) == [
        "Your order has been delivered",
        "Your order has shipped",
    ]
    assert "4PX123" in smtp.to("o-1")[0].get_content()
    notifications = await system.db("notifications")
    assert (
        await notifications.fetchval("SELECT count(*) FROM delivery_log WHERE outcome = 'sent'")
        == 2
    )


async def test_news_that_arrives_before_the_contact_waits_for_it(
    system: TestSystem, start, smtp
) -> None:
    await system.create_topics([])
    await start(system, "notifications", smtp_port=smtp.port)
    bus = await system.bus("partners")
    await bus.publish(topics.FULFILLMENT_STATUS, "o-2", shipped("o-2"))
    await bus.flush()
    notifications = await system.db("notifications")
    await eventually(
        lambda: notifications.fetchval("SELECT status = 'awaiting_contact' FROM notifications")
    )
    await bus.publish(topics.ORDERS, "o-2", accepted("o-2", "zh"))
    await bus.flush()
    await eventually(lambda: _count(smtp, "o-2"))
    assert [m["Subject"] for m in smtp.to("o-2")] == ["您的订单已发货"]


async def test_failed_smtp_is_retried_and_logged(system: TestSystem, start, smtp) -> None:
    await system.create_topics([])
    smtp.stop()  # the server is down when the first attempt is made
    await start(system, "notifications", smtp_port=smtp.port)
    bus = await system.bus("partners")
    await bus.publish(topics.ORDERS, "o-3", accepted("o-3", "en"))
    await bus.publish(topics.FULFILLMENT_STATUS, "o-3", shipped("o-3"))
    await bus.flush()
    notifications = await system.db("notifications")
    await eventually(
        lambda: notifications.fetchval("SELECT count(*) FROM delivery_log WHERE outcome = 'failed'")
    )
    smtp.start()
    await eventually(lambda: _count(smtp, "o-3"), timeout_s=30)
    # The server has the mail a moment before the sender's transaction commits.
    await eventually(lambda: notifications.fetchval("SELECT status = 'sent' FROM notifications"))


async def _count(smtp, order_id: str) -> int:
    return len(smtp.to(order_id))


async def test_an_order_no_channel_reaches_is_unreachable_alone_and_the_rest_are_sent(
    system: TestSystem, start, smtp
) -> None:
    await system.create_topics([])
    await start(system, "notifications", smtp_port=smtp.port)
    bus = await system.bus("partners")
    no_address = accepted("o-4", "en")
    no_address = no_address.model_copy(
        update={
            "order": no_address.order.model_copy(
                update={"customer": Customer(name="Lin", email="")}
            )
        }
    )
    await bus.publish(topics.ORDERS, "o-4", no_address)
    await bus.publish(topics.ORDERS, "o-5", accepted("o-5", "en"))
    await bus.publish(topics.FULFILLMENT_STATUS, "o-4", shipped("o-4"))
    await bus.publish(topics.FULFILLMENT_STATUS, "o-5", shipped("o-5"))
    await bus.flush()
    await eventually(lambda: _count(smtp, "o-5"))
    notifications = await system.db("notifications")
    unreachable = await eventually(
        lambda: notifications.fetchrow(
            "SELECT status, attempts FROM notifications"
            " WHERE order_id = 'o-4' AND status = 'unreachable'"
        )
    )
    assert unreachable["attempts"] == 1, "no address and no webhook: retrying cannot help"
    assert smtp.to("o-4") == []


async def test_many_orders_go_out_over_several_sessions_each_order_in_order(
    system: TestSystem, start, smtp
) -> None:
    await system.create_topics([])
    await start(system, "notifications", smtp_port=smtp.port, smtp_sessions=3)
    bus = await system.bus("partners")
    orders = [f"o-many-{n}" for n in range(12)]
    for order_id in orders:
        await bus.publish(topics.ORDERS, order_id, accepted(order_id, "en"))
    for order_id in orders:
        await bus.publish(topics.FULFILLMENT_STATUS, order_id, shipped(order_id))
        await bus.publish(
            topics.FULFILLMENT_STATUS, order_id, shipped(order_id, ShipmentStatus.DELIVERED)
        )
    await bus.flush()
    await eventually(lambda: _all_told(smtp, orders))
    for order_id in orders:
        assert [m["Subject"] for m in smtp.to(order_id)] == [
            "Your order has shipped",
            "Your order has been delivered",
        ]


async def _all_told(smtp, orders: list[str]) -> bool:
    return all(len(smtp.to(order_id)) == 2 for order_id in orders)


async def test_a_session_the_server_dropped_is_opened_again(
    system: TestSystem, start, smtp
) -> None:
    await system.create_topics([])
    await start(system, "notifications", smtp_port=smtp.port)
    bus = await system.bus("partners")
    await bus.publish(topics.ORDERS, "o-8", accepted("o-8", "en"))
    await bus.publish(topics.FULFILLMENT_STATUS, "o-8", shipped("o-8"))
    await bus.flush()
    await eventually(lambda: _count(smtp, "o-8"))
    smtp.stop()  # closes the session the sender keeps open
    smtp.start()
    await bus.publish(topics.FULFILLMENT_STATUS, "o-8", shipped("o-8", ShipmentStatus.DELIVERED))
    await bus.flush()
    await eventually(lambda: _count_is(smtp, "o-8", 2))
    notifications = await system.db("notifications")
    failed = "SELECT count(*) FROM delivery_log WHERE outcome = 'failed'"
    assert await notifications.fetchval(failed) == 0


async def _count_is(smtp, order_id: str, count: int) -> bool:
    return len(smtp.to(order_id)) == count
