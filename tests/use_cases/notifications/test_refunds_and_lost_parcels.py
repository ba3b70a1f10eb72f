"""A refund without a return, a parcel lost or sent back: news the customer hears once each
(issue 18)."""

from decimal import Decimal

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_contracts.intake import OrderCancelled, OrderRefunded
from orderflow_testing.use_cases import DrivenService

from tests.use_cases.conftest import accepted
from tests.use_cases.notifications.test_queueing import news, queued


def refunded(
    order_id: str = "o-1", partial: bool = False, refund_id: str = "", amount: str = ""
) -> OrderRefunded:
    return OrderRefunded(
        order_id=order_id,
        channel="shopify",
        external_id=f"ext-{order_id}",
        partial=partial,
        status="refund" if refund_id else "partially_refunded" if partial else "refunded",
        refund_id=refund_id,
        amount=Decimal(amount) if amount else None,
        currency="EUR" if amount else "",
    )


async def refunds(notifications: DrivenService) -> list[tuple[str, str, str, str]]:
    rows = await notifications.conn.fetch(
        "SELECT shipment_id, kind, status, coalesce(amount::text || ' ' || currency, '')"
        " FROM notifications ORDER BY id"
    )
    return [tuple(row) for row in rows]


async def test_a_refund_without_a_return_is_told_once_in_part_and_once_in_full(
    notifications: DrivenService,
) -> None:
    await notifications.deliver(topics.ORDERS, accepted("o-1", email="lin@example.com"))
    await notifications.deliver(topics.ORDERS, refunded(partial=True), refunded(partial=True))
    await notifications.deliver(topics.ORDERS, refunded(partial=True))
    await notifications.deliver(topics.ORDERS, refunded(), refunded("o-9"))  # o-9: never known

    assert await queued(notifications) == [
        ("o-1", "partially_refunded", "pending", "lin@example.com", "en"),
        ("o-1", "refunded", "pending", "lin@example.com", "en"),
    ]


async def test_a_cancelled_order_refunded_hears_both(notifications: DrivenService) -> None:
    await notifications.deliver(topics.ORDERS, accepted("o-1", email="lin@example.com"))
    cancelled = OrderCancelled(order_id="o-1", channel="shopify", external_id="ext-o-1")
    await notifications.deliver(topics.ORDERS, cancelled, refunded())

    assert [row[1] for row in await queued(notifications)] == ["cancelled", "refunded"]


async def test_a_lost_parcel_and_one_sent_back_are_told_once_each(
    notifications: DrivenService,
) -> None:
    await notifications.deliver(topics.ORDERS, accepted("o-1", email="lin@example.com"))
    await notifications.deliver(
        topics.FULFILLMENT_STATUS,
        news(ShipmentStatus.LOST, "o-1-s1"),
        news(ShipmentStatus.LOST, "o-1-s1"),
        news(ShipmentStatus.RETURNED_TO_SENDER, "o-1-s2"),
    )
    await notifications.deliver(
        topics.FULFILLMENT_STATUS, news(ShipmentStatus.RETURNED_TO_SENDER, "o-1-s2")
    )

    assert [(row[0], row[1]) for row in await queued(notifications)] == [
        ("o-1-s1", "lost"),
        ("o-1-s2", "returned_to_sender"),
    ]


async def test_a_parcel_sent_back_is_no_return_received_when_it_arrives(
    notifications: DrivenService,
) -> None:
    await notifications.deliver(topics.ORDERS, accepted("o-1", email="lin@example.com"))
    await notifications.deliver(
        topics.FULFILLMENT_STATUS, news(ShipmentStatus.RETURNED_TO_SENDER, "o-1-s1")
    )
    await notifications.deliver(
        topics.FULFILLMENT_STATUS,
        news(ShipmentStatus.RETURN_RECEIVED, "o-1-s1"),  # the undeliverable parcel, back
        news(ShipmentStatus.RETURNED_TO_SENDER, "o-1-s2"),
        news(ShipmentStatus.RETURN_RECEIVED, "o-1-s2"),  # the same, in one batch
        news(ShipmentStatus.RETURN_RECEIVED, "o-1-s3"),  # the customer's own return
    )

    assert [(row[0], row[1]) for row in await queued(notifications)] == [
        ("o-1-s1", "returned_to_sender"),
        ("o-1-s2", "returned_to_sender"),
        ("o-1-s3", "return_received"),
    ]


async def test_each_refund_the_channel_names_is_told_once_with_what_it_gave_back(
    notifications: DrivenService,
) -> None:
    await notifications.deliver(topics.ORDERS, accepted("o-1", email="lin@example.com"))
    first = refunded(partial=True, refund_id="r-1", amount="5.00")
    second = refunded(partial=True, refund_id="r-2", amount="4.00")
    await notifications.deliver(topics.ORDERS, first, first)
    await notifications.deliver(topics.ORDERS, second, first)
    await notifications.deliver(topics.ORDERS, refunded(refund_id="r-3", amount="10.90"))

    assert await refunds(notifications) == [
        ("o-1:refund:r-1", "partially_refunded", "pending", "5.00 EUR"),
        ("o-1:refund:r-2", "partially_refunded", "pending", "4.00 EUR"),
        ("o-1:refund:r-3", "refunded", "pending", "10.90 EUR"),
    ]


async def test_a_refund_status_says_nothing_the_refund_itself_told(
    notifications: DrivenService,
) -> None:
    await notifications.deliver(topics.ORDERS, accepted("o-1", email="lin@example.com"))
    await notifications.deliver(topics.ORDERS, refunded(partial=True))  # the status first
    await notifications.deliver(topics.ORDERS, refunded(partial=True, refund_id="r-1", amount="5"))
    await notifications.deliver(topics.ORDERS, refunded())  # the status after: already told

    assert await refunds(notifications) == [
        ("o-1", "partially_refunded", "suppressed", ""),
        ("o-1:refund:r-1", "partially_refunded", "pending", "5 EUR"),
    ]
    why = await notifications.conn.fetchval("SELECT detail FROM delivery_log")
    assert why == "told with the refund itself, which says what it gave back"


async def test_an_order_cancelled_after_a_parcel_left_is_not_told_it_will_not_ship(
    notifications: DrivenService,
) -> None:
    await notifications.deliver(topics.ORDERS, accepted("o-1", email="lin@example.com"))
    await notifications.deliver(topics.ORDERS, accepted("o-2", email="lin@example.com"))
    await notifications.deliver(topics.FULFILLMENT_STATUS, news(ShipmentStatus.SHIPPED, "o-1-s1"))
    await notifications.deliver(
        topics.ORDERS,
        OrderCancelled(order_id="o-1", channel="shopify", external_id="ext-o-1"),
        OrderCancelled(order_id="o-2", channel="shopify", external_id="ext-o-2"),
    )

    assert [row[:2] for row in await queued(notifications)] == [
        ("o-1-s1", "shipped"),
        ("o-1", "cancelled_after_shipment"),
        ("o-2", "cancelled"),
    ]
