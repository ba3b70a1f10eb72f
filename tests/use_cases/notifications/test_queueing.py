"""notifications' use cases, driven without a broker: what is queued for whom, and once."""

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus, ShipmentStatusChanged
from orderflow_contracts.intake import OrderCancelled
from orderflow_contracts.inventory import BackorderedLine, OrderBackordered
from orderflow_testing.use_cases import DrivenService

from tests.use_cases.conftest import accepted


def news(status: ShipmentStatus, shipment_id: str = "o-1-s1") -> ShipmentStatusChanged:
    return ShipmentStatusChanged(
        order_id="o-1",
        shipment_id=shipment_id,
        location_id="cn-shenzhen",
        status=status,
        carrier="4px",
        tracking_number="4PX123",
    )


async def queued(notifications: DrivenService) -> list[tuple[str, str, str, str, str]]:
    rows = await notifications.conn.fetch(
        "SELECT shipment_id, kind, status, recipient, language FROM notifications ORDER BY id"
    )
    return [tuple(row) for row in rows]


async def test_shipped_is_queued_for_the_buyer_in_their_language(notifications) -> None:
    await notifications.deliver(
        topics.ORDERS, accepted("o-1", email="lin@example.com", language="zh")
    )
    await notifications.deliver(topics.FULFILLMENT_STATUS, news(ShipmentStatus.SHIPPED))

    assert await queued(notifications) == [
        ("o-1-s1", "shipped", "pending", "lin@example.com", "zh")
    ]


async def test_news_before_the_order_waits_for_its_contact(notifications) -> None:
    await notifications.deliver(topics.FULFILLMENT_STATUS, news(ShipmentStatus.SHIPPED))
    assert [row[2] for row in await queued(notifications)] == ["awaiting_contact"]

    await notifications.deliver(topics.ORDERS, accepted("o-1", email="lin@example.com"))
    assert await queued(notifications) == [
        ("o-1-s1", "shipped", "pending", "lin@example.com", "en")
    ]


async def test_steps_without_a_message_are_not_news(notifications) -> None:
    await notifications.deliver(topics.ORDERS, accepted("o-1", email="lin@example.com"))
    await notifications.deliver(
        topics.FULFILLMENT_STATUS, news(ShipmentStatus.PICKED), news(ShipmentStatus.PACKED)
    )

    assert await queued(notifications) == []


async def test_one_notification_per_shipment_and_kind_however_often_told(notifications) -> None:
    await notifications.deliver(topics.ORDERS, accepted("o-1", email="lin@example.com"))
    await notifications.deliver(
        topics.FULFILLMENT_STATUS, news(ShipmentStatus.SHIPPED), news(ShipmentStatus.SHIPPED)
    )
    await notifications.deliver(topics.FULFILLMENT_STATUS, news(ShipmentStatus.SHIPPED))
    await notifications.deliver(topics.FULFILLMENT_STATUS, news(ShipmentStatus.SHIPPED, "o-1-s2"))

    assert [(row[0], row[1]) for row in await queued(notifications)] == [
        ("o-1-s1", "shipped"),
        ("o-1-s2", "shipped"),
    ]


async def test_an_order_waiting_for_stock_is_told_once(notifications) -> None:
    await notifications.deliver(topics.ORDERS, accepted("o-1", email="lin@example.com"))
    waiting = OrderBackordered(
        order_id="o-1",
        attempt=1,
        lines=(
            BackorderedLine(shipment_id="o-1-s1", sku="MUG-RED", location_id="de-3pl", quantity=2),
            BackorderedLine(
                shipment_id="o-1-s1", sku="LAMP-DESK", location_id="de-3pl", quantity=1
            ),
        ),
    )
    replanned = OrderBackordered(
        order_id="o-1",
        attempt=2,
        lines=(
            BackorderedLine(shipment_id="o-1-s7", sku="MUG-RED", location_id="us-3pl", quantity=2),
        ),
    )
    await notifications.deliver(topics.INVENTORY_BACKORDERS, waiting)
    await notifications.deliver(topics.INVENTORY_BACKORDERS, waiting, replanned)

    assert await queued(notifications) == [
        ("o-1", "backordered", "pending", "lin@example.com", "en")
    ]


async def test_a_carrier_exception_and_a_customs_hold_are_one_delay(notifications) -> None:
    await notifications.deliver(topics.ORDERS, accepted("o-1", email="lin@example.com"))
    await notifications.deliver(
        topics.FULFILLMENT_STATUS,
        news(ShipmentStatus.EXCEPTION),
        news(ShipmentStatus.CUSTOMS_HOLD),
        news(ShipmentStatus.FAILED_DELIVERY),
        news(ShipmentStatus.RETURN_REQUESTED),  # the customer asked: not news to them
        news(ShipmentStatus.RETURN_RECEIVED),
    )

    assert [row[1] for row in await queued(notifications)] == [
        "delayed",
        "failed_delivery",
        "return_received",
    ]


async def test_a_cancelled_order_is_told_once_if_its_customer_is_known(notifications) -> None:
    await notifications.deliver(topics.ORDERS, accepted("o-1", email="lin@example.com"))
    cancelled = OrderCancelled(order_id="o-1", channel="shopify", external_id="ext-o-1")
    never_accepted = OrderCancelled(order_id="o-9", channel="shopee", external_id="ext-o-9")
    await notifications.deliver(topics.ORDERS, cancelled, never_accepted)
    await notifications.deliver(topics.ORDERS, cancelled)

    assert await queued(notifications) == [("o-1", "cancelled", "pending", "lin@example.com", "en")]
