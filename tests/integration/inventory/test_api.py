"""inventory's HTTP API and alerts, on the real broker and PostgreSQL."""

import pytest
from orderflow_contracts import topics
from orderflow_contracts.inventory import ReorderPointReached, SlowMoverFlagged
from orderflow_contracts.warehouse import StockReceived
from orderflow_inventory import use_cases
from orderflow_inventory.__main__ import reconcile
from orderflow_testing.system import TestSystem, eventually

from tests.integration.inventory.support import api, plan_for, shipment_news, stock

pytestmark = pytest.mark.integration


async def test_stock_reservation_and_ledger_are_readable(system: TestSystem, start) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    await stock(system, "MUG-RED", "us-ontario", 10)
    routing = await system.bus("routing")
    await routing.publish(topics.ROUTING_PLANS, "order-1", plan_for(1, quantity=4))
    await routing.flush()
    await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 1)
    async with api(service) as client:
        sku = (await client.get("/stock/MUG-RED")).json()
        location = (await client.get("/locations/us-ontario/stock")).json()
        reservation = (await client.get("/reservations/order-1")).json()
        entries = (await client.get("/ledger/MUG-RED")).json()
        openapi = (await client.get("/openapi.json")).json()
    assert sku["available"] == 6
    assert [
        (level["location_id"], level["on_hand"], level["reserved"]) for level in sku["locations"]
    ] == [("us-ontario", 10, 4)]
    assert location["stock"] == [{"sku": "MUG-RED", "on_hand": 10, "reserved": 4, "available": 6}]
    assert (reservation["status"], [line["quantity"] for line in reservation["lines"]]) == (
        "reserved",
        [4],
    )
    assert [(e["kind"], e["on_hand_delta"], e["reserved_delta"]) for e in entries] == [
        ("reservation", 0, 4),
        ("receipt", 10, 0),
    ]
    for path in (
        "/stock/{sku}",
        "/reservations/{order_id}",
        "/ledger/{sku}",
        "/alerts",
        "/kpis",
        "/reconciliation",
    ):
        assert path in openapi["paths"]
    async with api(service) as client:
        metrics = (await client.get("/metrics")).text
        kpis = (await client.get("/kpis")).json()
    assert 'orderflow_kpi{kpi="oversold_units"} 0.0' in metrics  # the canary, for alerting
    assert f'orderflow_kpi{{kpi="on_hand"}} {float(kpis["on_hand"])}' in metrics
    assert 'kpi="inventory_accuracy"' not in metrics  # no count yet: no sample, not a false 0


async def test_bad_requests_get_a_clear_4xx(system: TestSystem, start) -> None:
    service = await start(system, "inventory")
    async with api(service) as client:
        unknown_sku = await client.get("/stock/NOPE")
        unknown_order = await client.get("/reservations/order-404")
        unknown_location = await client.get("/locations/mars-1/stock")
        ledger_of_unknown_sku = await client.get("/ledger/NOPE")
        ledger_at_unknown_location = await client.get(
            "/ledger/MUG-RED", params={"location_id": "mars-1"}
        )
        alerts_of_unknown_sku = await client.get("/alerts", params={"sku": "NOPE"})
        openapi = (await client.get("/openapi.json")).json()
        bad_window = await client.get("/kpis", params={"window_days": 0})
        mismatch = await client.put("/products/A", json={"sku": "B", "weight_grams": 1})
        bad_policy = await client.put(
            "/channels/x/policy", json={"channel": "x", "shortage": "maybe"}
        )
    assert (unknown_sku.status_code, unknown_sku.json()["detail"]) == (
        404,
        "SKU 'NOPE' is not known",
    )
    assert (unknown_order.status_code, unknown_order.json()["detail"]) == (
        404,
        "no reservation for order 'order-404'",
    )
    assert (unknown_location.status_code, unknown_location.json()["detail"]) == (
        404,
        "location 'mars-1' is not known",
    )
    assert (ledger_of_unknown_sku.status_code, ledger_of_unknown_sku.json()["detail"]) == (
        404,
        "SKU 'NOPE' is not known",
    )
    assert ledger_at_unknown_location.status_code == 404
    assert "mars-1" in ledger_at_unknown_location.json()["detail"]
    assert alerts_of_unknown_sku.status_code == 404
    for path in ("/stock/{sku}", "/locations/{location_id}/stock", "/reservations/{order_id}"):
        assert "404" in openapi["paths"][path]["get"]["responses"], path
    assert "404" in openapi["paths"]["/ledger/{sku}"]["get"]["responses"]
    assert bad_window.status_code == 422 and "window_days" in bad_window.text
    assert mismatch.status_code == 422 and "differ" in mismatch.json()["detail"]
    assert bad_policy.status_code == 422 and "shortage" in bad_policy.text


