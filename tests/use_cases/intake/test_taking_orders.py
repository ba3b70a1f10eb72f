"""intake's use cases, driven without a broker: a marketplace's order taken once, screened,
accepted or held with its reasons, and cancelled or held when the marketplace or routing says."""

from typing import Any

from orderflow_contracts import topics
from orderflow_contracts.intake import OrderAccepted, OrderCancelled, OrderHeld
from orderflow_contracts.marketplace import MarketplaceOrderCancelled, MarketplaceOrderPublished
from orderflow_contracts.routing import OrderUnroutable
from orderflow_simulators import payloads
from orderflow_testing.use_cases import DrivenService


def published(payload: dict[str, Any]) -> MarketplaceOrderPublished:
    return MarketplaceOrderPublished(channel="shopify", payload=payload)


def events(emitted) -> list:
    return [m.envelope.event() for m in emitted]


async def take(intake: DrivenService, *orders: dict[str, Any]) -> list:
    return events(await intake.deliver(topics.MARKETPLACE_ORDERS, *map(published, orders)))


async def test_a_clean_order_is_accepted_with_its_lines_mapped(intake) -> None:
    [accepted] = await take(intake, payloads.shopify_order(1, [("MUG-RED", 2)]))

    assert isinstance(accepted, OrderAccepted)
    assert accepted.order.channel == "shopify"
    assert [(line.sku, line.quantity) for line in accepted.order.lines] == [("MUG-RED", 2)]


async def test_an_order_sent_twice_is_taken_once(intake) -> None:
    order = payloads.shopify_order(1, [("MUG-RED", 1)])
    await take(intake, order)

    assert await take(intake, order) == []


async def test_every_unknown_sku_is_named_in_one_hold(intake) -> None:
    [held] = await take(intake, payloads.shopify_order(1, [("NOPE-1", 1), ("NOPE-2", 1)]))

    assert isinstance(held, OrderHeld)
    details = " ".join(reason.detail for reason in held.reasons)
    assert "NOPE-1" in details and "NOPE-2" in details


async def test_a_marketplace_cancellation_cancels_the_order_on_orders_and_orders_changes(
    intake,
) -> None:
    order = payloads.shopify_order(1, [("MUG-RED", 1)])
    [accepted] = await take(intake, order)
    cancellation = MarketplaceOrderCancelled(
        channel="shopify", external_id=accepted.order.external_id, reason="buyer"
    )
    emitted = await intake.deliver(topics.MARKETPLACE_ORDERS, cancellation)

    assert [m.topic for m in emitted] == [topics.ORDERS, topics.ORDER_CHANGES]
    assert emitted[0].envelope is emitted[1].envelope  # one event, on both
    cancelled = emitted[0].envelope.event()
    assert isinstance(cancelled, OrderCancelled)
    assert cancelled.order_id == accepted.order.order_id


async def test_an_order_routing_cannot_ship_joins_the_exception_queue(intake) -> None:
    [accepted] = await take(intake, payloads.shopify_order(1, [("MUG-RED", 1)]))
    order_id = accepted.order.order_id
    unroutable = OrderUnroutable(order_id=order_id, attempt=1, reason="no stock")

    assert await intake.deliver(topics.ROUTING_UNROUTABLE, unroutable) == []  # intake's own news
    status = await intake.conn.fetchval("SELECT status FROM orders WHERE order_id = $1", order_id)
    holds = await intake.conn.fetch(
        "SELECT code, detail FROM holds WHERE order_id = $1 AND resolved_at IS NULL", order_id
    )
    assert (status, [tuple(h) for h in holds]) == ("held", [("unroutable", "no stock")])
