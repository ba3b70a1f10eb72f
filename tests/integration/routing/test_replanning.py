"""Routing re-plans when inventory rejects a plan made on stale stock, and gives up in bounds."""

import httpx
import pytest
from orderflow_contracts import topics
from orderflow_contracts.inventory import (
    LocationLevel,
    ReservationRejected,
    StockLevelChanged,
    StockReserved,
)
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_contracts.routing import OrderUnroutable, ShipmentsPlanned
from orderflow_contracts.warehouse import StockReceived
from orderflow_simulators import payloads
from orderflow_testing.system import TestSystem, eventually

pytestmark = pytest.mark.integration

LOCATIONS = ["cn-shenzhen", "us-ontario", "de-3pl"]


async def _running(system: TestSystem, start) -> None:
    await system.create_topics(LOCATIONS)
    for name in ("intake", "routing", "inventory"):
        await start(system, name)


async def _stale_replica_says_us_ontario_has(system: TestSystem, units: int) -> None:
    """A levels event as if published before the stock left: routing believes it."""
    bus = await system.bus("stale")
    level = LocationLevel(location_id="us-ontario", on_hand=units, reserved=0, available=units)
    await bus.publish(
        topics.INVENTORY_LEVELS, "MUG-RED", StockLevelChanged(sku="MUG-RED", locations=(level,))
    )
    await bus.flush()
    routing = await system.db("routing")
    await eventually(
        lambda: routing.fetchval(
            "SELECT available = $1 FROM stock_replica WHERE location_id = 'us-ontario'", units
        )
    )


async def _order_one_mug(system: TestSystem) -> None:
    bus = await system.bus("marketplace")
    order = payloads.shopify_order(1, [("MUG-RED", 1)], country="US")
    await bus.publish(
        topics.MARKETPLACE_ORDERS,
        f"shopify:{order['id']}",
        MarketplaceOrderPublished(channel="shopify", payload=order),
    )
    await bus.flush()


async def test_rejected_plan_is_replanned_where_stock_really_is(system: TestSystem, start) -> None:
    await _running(system, start)
    warehouse = await system.bus("warehouse")
    await warehouse.publish(
        topics.WAREHOUSE_STOCK,
        "MUG-RED",
        StockReceived(sku="MUG-RED", location_id="cn-shenzhen", quantity=3),
    )
    await warehouse.flush()
    routing = await system.db("routing")
    await eventually(lambda: routing.fetchval("SELECT count(*) = 1 FROM stock_replica"))
    await _stale_replica_says_us_ontario_has(system, 5)
    await _order_one_mug(system)

    plans = await system.read(topics.ROUTING_PLANS, until=lambda seen: len(seen) >= 2)
    assert [
        (m.event.attempt, m.event.shipments[0].location_id)
        for m in plans
        if isinstance(m.event, ShipmentsPlanned)
    ] == [
        (1, "us-ontario"),
        (2, "cn-shenzhen"),
    ]
    outcomes = await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 2)
    assert [type(m.event) for m in outcomes] == [ReservationRejected, StockReserved]


async def test_an_order_the_replica_shows_no_stock_for_is_reserved_where_inventory_has_it(
    system: TestSystem, start
) -> None:
    await _running(system, start)
    warehouse = await system.bus("warehouse")
    await warehouse.publish(
        topics.WAREHOUSE_STOCK,
        "MUG-RED",
        StockReceived(sku="MUG-RED", location_id="us-ontario", quantity=3),
    )
    await warehouse.flush()
    routing = await system.db("routing")
    await eventually(  # inventory's own level first, so the stale one below is the last word
        lambda: routing.fetchval(
            "SELECT available = 3 FROM stock_replica WHERE location_id = 'us-ontario'"
        )
    )
    await _stale_replica_says_us_ontario_has(system, 0)  # as if its level had not arrived
    await _order_one_mug(system)

    [plan] = await system.read(topics.ROUTING_PLANS, until=lambda seen: len(seen) >= 1)
    [answer] = await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 1)
    assert isinstance(plan.event, ShipmentsPlanned) and plan.event.attempt == 1
    assert isinstance(answer.event, StockReserved)
    reason = await routing.fetchval("SELECT explanation ->> 'reason' FROM decisions")
    assert reason.startswith("planned on an unconfirmed replica")


async def test_order_is_held_when_no_location_can_really_ship_it(system: TestSystem, start) -> None:
    await _running(system, start)
    await _stale_replica_says_us_ontario_has(system, 5)
    await _order_one_mug(system)

    [unroutable] = await system.read(topics.ROUTING_UNROUTABLE, until=lambda seen: len(seen) >= 1)
    gave_up = unroutable.event
    plans = await system.read(topics.ROUTING_PLANS, until=lambda seen: len(seen) >= 2)
    # Ontario on the stale replica's word, then Shenzhen (the replica shows none there, but
    # inventory had not said so), then inventory's figures for both hold it.
    assert isinstance(gave_up, OrderUnroutable)
    assert [
        (m.event.attempt, m.event.shipments[0].location_id)
        for m in plans
        if isinstance(m.event, ShipmentsPlanned)
    ] == [(1, "us-ontario"), (2, "cn-shenzhen")]
    assert gave_up.attempt == 3
    assert gave_up.reason.startswith("not enough stock")
    assert gave_up.reason.endswith(
        "inventory's figures: MUG-RED@cn-shenzhen 0/1, MUG-RED@us-ontario 0/1"
    )
    intake = await system.db("intake")
    hold = await eventually(
        lambda: intake.fetchrow(
            "SELECT o.status, h.code FROM orders o JOIN holds h USING (order_id)"
        )
    )
    assert (hold["status"], hold["code"]) == ("held", "unroutable")


async def test_an_order_released_after_routing_gave_up_is_planned_again(
    system: TestSystem, start
) -> None:
    await system.create_topics(LOCATIONS)
    intake_service = await start(system, "intake")
    for name in ("routing", "inventory"):
        await start(system, name)
    await _stale_replica_says_us_ontario_has(system, 5)
    await _order_one_mug(system)
    intake = await system.db("intake")
    order_id = await eventually(
        lambda: intake.fetchval("SELECT order_id FROM holds WHERE code = 'unroutable'")
    )

    warehouse = await system.bus("warehouse")
    await warehouse.publish(
        topics.WAREHOUSE_STOCK,
        "MUG-RED",
        StockReceived(sku="MUG-RED", location_id="cn-shenzhen", quantity=3, reference="PO-1"),
    )
    await warehouse.flush()
    routing = await system.db("routing")
    await eventually(
        lambda: routing.fetchval(
            "SELECT available = 3 FROM stock_replica WHERE location_id = 'cn-shenzhen'"
        )
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=intake_service.api), base_url="http://t"
    ) as http:
        released = await http.post(
            f"/orders/{order_id}/release", headers={"X-Actor": "mei@seller.example"}
        )
    assert released.json()["status"] == "accepted"

    outcomes = await system.read(
        topics.INVENTORY_RESERVATIONS,
        until=lambda seen: any(isinstance(m.event, StockReserved) for m in seen),
    )
    reserved = next(m.event for m in outcomes if isinstance(m.event, StockReserved))
    # held at attempt 3 (Ontario, then Shenzhen, rejected), so the release plans attempt 4
    assert (reserved.plan.attempt, reserved.plan.shipments[0].location_id) == (4, "cn-shenzhen")
    await eventually(
        lambda: routing.fetchval(
            "SELECT status = 'reserved' FROM orders WHERE order_id = $1", order_id
        )
    )
