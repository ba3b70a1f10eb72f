"""A refund the channel reports is news for the order's customer, whether or not anything came
back: intake tells it on as OrderRefunded for an order the other services know (issue 18)."""

from datetime import timedelta
from decimal import Decimal

from orderflow_contracts.intake import OrderAccepted, OrderCancelled, OrderHeld, OrderRefunded
from orderflow_contracts.marketplace import (
    MarketplaceOrderCancelled,
    MarketplaceOrderRefunded,
    MarketplacePaymentChanged,
)

from tests.use_cases.intake.test_updates_in_version_order import (
    EXTERNAL_ID,
    ORDER_ID,
    T0,
    audit,
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


def refund(refund_id: str, amount: str) -> MarketplaceOrderRefunded:
    """One refund as Shopify's refunds/create tells it (its id, what it gave back)."""
    return MarketplaceOrderRefunded(
        channel="shopify",
        external_id=EXTERNAL_ID,
        refund_id=refund_id,
        amount=Decimal(amount),
        currency="USD",
        status="refund",
    )


def told(events: list) -> list[tuple[str, bool, Decimal | None, str]]:
    return [
        (e.refund_id, e.partial, e.amount, e.currency)
        for e in events
        if isinstance(e, OrderRefunded)
    ]


async def test_each_refund_is_told_once_with_its_amount_the_last_one_in_full(intake):
    await deliver(intake, published(order_at(T0)))  # one MUG-RED at 19.90 USD

    first = await deliver(intake, refund("r-1", "5.00"), refund("r-1", "5.00"))
    second = await deliver(intake, refund("r-2", "5.00"))
    last = await deliver(intake, refund("r-3", "9.90"), refund("r-2", "5.00"))

    assert told(first) == [("r-1", True, Decimal("5.00"), "USD")]
    assert told(second) == [("r-2", True, Decimal("5.00"), "USD")]
    assert told(last) == [("r-3", False, Decimal("9.90"), "USD")]


async def test_a_refund_status_repeated_on_every_update_is_told_once(intake):
    await deliver(intake, published(order_at(T0)))

    emitted = await deliver(
        intake, payment("partially_refunded", True, 5), payment("partially_refunded", True, 6)
    )

    assert refunds(emitted) == [(ORDER_ID, True, "partially_refunded")]


async def test_a_refund_before_its_order_is_told_once_the_order_is_accepted(intake):
    early = await deliver(intake, refund("r-1", "5.00"), payment("partially_refunded", True, 1))
    assert early == []
    assert [action for action, _ in await audit(intake)] == ["refund_waiting", "refund_waiting"]

    emitted = await deliver(intake, published(order_at(T0)))

    assert [type(e) for e in emitted] == [OrderAccepted, OrderRefunded, OrderRefunded]
    assert told(emitted) == [("r-1", True, Decimal("5.00"), "USD"), ("", True, None, "")]


async def test_a_refund_of_a_held_order_waits_with_why_and_is_told_on_its_release(intake):
    [held] = await deliver(intake, published(order_at(T0, financial_status="authorized")))
    assert isinstance(held, OrderHeld)

    waiting = await deliver(intake, refund("r-1", "5.00"))
    assert waiting == []
    [(_, detail)] = [entry for entry in await audit(intake) if entry[0] == "refund_waiting"]
    assert "held, not accepted" in detail["reason"]

    released = await deliver(intake, payment("paid", True, 5))

    assert [type(e) for e in released][-2:] == [OrderAccepted, OrderRefunded]
    assert told(released) == [("r-1", True, Decimal("5.00"), "USD")]