async def test_a_reorder_alert_is_raised_once_per_crossing(system: TestSystem, start) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    async with api(service) as client:  # a new product assumes a sale a day: reorder point 21
        response = await client.put(
            "/products/MUG-RED",
            json={
                "sku": "MUG-RED",
                "weight_grams": 450,
                "tier": "new",
                "lead_time": {"average_days": 14, "longest_days": 21},
            },
        )
    assert response.status_code == 200
    await stock(system, "MUG-RED", "us-ontario", 30)
    routing = await system.bus("routing")
    outcomes = 0

    async def reserve(number: int, units: int) -> None:  # one at a time: one check each
        nonlocal outcomes
        await routing.publish(
            topics.ROUTING_PLANS, f"order-{number}", plan_for(number, quantity=units)
        )
        await routing.flush()
        outcomes += 1
        await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= outcomes)

    await reserve(1, 5)  # 25 available: above the point
    await reserve(2, 5)  # 20: crosses it
    await reserve(3, 5)  # 15: still below, no second alert
    async with api(service) as client:  # alerts commit with the outcome: this list is whole
        after_two_checks_below = (await client.get("/alerts", params={"sku": "MUG-RED"})).json()
    assert [a["detail"]["available"] for a in after_two_checks_below] == [20]
    warehouse = await system.bus("warehouse")
    await warehouse.publish(
        topics.WAREHOUSE_STOCK,
        "MUG-RED",
        StockReceived(sku="MUG-RED", location_id="us-ontario", quantity=20, reference="GRN-2"),
    )
    await warehouse.flush()
    inventory = await system.db("inventory")
    await eventually(lambda: inventory.fetchval("SELECT on_hand = 50 FROM stock"))  # 35: above
    await reserve(4, 15)  # 20: crosses it again

    async with api(service) as client:
        listed = (await client.get("/alerts", params={"sku": "MUG-RED"})).json()
    assert [
        (a["kind"], a["detail"]["available"], a["detail"]["reorder_point"]) for a in listed
    ] == [
        ("reorder_point", 20, 21),
        ("reorder_point", 20, 21),
    ]
    alerts = await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 2)
    assert [
        (m.event.sku, m.event.available) for m in alerts if isinstance(m.event, ReorderPointReached)
    ] == [("MUG-RED", 20), ("MUG-RED", 20)]


async def test_slow_movers_are_flagged_once_and_kpis_follow_shipments(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    await stock(system, "MUG-RED", "us-ontario", 10)
    await stock(system, "LAMP-DESK", "us-ontario", 5)
    inventory = await system.db("inventory")
    await inventory.execute("UPDATE products SET created_at = now() - interval '120 days'")
    routing = await system.bus("routing")
    await routing.publish(topics.ROUTING_PLANS, "order-1", plan_for(1, quantity=4))
    await routing.flush()
    await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 1)
    fulfillment = await system.bus("fulfillment")
    await fulfillment.publish(
        topics.FULFILLMENT_STATUS,
        "order-1",
        shipment_news(1),
    )
    await fulfillment.flush()
    await eventually(
        lambda: inventory.fetchval("SELECT on_hand = 6 FROM stock WHERE sku = 'MUG-RED'")
    )

    for _ in range(2):  # the second round finds nothing new
        async with service.unit_of_work() as uow:
            flagged = await use_cases.flag_slow_movers(uow)
        assert flagged == (1 if _ == 0 else 0)
    alerts = await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 1)
    [slow] = [m.event for m in alerts if isinstance(m.event, SlowMoverFlagged)]
    assert (slow.sku, slow.on_hand, slow.days_without_sale) == ("LAMP-DESK", 5, 120)
    async with api(service) as client:
        kpis = (await client.get("/kpis", params={"window_days": 30})).json()
    assert (kpis["units_shipped"], kpis["on_hand"], kpis["oversold_units"]) == (4, 11, 0)
    assert kpis["slow_moving_ratio"] == 0.5  # LAMP-DESK of the two SKUs in stock
    # All stock came in within the window: it started at 0, so 5.5 units were on hand on average.
    assert kpis["inventory_turnover"] == round(4 / ((0 + 11) / 2), 4)
    assert kpis["days_of_inventory"] == round(11 / (4 / 30), 4)
    assert kpis["stock_out_rate"] == 0.0


async def test_the_reconcile_command_proves_the_books_or_names_the_difference(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    await stock(system, "MUG-RED", "us-ontario", 10)
    url = service.settings.database_url
    assert await reconcile(url) == {"balanced": True, "differences": []}
    inventory = await system.db("inventory")
    await inventory.execute("UPDATE stock SET on_hand = 9")  # a change that bypassed the ledger
    report = await reconcile(url)
    [difference] = report["differences"]
    assert report["balanced"] is False
    assert (difference["sku"], difference["on_hand"], difference["ledger_on_hand"]) == (
        "MUG-RED",
        9,
        10,
    )
