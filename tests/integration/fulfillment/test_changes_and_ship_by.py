"""fulfillment alone on the real broker and database: a new address before and after the parcel
left (relabelled at the warehouse, or told on as too late), and the ship-by clock's escalation
on fulfillment.alerts, once."""

from datetime import UTC, datetime, timedelta

import pytest
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import AddressChangeTooLate, PickTaskAddressChanged
from orderflow_contracts.intake import OrderAddressChanged
from orderflow_contracts.inventory import StockReserved
from orderflow_contracts.order import Address
from orderflow_fulfillment import use_cases
from orderflow_testing.system import TestSystem, eventually

from tests.integration.fulfillment.test_shipments_api import ship
from tests.use_cases.conftest import planned

pytestmark = pytest.mark.integration

NEW_ADDRESS = Address(name="Lin", line1="9 New Rd", city="Town", country="US")


def _new_address(order_id: str) -> OrderAddressChanged:
    return OrderAddressChanged(
        order_id=order_id, channel="shopify", external_id=f"ext-{order_id}", ship_to=NEW_ADDRESS
    )


async def test_a_new_address_is_relabelled_or_told_on_as_too_late(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    await start(system, "fulfillment")
    partners = await system.bus("partners")
    for order_id in ("o-waits", "o-left"):
        plan = planned(order_id, ("us-ontario", "MUG-RED", 1))
        await partners.publish(topics.INVENTORY_RESERVATIONS, order_id, StockReserved(plan=plan))
    await partners.flush()
    db = await system.db("fulfillment")
    await eventually(lambda: db.fetchval("SELECT count(*) = 2 FROM shipments"))
    await ship(partners, "o-left", "o-left-us-ontario", "9400100000000000000001")
    await eventually(
        lambda: db.fetchval("SELECT count(*) = 1 FROM shipments WHERE shipped_at IS NOT NULL")
    )

    for order_id in ("o-waits", "o-left"):
        await partners.publish(topics.ORDER_CHANGES, order_id, _new_address(order_id))
    await partners.flush()

    relabels = [
        m.event
        for m in await system.read(
            topics.pick_tasks("us-ontario"),
            until=lambda seen: any(isinstance(m.event, PickTaskAddressChanged) for m in seen),
        )
        if isinstance(m.event, PickTaskAddressChanged)
    ]
    assert [(r.shipment_id, r.ship_to) for r in relabels] == [("o-waits-us-ontario", NEW_ADDRESS)]
    [too_late] = [
        m.event
        for m in await system.read(
            topics.FULFILLMENT_STATUS,
            until=lambda seen: any(isinstance(m.event, AddressChangeTooLate) for m in seen),
        )
        if isinstance(m.event, AddressChangeTooLate)
    ]
    assert (too_late.order_id, too_late.status, too_late.tracking_number) == (
        "o-left",
        "shipped",
        "9400100000000000000001",
    )


async def test_the_ship_by_clock_escalates_a_level_once_on_the_broker(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "fulfillment", ship_by_check_interval_s=3600)
    partners = await system.bus("partners")
    now = datetime.now(UTC)
    plan = planned(
        "o-slow",
        ("us-ontario", "MUG-RED", 1),
        placed_at=now - timedelta(hours=9),
        ship_by=now + timedelta(hours=1),
    )
    await partners.publish(topics.INVENTORY_RESERVATIONS, "o-slow", StockReserved(plan=plan))
    await partners.flush()
    db = await system.db("fulfillment")
    await eventually(lambda: db.fetchval("SELECT count(*) = 1 FROM shipments"))

    announced = []
    for _ in range(2):  # the second check finds nothing new
        async with service.unit_of_work() as uow:
            announced.append(await use_cases.escalate_ship_by(uow, datetime.now(UTC)))

    assert announced == [1, 0]
    alerts = await system.read(topics.FULFILLMENT_ALERTS, until=lambda seen: len(seen) >= 1)
    # 90% used at the first check: 80 is announced, 50 (passed before any check) skipped.
    assert [(m.event.shipment_id, m.event.level, m.event.channel) for m in alerts] == [
        ("o-slow-us-ontario", 80, "shopify")
    ]
