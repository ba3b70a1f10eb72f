"""Warehouse stock events on the real broker and PostgreSQL: receipts, adjustments and counts
apply once per document; what cannot be applied is held with its reason and replayed later."""

import pytest
from orderflow_contracts import topics
from orderflow_contracts.warehouse import StockAdjusted, StockCounted, StockReceived
from orderflow_testing.system import TestSystem, eventually

from tests.integration.inventory.support import api, plan_for, stock

pytestmark = pytest.mark.integration


async def test_a_document_applies_once_however_often_it_is_sent(system: TestSystem, start) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    bus = await system.bus("warehouse")
    receipt = StockReceived(sku="MUG-RED", location_id="us-ontario", quantity=7, reference="GRN-1")
    for _ in range(2):  # two envelopes, same warehouse document
        await bus.publish(topics.WAREHOUSE_STOCK, "MUG-RED", receipt)
    await bus.publish(
        topics.WAREHOUSE_STOCK,
        "MUG-RED",
        StockAdjusted(
            sku="MUG-RED", location_id="us-ontario", delta=-2, reason="damaged", reference="ADJ-1"
        ),
    )
    await bus.flush()

    async def all_three_handled() -> bool:
        return service.stats.processed >= 3

    await eventually(all_three_handled)
    inventory = await system.db("inventory")
    assert await inventory.fetchval("SELECT on_hand FROM stock WHERE sku = 'MUG-RED'") == 5
    rows = await inventory.fetch("SELECT kind, on_hand_delta, reason FROM movements ORDER BY id")
    assert [tuple(row) for row in rows] == [("receipt", 7, ""), ("adjustment", -2, "damaged")]


async def test_counts_set_on_hand_and_feed_inventory_accuracy(system: TestSystem, start) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    await stock(system, "MUG-RED", "us-ontario", 10)
    bus = await system.bus("warehouse")
    for counted, reference in ((10, "CC-1"), (8, "CC-2")):
        await bus.publish(
            topics.WAREHOUSE_STOCK,
            "MUG-RED",
            StockCounted(
                sku="MUG-RED", location_id="us-ontario", counted=counted, reference=reference
            ),
        )
    await bus.flush()
    inventory = await system.db("inventory")
    await eventually(lambda: inventory.fetchval("SELECT count(*) = 2 FROM counts"))
    assert await inventory.fetchval("SELECT on_hand FROM stock WHERE sku = 'MUG-RED'") == 8
    async with api(service) as client:
        kpis = (await client.get("/kpis")).json()
        balanced = (await client.get("/reconciliation")).json()
    assert (kpis["inventory_accuracy"], kpis["count_variance_units"]) == (0.5, 2)
    assert balanced == {"balanced": True, "differences": []}


async def test_events_for_an_unknown_sku_are_held_and_replayed_once_it_exists(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    bus = await system.bus("warehouse")
    await bus.publish(
        topics.WAREHOUSE_STOCK,
        "KETTLE",
        StockReceived(sku="KETTLE", location_id="us-ontario", quantity=12, reference="GRN-9"),
    )
    await bus.publish(
        topics.WAREHOUSE_STOCK,
        "MUG-RED",
        StockReceived(sku="MUG-RED", location_id="mars-1", quantity=3, reference="GRN-10"),
    )
    await bus.flush()
    inventory = await system.db("inventory")
    await eventually(lambda: inventory.fetchval("SELECT count(*) = 2 FROM held_stock_events"))
    async with api(service) as client:
        held = (await client.get("/held-events")).json()
        assert sorted((h["sku"], h["reason"]) for h in held) == [  # two keys: any order
            ("KETTLE", "unknown_sku"),
            ("MUG-RED", "unknown_location"),
        ]
        assert await inventory.fetchval("SELECT count(*) FROM stock WHERE sku = 'KETTLE'") == 0
        response = await client.put(
            "/products/KETTLE", json={"sku": "KETTLE", "weight_grams": 900, "tier": "new"}
        )
    assert response.status_code == 200
    assert response.json() == {"replayed": 1, "still_held": 1}
    assert await inventory.fetchval("SELECT on_hand FROM stock WHERE sku = 'KETTLE'") == 12
    kettle, mars = [h["id"] for h in sorted(held, key=lambda h: h["sku"])]
    async with api(service) as client:
        again = await client.post("/held-events/replay", json={"ids": [kettle, 999]})
        assert again.status_code == 404
        assert again.json()["detail"] == f"no held event waits with id {sorted([kettle, 999])}"
        named = await client.post("/held-events/replay", json={"ids": [mars]})
    assert named.json() == {"replayed": 1, "still_held": 1}  # mars-1 is still not a location


async def test_a_count_below_what_is_promised_is_held_not_applied(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    await stock(system, "MUG-RED", "us-ontario", 10)
    routing = await system.bus("routing")
    await routing.publish(topics.ROUTING_PLANS, "order-1", plan_for(1, quantity=6))
    await routing.flush()
    await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 1)
    warehouse = await system.bus("warehouse")
    await warehouse.publish(
        topics.WAREHOUSE_STOCK,
        "MUG-RED",
        StockCounted(sku="MUG-RED", location_id="us-ontario", counted=4, reference="CC-7"),
    )
    await warehouse.flush()
    inventory = await system.db("inventory")
    reason = await eventually(lambda: inventory.fetchval("SELECT reason FROM held_stock_events"))
    assert reason.startswith("below_reserved: 4 units would remain for 6 reserved")
    row = await inventory.fetchrow("SELECT on_hand, reserved FROM stock WHERE sku = 'MUG-RED'")
    assert tuple(row) == (10, 6)
    async with api(service) as client:
        assert (await client.get("/reconciliation")).json()["balanced"] is True
