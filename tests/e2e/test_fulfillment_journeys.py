"""Fulfillment's journeys with four services on the real broker and databases, the warehouse
and carrier simulated: a split order, an order cancelled after its pick task, an address
changed after it, a 3PL's rejection re-planned elsewhere, and a failed delivery that comes back
and is restocked."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import asyncpg
import pytest
from orderflow_contracts import topics
from orderflow_contracts.marketplace import (
    MarketplaceAddressChanged,
    MarketplaceOrderCancelled,
    MarketplaceOrderPublished,
)
from orderflow_contracts.order import Address
from orderflow_contracts.warehouse import StockReceived, WarehouseReported
from orderflow_simulators import payloads
from orderflow_simulators.partners import Carrier, TrackingDesk, Warehouse
from orderflow_testing.system import TestSystem, eventually

from tests.conftest import seller_setup, start_service

pytestmark = pytest.mark.e2e

SERVICES = ("intake", "routing", "inventory", "fulfillment")


async def open_for_business(system: TestSystem, stock: dict[tuple[str, str], int]) -> None:
    """Topics, the four services from intake to fulfillment, and `stock` per (SKU, location),
    once routing's replica has seen it all."""
    await system.create_topics([location.location_id for location in seller_setup().locations])
    for name in SERVICES:
        await start_service(system, name)
    partners = await system.bus("partners")
    for (sku, location), units in stock.items():
        await partners.publish(
            topics.WAREHOUSE_STOCK,
            sku,
            StockReceived(sku=sku, location_id=location, quantity=units),
        )
    routing = await system.db("routing")
    await eventually(
        lambda: routing.fetchval("SELECT count(*) = $1 FROM stock_replica", len(stock))
    )


async def place(system: TestSystem, number: int, lines: list[tuple[str, int]], country: str) -> str:
    """A Shopify order published; returns its external id."""
    order = payloads.shopify_order(number, lines, country=country)
    partners = await system.bus("partners")
    await partners.publish(
        topics.MARKETPLACE_ORDERS,
        f"shopify:{order['id']}",
        MarketplaceOrderPublished(channel="shopify", payload=order),
    )
    await partners.flush()
    return str(order["id"])


@asynccontextmanager
async def partners_running(*partners: Warehouse | Carrier | TrackingDesk) -> AsyncIterator[None]:
    running = [asyncio.create_task(partner.run()) for partner in partners]
    try:
        yield
    finally:
        for task in running:
            task.cancel()


async def shipments(fulfillment: asyncpg.Pool) -> list[tuple[str, str]]:
    rows = await fulfillment.fetch("SELECT location_id, status FROM shipments ORDER BY created_at")
    return [(row["location_id"], row["status"]) for row in rows]


async def stock_of(inventory: asyncpg.Pool) -> dict[tuple[str, str], tuple[int, int]]:
    rows = await inventory.fetch("SELECT sku, location_id, on_hand, reserved FROM stock")
    return {(r["sku"], r["location_id"]): (r["on_hand"], r["reserved"]) for r in rows}


def all_are(status: str, count: int) -> Callable[[list[tuple[str, str]]], bool]:
    return lambda seen: len(seen) == count and all(s == status for _, s in seen)


async def test_a_split_order_ships_from_two_locations_and_both_uploads_are_accepted(
    system: TestSystem,
) -> None:
    await open_for_business(system, {("MUG-RED", "us-ontario"): 5, ("LAMP-DESK", "cn-shenzhen"): 5})
    await place(system, 1, [("MUG-RED", 2), ("LAMP-DESK", 1)], "US")
    setup = seller_setup()
    fulfillment, inventory = await system.db("fulfillment"), await system.db("inventory")

    async with partners_running(
        Warehouse(await system.bus("warehouse"), setup),
        Carrier(await system.bus("carrier")),
        TrackingDesk(await system.bus("marketplace"), hiccups=0.0),
    ):
        await eventually(
            lambda: _holds(shipments(fulfillment), all_are("delivered", 2)), timeout_s=40
        )
        await eventually(
            lambda: fulfillment.fetchval(
                "SELECT count(*) = 2 FROM tracking_uploads WHERE status = 'accepted'"
            )
        )

    assert sorted(await shipments(fulfillment)) == [
        ("cn-shenzhen", "delivered"),
        ("us-ontario", "delivered"),
    ]
    await eventually(lambda: _holds(stock_of(inventory), lambda s: s == {
        ("MUG-RED", "us-ontario"): (3, 0), ("LAMP-DESK", "cn-shenzhen"): (4, 0)
    }))  # fmt: skip


