"""An operator looks up shipments: one with its history, an order's, and lists by status."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from orderflow_bus import TopicBus
from orderflow_contracts import topics
from orderflow_contracts.inventory import StockReserved
from orderflow_contracts.warehouse import WarehouseReported
from orderflow_testing.system import TestSystem, eventually

from tests.use_cases.conftest import planned

pytestmark = pytest.mark.integration


async def ship(
    partners: TopicBus,
    order_id: str,
    shipment_id: str,
    tracking: str,
    location: str = "us-ontario",
) -> None:
    """The warehouse's picked, packed and shipped for a pick task it received."""
    for status in ("picked", "packed", "shipped"):
        await partners.publish(
            topics.WAREHOUSE_EVENTS,
            shipment_id,
            WarehouseReported(
                shipment_id=shipment_id,
                order_id=order_id,
                location_id=location,
                status=status,
                tracking_number=tracking if status == "shipped" else "",
            ),
        )
    await partners.flush()


async def test_shipments_and_their_history_are_readable(system: TestSystem, start) -> None:
    await system.create_topics(["us-ontario", "de-3pl"])
    service = await start(system, "fulfillment")
    partners = await system.bus("partners")
    plan = planned("o-1", ("us-ontario", "MUG-RED", 1), ("de-3pl", "LAMP-DESK", 2))
    await partners.publish(topics.INVENTORY_RESERVATIONS, "o-1", StockReserved(plan=plan))
    await partners.flush()
    db = await system.db("fulfillment")
    # The warehouse reports only on a pick task it received.
    await eventually(lambda: db.fetchval("SELECT count(*) = 2 FROM shipments"))
    await ship(partners, "o-1", "o-1-us-ontario", "9400100000000000000001")
    await eventually(
        lambda: db.fetchval(
            "SELECT status = 'shipped' FROM shipments WHERE shipment_id = 'o-1-us-ontario'"
        )
    )

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://fulfillment"
    ) as client:
        one = (await client.get("/shipments/o-1-us-ontario")).json()
        of_order = (await client.get("/orders/o-1/shipments")).json()
        waiting = (await client.get("/shipments", params={"status": "pick_requested"})).json()
        missing = await client.get("/shipments/nope")
        bad_status = await client.get("/shipments", params={"status": "teleported"})

    assert (one["status"], one["tracking_number"]) == ("shipped", "9400100000000000000001")
    assert [h["status"] for h in one["history"]] == [
        "pick_requested",
        "picked",
        "packed",
        "shipped",
    ]
    assert [(line["sku"], line["quantity"]) for line in one["lines"]] == [("MUG-RED", 1)]
    assert sorted(s["shipment_id"] for s in of_order) == ["o-1-de-3pl", "o-1-us-ontario"]
    assert [s["shipment_id"] for s in waiting] == ["o-1-de-3pl"]
    assert missing.status_code == 404
    assert bad_status.status_code == 422


async def test_at_risk_shipments_and_ship_kpis(system: TestSystem, start) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "fulfillment")
    partners = await system.bus("partners")
    now = datetime.now(UTC)
    late_soon = planned(
        "o-late",
        ("us-ontario", "MUG-RED", 1),
        placed_at=now - timedelta(hours=9),
        ship_by=now + timedelta(hours=1),
    )
    on_time = planned(
        "o-fast",
        ("us-ontario", "MUG-RED", 1),
        placed_at=now - timedelta(hours=2),
        ship_by=now + timedelta(hours=22),
    )
    past_due = planned(
        "o-past",
        ("us-ontario", "MUG-RED", 1),
        placed_at=now - timedelta(hours=10),
        ship_by=now - timedelta(hours=1),
    )
    for plan in (late_soon, on_time, past_due):
        await partners.publish(
            topics.INVENTORY_RESERVATIONS, plan.order_id, StockReserved(plan=plan)
        )
    await partners.flush()
    db = await system.db("fulfillment")
    await eventually(lambda: db.fetchval("SELECT count(*) = 3 FROM shipments"))
    await ship(partners, "o-fast", "o-fast-us-ontario", "9401")
    await eventually(
        lambda: db.fetchval("SELECT count(*) = 1 FROM shipments WHERE shipped_at IS NOT NULL")
    )

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://fulfillment"
    ) as client:
        at_risk = (await client.get("/shipments/at-risk", params={"percent": 80})).json()
        late = (await client.get("/shipments/late")).json()
        kpis = (await client.get("/kpis")).json()
        metrics = (await client.get("/metrics")).text

    assert [(s["order_id"], s["percent_used"]) for s in at_risk] == [
        ("o-past", 111),
        ("o-late", 90),
    ]
    assert [(s["order_id"], s["percent_used"]) for s in late] == [("o-past", 111)]
    assert (kpis["shipped"], kpis["on_time_ship_rate"]) == (1, 1.0)
    assert 1.9 < kpis["order_to_ship_p50_hours"] < 2.5
    assert (kpis["at_risk"], kpis["late"]) == (2, 1)
    # /metrics carries the same figures, for dashboards and alerts.
    assert 'orderflow_kpi{kpi="on_time_ship_rate"} 1.0' in metrics
    assert 'orderflow_kpi{kpi="at_risk"} 2.0' in metrics
    p50 = f'orderflow_kpi{{kpi="order_to_ship_p50_hours"}} {float(kpis["order_to_ship_p50_hours"])}'
    assert p50 in metrics
