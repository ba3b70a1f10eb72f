"""Backorders and the reservations they become, on the real broker and PostgreSQL: a filled
backorder lives its whole TTL, a backorder dies with its order, and freed stock fills the
backorders waiting for it."""

from datetime import timedelta

import pytest
from orderflow_contracts import topics
from orderflow_contracts.intake import OrderCancelled
from orderflow_contracts.inventory import OrderBackordered, ReservationExpired, StockReserved
from orderflow_contracts.warehouse import StockReceived
from orderflow_inventory import use_cases
from orderflow_runtime import RunningService
from orderflow_testing.system import TestSystem, eventually

from tests.integration.inventory.support import plan_for, set_policy, shipment_news, stock

pytestmark = pytest.mark.integration


async def _partial_service(system: TestSystem, start) -> RunningService:
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    await set_policy(service, "tiktok", shortage="partial")
    return service


async def _order_partly_backordered(system: TestSystem, start) -> RunningService:
    """order-1 asks 5 MUG-RED on tiktok (partial) with 3 in stock: 3 reserved, 2 backordered."""
    service = await _partial_service(system, start)
    await stock(system, "MUG-RED", "us-ontario", 3)
    routing = await system.bus("routing")
    await routing.publish(
        topics.ROUTING_PLANS, "order-1", plan_for(1, quantity=5, channel="tiktok")
    )
    await routing.flush()
    await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 1)
    await system.read(topics.INVENTORY_BACKORDERS, until=lambda seen: len(seen) >= 1)
    return service


async def _receive(system: TestSystem, units: int, reference: str, on_hand_after: int) -> None:
    warehouse = await system.bus("warehouse")
    await warehouse.publish(
        topics.WAREHOUSE_STOCK,
        "MUG-RED",
        StockReceived(sku="MUG-RED", location_id="us-ontario", quantity=units, reference=reference),
    )
    await warehouse.flush()
    inventory = await system.db("inventory")
    await eventually(  # the receipt and any fill it makes commit together
        lambda: inventory.fetchval(
            "SELECT on_hand = $1 FROM stock WHERE sku = 'MUG-RED'", on_hand_after
        )
    )


async def _expire(service: RunningService, ttl: timedelta) -> int:
    async with service.unit_of_work() as uow:
        return await use_cases.expire_unconfirmed(uow, ttl)


def _follow_ups(seen) -> list[StockReserved]:
    return [
        m.event
        for m in seen
        if isinstance(m.event, StockReserved) and "-b" in m.event.plan.shipments[0].shipment_id
    ]


async def test_a_backorder_filled_late_gets_its_whole_ttl(system: TestSystem, start) -> None:
    service = await _partial_service(system, start)
    routing = await system.bus("routing")
    await routing.publish(
        topics.ROUTING_PLANS, "order-1", plan_for(1, quantity=2, channel="tiktok")
    )
    await routing.flush()
    [outcome] = await system.read(topics.INVENTORY_BACKORDERS, until=lambda seen: len(seen) >= 1)
    assert isinstance(outcome.event, OrderBackordered)
    inventory = await system.db("inventory")
    await inventory.execute("UPDATE reservations SET created_at = now() - interval '1 hour'")

    await _receive(system, 5, "GRN-1", on_hand_after=5)
    await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(_follow_ups(seen)) == 1)

    assert await _expire(service, timedelta(minutes=30)) == 0
    row = await inventory.fetchrow("SELECT status FROM reservations WHERE order_id = 'order-1'")
    assert row["status"] == "reserved"
    assert await inventory.fetchval("SELECT reserved FROM stock WHERE sku = 'MUG-RED'") == 2


async def test_an_expired_orders_backorder_is_closed_not_filled_later(
    system: TestSystem, start
) -> None:
    service = await _order_partly_backordered(system, start)
    assert await _expire(service, timedelta(0)) == 1
    inventory = await system.db("inventory")
    assert await inventory.fetchval("SELECT sum(open) FROM backorders") == 0

    await _receive(system, 4, "GRN-2", on_hand_after=7)
    assert await inventory.fetchval("SELECT reserved FROM stock WHERE sku = 'MUG-RED'") == 0
    outcomes = await system.read(
        topics.INVENTORY_RESERVATIONS,
        until=lambda seen: any(isinstance(m.event, ReservationExpired) for m in seen),
    )
    assert _follow_ups(outcomes) == []


async def test_a_partly_shipped_orders_filled_backorder_is_released_on_cancellation(
    system: TestSystem, start
) -> None:
    await _order_partly_backordered(system, start)
    fulfillment = await system.bus("fulfillment")
    await fulfillment.publish(
        topics.FULFILLMENT_STATUS,
        "order-1",
        shipment_news(1),
    )
    await fulfillment.flush()
    inventory = await system.db("inventory")
    await eventually(lambda: inventory.fetchval("SELECT status = 'committed' FROM reservations"))

    await _receive(system, 4, "GRN-2", on_hand_after=4)  # 3 shipped: 0 left, then 4 arrive
    await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(_follow_ups(seen)) == 1)
    assert await inventory.fetchval("SELECT reserved FROM stock WHERE sku = 'MUG-RED'") == 2

    orders = await system.bus("intake")
    await orders.publish(
        topics.ORDER_CHANGES,
        "order-1",
        OrderCancelled(order_id="order-1", channel="tiktok", external_id="1"),
    )
    await orders.flush()
    await eventually(lambda: inventory.fetchval("SELECT status = 'released' FROM reservations"))
    assert await inventory.fetchval("SELECT reserved FROM stock WHERE sku = 'MUG-RED'") == 0


async def test_units_a_cancellation_frees_fill_a_waiting_backorder(
    system: TestSystem, start
) -> None:
    await _partial_service(system, start)
    await stock(system, "MUG-RED", "us-ontario", 3)
    routing = await system.bus("routing")
    # One key, one partition: order-1 takes the 3 units before order-2 asks.
    await routing.publish(topics.ROUTING_PLANS, "one-key", plan_for(1, quantity=3))
    await routing.publish(
        topics.ROUTING_PLANS, "one-key", plan_for(2, quantity=2, channel="tiktok")
    )
    await routing.flush()
    await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 1)
    await system.read(topics.INVENTORY_BACKORDERS, until=lambda seen: len(seen) >= 1)

    orders = await system.bus("intake")
    await orders.publish(
        topics.ORDER_CHANGES,
        "order-1",
        OrderCancelled(order_id="order-1", channel="shopify", external_id="1"),
    )
    await orders.flush()
    outcomes = await system.read(
        topics.INVENTORY_RESERVATIONS, until=lambda seen: len(_follow_ups(seen)) == 1
    )
    [follow_up] = _follow_ups(outcomes)
    assert (follow_up.plan.order_id, follow_up.plan.shipments[0].lines[0].quantity) == (
        "order-2",
        2,
    )
    inventory = await system.db("inventory")
    assert await inventory.fetchval("SELECT reserved FROM stock WHERE sku = 'MUG-RED'") == 2
    statuses = dict(await inventory.fetch("SELECT order_id, status FROM reservations"))
    assert statuses == {"order-1": "released", "order-2": "reserved"}