async def test_an_order_cancelled_after_its_pick_task_is_stopped_and_released(
    system: TestSystem,
) -> None:
    await open_for_business(system, {("MUG-RED", "us-ontario"): 5})
    external_id = await place(system, 2, [("MUG-RED", 2)], "US")
    fulfillment, inventory = await system.db("fulfillment"), await system.db("inventory")
    slow = Warehouse(await system.bus("warehouse"), seller_setup(), delay_s=4.0)

    async with partners_running(slow):
        await eventually(lambda: _holds(shipments(fulfillment), lambda s: len(s) == 1))
        partners = await system.bus("partners")
        await partners.publish(
            topics.MARKETPLACE_ORDERS,
            f"shopify:{external_id}",
            MarketplaceOrderCancelled(
                channel="shopify", external_id=external_id, reason="buyer cancelled"
            ),
        )
        await partners.flush()
        await eventually(
            lambda: _holds(shipments(fulfillment), all_are("cancelled", 1)), timeout_s=30
        )

    await eventually(lambda: _holds(stock_of(inventory), lambda s: s == {
        ("MUG-RED", "us-ontario"): (5, 0)
    }))  # fmt: skip
    assert slow.shipped == 0
    history = await fulfillment.fetch(
        "SELECT status FROM shipment_history WHERE note = '' ORDER BY id"
    )
    assert [row["status"] for row in history][-1] == "cancelled"
    intake = await system.db("intake")  # and intake has the warehouse's answer on the order
    await eventually(
        lambda: intake.fetchval(
            "SELECT array_agg(action ORDER BY audit_id) = '{cancel_sent,shipment_stopped}'"
            " FROM audit WHERE actor = 'fulfillment'"
        )
    )


async def test_an_address_changed_after_its_pick_task_is_relabelled_and_on_the_order(
    system: TestSystem,
) -> None:
    await open_for_business(system, {("MUG-RED", "us-ontario"): 5})
    external_id = await place(system, 6, [("MUG-RED", 1)], "US")
    fulfillment, intake = await system.db("fulfillment"), await system.db("intake")
    slow = Warehouse(await system.bus("warehouse"), seller_setup(), delay_s=4.0)
    moved = Address(
        name="Ada Buyer", line1="9 Elm St", city="Austin", region="TX", postal_code="73301",
        country="US",
    )  # fmt: skip

    async with partners_running(slow):
        await eventually(lambda: _holds(shipments(fulfillment), lambda s: len(s) == 1))
        partners = await system.bus("partners")
        await partners.publish(
            topics.MARKETPLACE_ORDERS,
            f"shopify:{external_id}",
            MarketplaceAddressChanged(channel="shopify", external_id=external_id, ship_to=moved),
        )
        await partners.flush()
        await eventually(
            lambda: _holds(shipments(fulfillment), all_are("shipped", 1)), timeout_s=30
        )

    notes = await fulfillment.fetch(
        "SELECT note FROM shipment_history WHERE note <> '' ORDER BY id"
    )
    assert [row["note"] for row in notes] == [
        "address changed: the new one sent to the warehouse, for its answer",
        "the warehouse relabelled it for the new address",
    ]
    await eventually(  # intake has the warehouse's answer on the order
        lambda: intake.fetchval(
            "SELECT array_agg(action ORDER BY audit_id) = '{address_change_sent,address_relabelled}'"
            " FROM audit WHERE actor = 'fulfillment'"
        )
    )


