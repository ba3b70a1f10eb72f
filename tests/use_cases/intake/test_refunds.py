"""A refund the channel reports is news for the order's customer, whether or not anything came
back: intake tells it on as OrderRefunded for an order the other services know (issue 18)."""

from datetime import timedelta

from orderflow_contracts.intake import OrderAccepted, OrderCancelled, OrderRefunded
from orderflow_contracts.marketplace import MarketplaceOrderCancelled, MarketplacePaymentChanged

from tests.use_cases.intake.test_updates_in_version_order import (
    EXTERNAL_ID,
    ORDER_ID,
    T0,
    deliver,
    order_at,
    published,
)


def payment(status: str, captured: bool, minutes: int) -> MarketplacePaymentChanged:
    return MarketplacePaymentChanged(
        channel="shopify",
        external_id=EXTERNAL_ID,
        captured=captured,
        status=status,
        version=T0 + timedelta(minutes=minutes),
    )


def refunds(events: list) -> list[tuple[str, bool, str]]:
    return [(e.order_id, e.partial, e.status) for e in events if isinstance(e, OrderRefunded)]


async def test_a_partial_refund_of_a_shipped_or_open_order_is_told_on(intake):
    [accepted] = await deliver(intake, published(order_at(T0)))
    assert isinstance(accepted, OrderAccepted)

    emitted = await deliver(intake, payment("partially_refunded", True, 5))

    assert refunds(emitted) == [(ORDER_ID, True, "partially_refunded")]


async def test_a_cancelled_order_refunded_is_told_on(intake):
    await deliver(intake, published(order_at(T0)))
    cancelled = await deliver(
        intake,
        MarketplaceOrderCancelled(
            channel="shopify", external_id=EXTERNAL_ID, version=T0 + timedelta(minutes=1)
        ),
    )
    assert [type(e) for e in cancelled] == [OrderCancelled]

    emitted = await deliver(intake, payment("refunded", False, 2))

    assert refunds(emitted) == [(ORDER_ID, False, "refunded")]


async def test_a_payment_without_a_refund_tells_none(intake):
    await deliver(intake, published(order_at(T0)))

    emitted = await deliver(intake, payment("paid", True, 5), payment("voided", False, 6))

    assert refunds(emitted) == []
