"""Goods that ship although the books no longer have them free (their reservation expired, then a
count found none) on the real broker and PostgreSQL: the shipment is committed, what the books
could not give is recorded as a discrepancy an operator sees, and nothing is dead-lettered."""

from datetime import timedelta

import pytest
from orderflow_contracts import topics
from orderflow_contracts.inventory import StockDiscrepancyFound
from orderflow_contracts.warehouse import StockCounted
from orderflow_inventory import use_cases
from orderflow_testing.system import TestSystem, eventually

from tests.integration.inventory.support import api, plan_for, shipment_news, stock

pytestmark = pytest.mark.integration


async def test_a_shipment_beyond_what_a_count_left_is_a_discrepancy_not_a_dead_letter(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    await stock(system, "MUG-RED", "us-ontario", 1)
    bus = await system.bus("partners")
    await bus.publish(topics.ROUTING_PLANS, "order-2", plan_for(2))
    await bus.flush()
    await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 1)
    async with service.unit_of_work() as uow:
        assert await use_cases.expire_unconfirmed(uow, timedelta(0)) == 1
    count = StockCounted(sku="MUG-RED", location_id="us-ontario", counted=0, reference="CC-1")
    await bus.publish(topics.WAREHOUSE_STOCK, "MUG-RED", count)
    await bus.flush()
    inventory = await system.db("inventory")
    await eventually(lambda: inventory.fetchval("SELECT on_hand = 0 FROM stock"))

    await bus.publish(topics.FULFILLMENT_STATUS, "order-2", shipment_news(2))
    await bus.flush()

    async def handled() -> bool:  # receipt, plan, count, shipment
        stats = service.stats
        return stats.processed + stats.dead_lettered >= 4

    await eventually(handled)
    assert service.stats.dead_lettered == 0
    row = await inventory.fetchrow("SELECT on_hand, reserved FROM stock")
    assert (row["on_hand"], row["reserved"]) == (0, 0)
    assert await inventory.fetchval("SELECT status FROM reservations") == "committed"
    async with api(service) as client:
        discrepancies = (await client.get("/discrepancies")).json()
        reconciliation = (await client.get("/reconciliation")).json()
    assert [
        (d["sku"], d["location_id"], d["reference"], d["on_hand_delta"]) for d in discrepancies
    ] == [("MUG-RED", "us-ontario", "order-2-1", 1)]
    assert "1 unit" in discrepancies[0]["reason"]
    assert reconciliation["balanced"] is True
    [alert] = [
        m.event
        for m in await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 1)
        if isinstance(m.event, StockDiscrepancyFound)
    ]
    assert (alert.sku, alert.location_id, alert.units, alert.shipment_id) == (
        "MUG-RED",
        "us-ontario",
        1,
        "order-2-1",
    )