async def test_a_3pl_rejection_is_replanned_from_another_location(system: TestSystem) -> None:
    await open_for_business(system, {("MUG-RED", "de-3pl"): 5, ("MUG-RED", "cn-shenzhen"): 5})
    await place(system, 3, [("MUG-RED", 2)], "DE")
    fulfillment, inventory = await system.db("fulfillment"), await system.db("inventory")
    warehouse = Warehouse(await system.bus("warehouse"), seller_setup(), rejects_at={"de-3pl"})

    async with partners_running(warehouse, Carrier(await system.bus("carrier"))):
        await eventually(
            lambda: _holds(shipments(fulfillment), lambda s: ("cn-shenzhen", "delivered") in s),
            timeout_s=40,
        )

    assert await shipments(fulfillment) == [("de-3pl", "rejected"), ("cn-shenzhen", "delivered")]
    await eventually(lambda: _holds(stock_of(inventory), lambda s: s == {
        ("MUG-RED", "de-3pl"): (5, 0), ("MUG-RED", "cn-shenzhen"): (3, 0)
    }))  # fmt: skip
    routing = await system.db("routing")
    excluded = await routing.fetchval(
        "SELECT explanation->>'excluded_location' FROM decisions WHERE attempt = 2"
    )
    assert excluded == "de-3pl"


async def test_a_failed_delivery_comes_back_and_is_restocked(system: TestSystem) -> None:
    await open_for_business(system, {("MUG-RED", "us-ontario"): 5})
    await place(system, 4, [("MUG-RED", 2)], "US")
    fulfillment, inventory = await system.db("fulfillment"), await system.db("inventory")
    carrier = Carrier(await system.bus("carrier"), fail_share=1.0)

    async with partners_running(Warehouse(await system.bus("warehouse"), seller_setup()), carrier):
        await eventually(
            lambda: _holds(shipments(fulfillment), all_are("returned_to_sender", 1)), timeout_s=40
        )
    row = await fulfillment.fetchrow("SELECT shipment_id, order_id FROM shipments")
    partners = await system.bus("warehouse")
    for status, reason in (("return_received", ""), ("restocked", "unopened")):
        await partners.publish(
            topics.WAREHOUSE_EVENTS,
            row["shipment_id"],
            WarehouseReported.model_validate(
                {**dict(row), "status": status, "location_id": "us-ontario", "reason": reason}
            ),
        )
    await partners.flush()

    await eventually(lambda: _holds(shipments(fulfillment), all_are("restocked", 1)))
    journey = await fulfillment.fetch(
        "SELECT status FROM shipment_history WHERE accepted ORDER BY id"
    )
    assert [r["status"] for r in journey] == [
        "pick_requested", "picked", "packed", "shipped", "in_transit", "out_for_delivery",
        "failed_delivery", "returned_to_sender", "return_received", "restocked",
    ]  # fmt: skip
    await eventually(lambda: _holds(stock_of(inventory), lambda s: s == {
        ("MUG-RED", "us-ontario"): (5, 0)
    }))  # fmt: skip


async def _holds(value, check) -> bool:
    return bool(check(await value))


async def test_a_short_pick_ships_the_rest_and_replans_the_unit_short(system: TestSystem) -> None:
    await open_for_business(system, {("MUG-RED", "de-3pl"): 5, ("MUG-RED", "cn-shenzhen"): 5})
    await place(system, 5, [("MUG-RED", 2)], "DE")
    fulfillment, inventory = await system.db("fulfillment"), await system.db("inventory")
    warehouse = Warehouse(await system.bus("warehouse"), seller_setup(), short_at={"de-3pl"})

    async with partners_running(warehouse, Carrier(await system.bus("carrier"))):
        await eventually(
            lambda: _holds(shipments(fulfillment), all_are("delivered", 2)), timeout_s=40
        )

    quantities = await fulfillment.fetch(
        "SELECT location_id, (lines->0->>'quantity')::int AS units FROM shipments"
        " ORDER BY created_at"
    )
    assert [(r["location_id"], r["units"]) for r in quantities] == [
        ("de-3pl", 1),
        ("cn-shenzhen", 1),
    ]
    # de-3pl: 1 shipped, 1 not on the shelf; cn-shenzhen: 1 shipped.
    await eventually(lambda: _holds(stock_of(inventory), lambda s: s == {
        ("MUG-RED", "de-3pl"): (3, 0), ("MUG-RED", "cn-shenzhen"): (4, 0)
    }))  # fmt: skip
