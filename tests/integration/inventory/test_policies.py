"""Channel policies on the real broker and PostgreSQL: what a partly available order gets, what
each channel may show, and when reservations expire."""

import json
from pathlib import Path

import pytest
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_contracts.inventory import (
    OrderBackordered,
    ReservationExpired,
    ReservationHeld,
    StockLevelChanged,
    StockReserved,
)
from orderflow_contracts.warehouse import StockReceived
from orderflow_testing.system import TestSystem, eventually

from tests.conftest import SELLER_SETUP_FILE
from tests.integration.inventory.support import api, plan_for, set_policy, shipment_news, stock

pytestmark = pytest.mark.integration


async def test_partial_policy_reserves_what_there_is_and_fills_the_rest_on_receipt(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    await set_policy(service, "tiktok", shortage="partial")
    await stock(system, "MUG-RED", "us-ontario", 3)
    routing = await system.bus("routing")
    await routing.publish(
        topics.ROUTING_PLANS, "order-1", plan_for(1, quantity=5, channel="tiktok")
    )
    await routing.flush()
    [first_answer] = await system.read(
        topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 1
    )
    [waiting] = await system.read(topics.INVENTORY_BACKORDERS, until=lambda seen: len(seen) >= 1)
    reserved, backordered = first_answer.event, waiting.event
    assert isinstance(reserved, StockReserved) and isinstance(backordered, OrderBackordered)
    assert [line.quantity for line in reserved.plan.shipments[0].lines] == [3]
    assert [(line.sku, line.quantity) for line in backordered.lines] == [("MUG-RED", 2)]

    warehouse = await system.bus("warehouse")
    await warehouse.publish(
        topics.WAREHOUSE_STOCK,
        "MUG-RED",
        StockReceived(sku="MUG-RED", location_id="us-ontario", quantity=4, reference="GRN-2"),
    )
    await warehouse.flush()
    after = await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 2)
    follow_up = after[1].event
    assert isinstance(follow_up, StockReserved)
    [shipment] = follow_up.plan.shipments
    assert shipment.shipment_id.startswith("order-1-1-b")
    assert [line.quantity for line in shipment.lines] == [2]
    inventory = await system.db("inventory")
    row = await inventory.fetchrow("SELECT on_hand, reserved FROM stock WHERE sku = 'MUG-RED'")
    assert tuple(row) == (7, 5)
    async with api(service) as client:
        held = (await client.get("/reservations/order-1")).json()
    assert held["status"] == "reserved"
    assert sorted(line["quantity"] for line in held["lines"]) == [2, 3]
    assert [b["open"] for b in held["backorders"]] == [0]


async def test_hold_policy_asks_for_an_operator_instead_of_a_replan(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    await set_policy(service, "amazon", shortage="hold")
    await stock(system, "MUG-RED", "us-ontario", 1)
    routing = await system.bus("routing")
    await routing.publish(
        topics.ROUTING_PLANS, "order-1", plan_for(1, quantity=2, channel="amazon")
    )
    await routing.flush()
    [outcome] = await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 1)
    assert isinstance(outcome.event, ReservationHeld)
    assert [(s.requested, s.available) for s in outcome.event.shortages] == [(2, 1)]
    inventory = await system.db("inventory")
    assert await inventory.fetchval("SELECT reserved FROM stock") == 0
    async with api(service) as client:
        kpis = (await client.get("/kpis")).json()
    assert kpis["stock_out_rate"] == 1.0


