"""fulfillment follows warehouse and carrier events through its state machine."""

from typing import Any

import pytest
from orderflow_contracts import topics
from orderflow_contracts.carrier import TrackingUpdated
from orderflow_contracts.fulfillment import (
    PickTaskIssued,
    ShipmentStatusChanged,
    TrackingNumberAssigned,
)
from orderflow_contracts.inventory import StockReserved
from orderflow_contracts.warehouse import WarehouseReported
from orderflow_testing.system import TestSystem, eventually

from tests.integration.inventory.support import plan_for

pytestmark = pytest.mark.integration


USPS_1 = "9400100000000000000001"  # a number in USPS's format: the upload is not held


def usps_number(order_id: str) -> str:
    """One USPS-format number per order ("order-2": 94 then 2 in 20 digits)."""
    return f"94{int(''.join(c for c in order_id if c.isdigit())):020d}"


async def _reserved(system: TestSystem, start):
    await system.create_topics(["us-ontario"])
    await start(system, "fulfillment")
    bus = await system.bus("partners")
    plan = plan_for(1)
    await bus.publish(topics.INVENTORY_RESERVATIONS, plan.order_id, StockReserved(plan=plan))
    await bus.flush()
    tasks = await system.read(topics.pick_tasks("us-ontario"), until=lambda seen: len(seen) >= 1)
    assert isinstance(tasks[0].event, PickTaskIssued)
    return bus, tasks[0].event


def _report(task: PickTaskIssued, status: str, tracking: str = "") -> WarehouseReported:
    return WarehouseReported(
        shipment_id=task.shipment_id,
        order_id=task.order_id,
        location_id=task.location_id,
        status=status,
        tracking_number=tracking,
    )


async def test_carrier_news_before_the_warehouse_ships_is_kept_and_applied(
    system: TestSystem, start
) -> None:
    bus, task = await _reserved(system, start)
    await bus.publish(
        topics.CARRIER_TRACKING,
        USPS_1,
        TrackingUpdated(tracking_number=USPS_1, carrier="usps", status="in_transit"),
    )
    await bus.flush()
    fulfillment = await system.db("fulfillment")
    await eventually(lambda: fulfillment.fetchval("SELECT count(*) FROM early_tracking"))
    for status in ("picked", "packed", "shipped"):
        await bus.publish(topics.WAREHOUSE_EVENTS, task.shipment_id, _report(task, status, USPS_1))
    await bus.flush()

    statuses = await system.read(topics.FULFILLMENT_STATUS, until=lambda seen: len(seen) >= 5)
    assert [m.event.status.value for m in statuses if isinstance(m.event, ShipmentStatusChanged)] == [
        "pick_requested", "picked", "packed", "shipped", "in_transit",
    ]  # fmt: skip
    uploads = await system.read(topics.MARKETPLACE_TRACKING, until=lambda seen: len(seen) >= 1)
    assert isinstance(uploads[0].event, TrackingNumberAssigned)
    assert uploads[0].event.tracking_number == USPS_1


async def test_a_dispatch_alone_ships_and_a_late_pick_is_recorded_not_applied(
    system: TestSystem, start
) -> None:
    bus, task = await _reserved(system, start)
    await bus.publish(topics.WAREHOUSE_EVENTS, task.shipment_id, _report(task, "shipped", USPS_1))
    await bus.publish(topics.WAREHOUSE_EVENTS, task.shipment_id, _report(task, "picked"))
    await bus.flush()
    fulfillment = await system.db("fulfillment")

    async def all_four() -> list[Any]:
        rows = await fulfillment.fetch(
            "SELECT status, accepted FROM shipment_history WHERE status <> 'pick_requested'"
            " ORDER BY id"
        )
        return rows if len(rows) >= 4 else []

    history = await eventually(all_four)
    assert [(row["status"], row["accepted"]) for row in history] == [
        ("picked", True),  # implied by the dispatch
        ("packed", True),
        ("shipped", True),
        ("picked", False),  # late: kept, not applied
    ]
    assert await fulfillment.fetchval("SELECT status FROM shipments") == "shipped"


async def test_second_delivery_of_a_reservation_issues_one_pick_task(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    await start(system, "fulfillment")
    bus = await system.bus("partners")
    envelope = await bus.publish(
        topics.INVENTORY_RESERVATIONS, "order-1", StockReserved(plan=plan_for(1))
    )
    await bus.publish_raw(topics.INVENTORY_RESERVATIONS, "order-1", envelope.to_bytes())
    await bus.publish(topics.INVENTORY_RESERVATIONS, "order-2", StockReserved(plan=plan_for(2)))
    await bus.flush()
    tasks = await system.read(topics.pick_tasks("us-ontario"), until=lambda seen: len(seen) >= 2)
    assert sorted(m.event.order_id for m in tasks) == ["order-1", "order-2"]


async def test_a_burst_of_news_for_several_shipments_is_applied_in_journey_order(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    await start(system, "fulfillment")
    bus = await system.bus("partners")
    for n in (1, 2):
        plan = plan_for(n)
        await bus.publish(topics.INVENTORY_RESERVATIONS, plan.order_id, StockReserved(plan=plan))
    await bus.flush()
    tasks = [
        m.event
        for m in await system.read(topics.pick_tasks("us-ontario"), until=lambda s: len(s) >= 2)
    ]
    for task in tasks:  # the second "packed" is a warehouse's resend: no news
        for status in ("picked", "packed", "packed", "shipped"):
            tracking = usps_number(task.order_id) if status == "shipped" else ""
            await bus.publish(
                topics.WAREHOUSE_EVENTS, task.shipment_id, _report(task, status, tracking)
            )
    await bus.flush()
    for task in tasks:
        for status in ("in_transit", "delivered"):
            news = TrackingUpdated(
                tracking_number=usps_number(task.order_id), carrier="usps", status=status
            )
            await bus.publish(topics.CARRIER_TRACKING, news.tracking_number, news)
    await bus.flush()

    statuses = await system.read(topics.FULFILLMENT_STATUS, until=lambda seen: len(seen) >= 12)
    for task in tasks:
        assert [
            m.event.status.value for m in statuses if m.event.shipment_id == task.shipment_id
        ] == ["pick_requested", "picked", "packed", "shipped", "in_transit", "delivered"]
    fulfillment = await system.db("fulfillment")
    assert (
        await fulfillment.fetchval(
            "SELECT count(*) FROM shipments WHERE status = 'delivered' AND tracking_number LIKE '94%'"
        )
        == 2
    )
    uploads = await system.read(topics.MARKETPLACE_TRACKING, until=lambda seen: len(seen) >= 2)
    assert sorted(m.event.tracking_number for m in uploads) == sorted(
        usps_number(task.order_id) for task in tasks
    )
