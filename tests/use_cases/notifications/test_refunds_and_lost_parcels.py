"""A refund without a return, a parcel lost or sent back: news the customer hears once each
(issue 18)."""

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_contracts.intake import OrderCancelled, OrderRefunded
from orderflow_testing.use_cases import DrivenService

from tests.use_cases.conftest import accepted
from tests.use_cases.notifications.test_queueing import news, queued


def refunded(order_id: str = "o-1", partial: bool = False) -> OrderRefunded:
    return OrderRefunded(
        order_id=order_id,
        channel="shopify",
        external_id=f"ext-{order_id}",
        partial=partial,
        status="partially_refunded" if partial else "refunded",
    )


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