async def test_each_channel_sees_its_own_figure_on_the_levels_feed(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    await set_policy(service, "shopify", buffer_units=2)
    await set_policy(service, "amazon", buffer_percent=50)
    async with api(service) as client:
        response = await client.put(
            "/locations/de-3pl",
            json={"location_id": "de-3pl", "kind": "3pl", "country": "DE", "channels": ["shopify"]},
        )
    assert response.status_code == 200
    await stock(system, "MUG-RED", "us-ontario", 10)
    warehouse = await system.bus("warehouse")
    await warehouse.publish(
        topics.WAREHOUSE_STOCK,
        "MUG-RED",
        StockReceived(sku="MUG-RED", location_id="de-3pl", quantity=6, reference="GRN-DE"),
    )
    await warehouse.flush()

    def de_stock_seen(seen) -> bool:
        return any(
            len(m.event.locations) == 2 for m in seen if isinstance(m.event, StockLevelChanged)
        )

    levels = await system.read(topics.INVENTORY_LEVELS, until=de_stock_seen)
    latest = [m.event for m in levels if isinstance(m.event, StockLevelChanged)][-1]
    # The demo setup: us-ontario serves shopify, amazon and tiktok (buffer 2); no location serves
    # shopee or aliexpress.
    assert {c.channel: c.available for c in latest.channels} == {
        "amazon": 5,
        "shopify": 14,
        "tiktok": 8,
        "shopee": 0,
        "aliexpress": 0,
    }


async def test_a_reservation_no_shipment_confirms_expires(system: TestSystem, start) -> None:
    await system.create_topics(["us-ontario"])
    await start(system, "inventory", reservation_ttl_minutes=0.1, expiry_check_interval_s=0.2)
    await stock(system, "MUG-RED", "us-ontario", 10)
    routing = await system.bus("routing")
    await routing.publish(topics.ROUTING_PLANS, "order-1", plan_for(1, quantity=4))
    await routing.publish(topics.ROUTING_PLANS, "order-2", plan_for(2, quantity=3))
    await routing.flush()
    await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 2)
    fulfillment = await system.bus("fulfillment")
    await fulfillment.publish(
        topics.FULFILLMENT_STATUS,
        "order-2",
        shipment_news(2, ShipmentStatus.PICK_REQUESTED),
    )
    await fulfillment.flush()
    inventory = await system.db("inventory")
    await eventually(  # well within the 6 s the reservations live
        lambda: inventory.fetchval(
            "SELECT status = 'confirmed' FROM reservations WHERE order_id = 'order-2'"
        )
    )
    outcomes = await system.read(
        topics.INVENTORY_RESERVATIONS,
        until=lambda seen: any(isinstance(m.event, ReservationExpired) for m in seen),
    )
    expired = [m.event.order_id for m in outcomes if isinstance(m.event, ReservationExpired)]
    assert expired == ["order-1"]
    await eventually(lambda: inventory.fetchval("SELECT reserved = 3 FROM stock"))
    statuses = dict(await inventory.fetch("SELECT order_id, status FROM reservations"))
    assert statuses == {"order-1": "expired", "order-2": "confirmed"}


async def test_a_channel_without_a_policy_still_sees_its_stock_on_the_levels_feed(
    system: TestSystem, start, tmp_path: Path
) -> None:
    setup = json.loads(SELLER_SETUP_FILE.read_text())
    setup["listings"].append({"channel": "ebay", "channel_sku": "EB-1", "sku": "MUG-RED"})
    setup_file = tmp_path / "seller.json"
    setup_file.write_text(json.dumps(setup))
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory", seller_setup_file=str(setup_file))
    async with api(service) as client:  # a location is the only place this channel is named
        response = await client.put(
            "/locations/uk-3pl",
            json={"location_id": "uk-3pl", "kind": "3pl", "country": "GB", "channels": ["walmart"]},
        )
    assert response.status_code == 200
    await stock(system, "MUG-RED", "uk-3pl", 4)

    levels = await system.read(
        topics.INVENTORY_LEVELS,
        until=lambda seen: any(isinstance(m.event, StockLevelChanged) for m in seen),
    )
    latest = [m.event for m in levels if isinstance(m.event, StockLevelChanged)][-1]
    shown = {c.channel: c.available for c in latest.channels}
    # No buffer without a policy; ebay is served by no location that holds MUG-RED.
    assert (shown.get("walmart"), shown.get("ebay")) == (4, 0)
    assert "walmart" not in {p["channel"] for p in setup["channels"]}
    async with api(service) as client:
        stock_now = (await client.get("/stock/MUG-RED")).json()
    assert {c["channel"]: c["available"] for c in stock_now["channels"]} == shown
