"""The marketplace's ship-by clock: each shipment not shipped yet is escalated at 50, 80 and
100% of its time from placement to ship-by, each level once."""

import json
from datetime import UTC, datetime, timedelta

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipByEscalated
from orderflow_contracts.intake import OrderCancelled
from orderflow_contracts.inventory import StockReserved
from orderflow_contracts.warehouse import WarehouseReported
from orderflow_fulfillment import app, kpis, store
from orderflow_fulfillment.config import Settings
from orderflow_fulfillment.use_cases import escalate_ship_by
from orderflow_testing.use_cases import DrivenService, driven_service

from tests.conftest import SELLER_SETUP_FILE
from tests.use_cases.conftest import planned, settings
from tests.use_cases.fulfillment.test_shipments import report

PLACED = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
SHIP_BY = PLACED + timedelta(hours=10)


async def reserve(fulfillment: DrivenService, order_id: str) -> None:
    plan = planned(order_id, ("us-ontario", "MUG-RED", 1), placed_at=PLACED, ship_by=SHIP_BY)
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, StockReserved(plan=plan))


async def escalations_at(fulfillment: DrivenService, hours: float) -> list[tuple[str, int]]:
    async with fulfillment.unit_of_work() as uow:
        await escalate_ship_by(uow, PLACED + timedelta(hours=hours))
    alerts = [
        (m.topic, m.envelope.event()) for m in uow.outgoing if m.topic == topics.FULFILLMENT_ALERTS
    ]
    assert all(isinstance(event, ShipByEscalated) for _, event in alerts)
    return [(event.order_id, event.level) for _, event in alerts]  # type: ignore[attr-defined]


async def test_each_level_is_announced_once_as_the_clock_runs(fulfillment) -> None:
    await reserve(fulfillment, "o-1")

    assert await escalations_at(fulfillment, 4) == []
    assert await escalations_at(fulfillment, 5) == [("o-1", 50)]
    assert await escalations_at(fulfillment, 6) == []
    assert await escalations_at(fulfillment, 8.5) == [("o-1", 80)]
    assert await escalations_at(fulfillment, 11) == [("o-1", 100)]
    assert await escalations_at(fulfillment, 12) == []


async def test_a_level_reached_between_two_checks_is_not_announced_late(fulfillment) -> None:
    await reserve(fulfillment, "o-1")

    assert await escalations_at(fulfillment, 10) == [("o-1", 100)]
    assert await escalations_at(fulfillment, 11) == []


async def test_a_shipped_shipment_is_not_escalated(fulfillment) -> None:
    await reserve(fulfillment, "o-1")
    await report(
        fulfillment,
        "o-1-us-ontario",
        "picked",
        "packed",
        "shipped",
        tracking="9400100000000000000001",
    )

    assert await escalations_at(fulfillment, 11) == []


async def test_a_shipment_a_3pl_accepted_is_still_watched(fulfillment) -> None:
    await reserve(fulfillment, "o-1")
    await report(fulfillment, "o-1-us-ontario", "accepted")

    assert await escalations_at(fulfillment, 5) == [("o-1", 50)]


async def test_a_rejected_shipment_is_not_escalated(fulfillment) -> None:
    await reserve(fulfillment, "o-1")
    await report(fulfillment, "o-1-us-ontario", "rejected")

    assert await escalations_at(fulfillment, 11) == []


async def test_the_clock_and_its_kpis_are_read_per_marketplace(fulfillment) -> None:
    now = datetime.now(UTC)
    for order_id, channel in (("o-amz", "amazon"), ("o-shp", "shopee")):
        plan = planned(
            order_id,
            ("us-ontario", "MUG-RED", 1),
            channel=channel,
            placed_at=now - timedelta(hours=9),
            ship_by=now + timedelta(hours=1),
        )
        await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, StockReserved(plan=plan))
    await fulfillment.deliver(
        topics.WAREHOUSE_EVENTS,
        *(
            WarehouseReported(
                shipment_id="o-amz-us-ontario",
                order_id="o-amz",
                location_id="us-ontario",
                status=status,
                tracking_number="9400100000000000000001" if status == "shipped" else "",
            )
            for status in ("picked", "packed", "shipped")
        ),
    )

    amazon = await kpis.of(fulfillment.conn, 7, "amazon")
    shopee = await kpis.of(fulfillment.conn, 7, "shopee")
    every = await kpis.of(fulfillment.conn, 7)
    assert (amazon.channel, amazon.shipped, amazon.on_time_ship_rate, amazon.at_risk) == (
        "amazon",
        1,
        1.0,
        0,
    )
    assert (shopee.shipped, shopee.on_time_ship_rate, shopee.at_risk) == (0, None, 1)
    assert (every.channel, every.shipped, every.at_risk) == (None, 1, 1)
    at_risk = await store.at_risk(fulfillment.conn, now, 50, "shopee")
    assert [row["order_id"] for row in at_risk] == ["o-shp"]
    assert await store.at_risk(fulfillment.conn, now, 50, "amazon") == []


