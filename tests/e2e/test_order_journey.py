"""All five services on the real broker and databases: an order from marketplace to doorstep."""

import pytest
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import PickTaskIssued
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_contracts.warehouse import StockReceived
from orderflow_simulators import payloads
from orderflow_simulators.partners import Carrier, Warehouse
from orderflow_testing.system import TestSystem, eventually

from tests.conftest import SERVICES, seller_setup

pytestmark = pytest.mark.e2e


async def test_order_travels_from_marketplace_to_delivery(system: TestSystem, start, smtp) -> None:
    setup = seller_setup()
    await system.create_topics([loc.location_id for loc in setup.locations])
    for name in SERVICES:
        overrides = {"smtp_port": smtp.port} if name == "notifications" else {}
        await start(system, name, **overrides)
    partners = await system.bus("partners")
    await partners.publish(
        topics.WAREHOUSE_STOCK,
        "MUG-RED",
        StockReceived(sku="MUG-RED", location_id="us-ontario", quantity=10),
    )
    await partners.publish(
        topics.WAREHOUSE_STOCK,
        "LAMP-DESK",
        StockReceived(sku="LAMP-DESK", location_id="us-ontario", quantity=5),
    )
    inventory = await system.db("inventory")
    routing = await system.db("routing")
    await eventually(lambda: routing.fetchval("SELECT count(*) = 2 FROM stock_replica"))

    order = payloads.shopify_order(
        1, [("MUG-RED", 2), ("LAMP-DESK", 1)], country="US", locale="zh-CN"
    )
    await partners.publish(
        topics.MARKETPLACE_ORDERS,
        f"shopify:{order['id']}",
        MarketplaceOrderPublished(channel="shopify", payload=order),
    )
    await partners.flush()

    tasks = await system.read(topics.pick_tasks("us-ontario"), until=lambda seen: len(seen) >= 1)
    task = tasks[0].event
    assert isinstance(task, PickTaskIssued)
    assert task.location_id == "us-ontario"
    assert sorted((line.sku, line.quantity) for line in task.lines) == [
        ("LAMP-DESK", 1),
        ("MUG-RED", 2),
    ]
    assert (task.carrier, task.service) == ("usps", "ground-advantage")

    import asyncio

    warehouse, carrier = (
        Warehouse(await system.bus("warehouse"), setup),
        Carrier(await system.bus("carrier")),
    )
    running = [asyncio.create_task(warehouse.run()), asyncio.create_task(carrier.run())]
    try:
        fulfillment = await system.db("fulfillment")
        await eventually(
            lambda: fulfillment.fetchval(
                "SELECT status = 'delivered' FROM shipments WHERE order_id = $1", task.order_id
            )
        )
        await eventually(lambda: _sent(smtp, task.order_id, 2))
    finally:
        for running_task in running:
            running_task.cancel()
    subjects = sorted(message["Subject"] for message in smtp.to(task.order_id))
    assert subjects == ["您的订单已发货", "您的订单已签收"]
    # Inventory reads fulfillment's news a batch at a time: the units leave its books soon after.
    shipped = {"MUG-RED": 8, "LAMP-DESK": 4}
    await eventually(lambda: _on_hand_at_ontario_is(inventory, shipped), timeout_s=5)
    assert await inventory.fetchval("SELECT sum(reserved) FROM stock") == 0


async def _on_hand_at_ontario_is(inventory, expected: dict[str, int]) -> bool:
    rows = await inventory.fetch(
        "SELECT sku, on_hand::int FROM stock WHERE location_id = 'us-ontario'"
    )
    return dict(rows) == expected


async def _sent(smtp, order_id: str, count: int) -> bool:
    return len(smtp.to(order_id)) >= count