# A Monday: two business days later is Wednesday, the same time.
MONDAY = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


async def test_an_order_sent_without_a_ship_by_is_watched_on_the_sellers_handling_time(
    fulfillment,
) -> None:
    # Shopify sends no ship-by: the default handling time, 2 business days, gives it one
    plan = planned("o-1", ("us-ontario", "MUG-RED", 1), placed_at=MONDAY)
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, StockReserved(plan=plan))

    row = await fulfillment.conn.fetchrow("SELECT ship_by, ship_by_derived FROM shipments")
    assert (row["ship_by"], row["ship_by_derived"]) == (MONDAY + timedelta(days=2), True)
    async with fulfillment.unit_of_work() as uow:
        await escalate_ship_by(uow, MONDAY + timedelta(days=1))
    [alert] = [m.envelope.event() for m in uow.outgoing if m.topic == topics.FULFILLMENT_ALERTS]
    assert isinstance(alert, ShipByEscalated)
    assert (alert.level, alert.ship_by_derived) == (50, True)
    [late] = await store.at_risk(fulfillment.conn, MONDAY + timedelta(days=3), 100)
    assert (late["order_id"], late["ship_by_derived"]) == ("o-1", True)


async def test_the_marketplaces_own_ship_by_is_kept_and_not_marked_derived(fulfillment) -> None:
    await reserve(fulfillment, "o-1")

    row = await fulfillment.conn.fetchrow("SELECT ship_by, ship_by_derived FROM shipments")
    assert (row["ship_by"], row["ship_by_derived"]) == (SHIP_BY, False)


async def test_each_channel_has_the_handling_time_the_seller_set(
    migrated_databases, tmp_path
) -> None:
    setup = json.loads(SELLER_SETUP_FILE.read_text())
    setup["handling_times"] = [{"channel": "shopify", "business_days": 1}]
    path = tmp_path / "seller.json"
    path.write_text(json.dumps(setup))
    spec = app.create_spec(settings(Settings, seller_setup_file=str(path)))
    async with driven_service(migrated_databases, spec) as fulfillment:
        for order_id, channel in (("o-shopify", "shopify"), ("o-other", "walmart")):
            plan = planned(
                order_id, ("us-ontario", "MUG-RED", 1), channel=channel, placed_at=MONDAY
            )
            await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, StockReserved(plan=plan))

        rows = await fulfillment.conn.fetch("SELECT order_id, ship_by FROM shipments ORDER BY 1")
    assert [(r["order_id"], r["ship_by"]) for r in rows] == [
        ("o-other", MONDAY + timedelta(days=2)),  # none set: the default
        ("o-shopify", MONDAY + timedelta(days=1)),
    ]


async def test_a_shipment_of_a_cancelled_order_is_not_hurried(fulfillment) -> None:
    now = datetime.now(UTC)
    for order_id in ("o-1", "o-2"):
        plan = planned(
            order_id,
            ("us-ontario", "MUG-RED", 1),
            placed_at=now - timedelta(hours=11),
            ship_by=now - timedelta(hours=1),
        )
        await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, StockReserved(plan=plan))
    # o-1 cancelled after its pick task: its stop is asked, the warehouse has not answered
    cancelled = OrderCancelled(order_id="o-1", channel="shopify", external_id="ext-o-1")
    await fulfillment.deliver(topics.ORDER_CHANGES, cancelled)

    assert [row["order_id"] for row in await store.at_risk(fulfillment.conn, now, 50)] == ["o-2"]
    figures = await kpis.of(fulfillment.conn, 7)
    assert (figures.at_risk, figures.late) == (1, 1)
    async with fulfillment.unit_of_work() as uow:
        await escalate_ship_by(uow, now)
    alerts = [m.envelope.event() for m in uow.outgoing if m.topic == topics.FULFILLMENT_ALERTS]
    assert [(a.order_id, a.level) for a in alerts] == [("o-2", 100)]  # type: ignore[attr-defined]
