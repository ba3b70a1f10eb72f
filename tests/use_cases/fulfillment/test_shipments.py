"""fulfillment's use cases, driven without a broker: pick tasks out, news in, timeline out."""

from orderflow_contracts import topics
from orderflow_contracts.carrier import TrackingUpdated
from orderflow_contracts.fulfillment import (
    PickTaskIssued,
    ShipmentStatusChanged,
    TrackingNumberAssigned,
)
from orderflow_contracts.inventory import StockReserved
from orderflow_contracts.warehouse import WarehouseReported
from orderflow_testing.use_cases import DrivenService

from tests.use_cases.conftest import planned


def reserved(order_id: str, *locations: str) -> StockReserved:
    return StockReserved(plan=planned(order_id, *((loc, "MUG-RED", 1) for loc in locations)))


def sent(emitted) -> list[tuple[str, str, object]]:
    return [(m.topic, m.key, m.envelope.event()) for m in emitted]


async def report(
    fulfillment: DrivenService,
    shipment_id: str,
    *statuses: str,
    tracking: str = "",
    location: str = "us-ontario",
):
    return await fulfillment.deliver(
        topics.WAREHOUSE_EVENTS,
        *(
            WarehouseReported(
                shipment_id=shipment_id,
                order_id="o-1",
                location_id=location,
                status=status,
                tracking_number=tracking if status == "shipped" else "",
            )
            for status in statuses
        ),
    )


async def test_each_shipment_of_a_reservation_is_one_pick_task_at_its_location(fulfillment) -> None:
    emitted = sent(
        await fulfillment.deliver(
            topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario", "de-3pl")
        )
    )

    tasks = [
        (topic, event.shipment_id)
        for topic, _, event in emitted
        if isinstance(event, PickTaskIssued)
    ]
    assert tasks == [
        (topics.pick_tasks("us-ontario"), "o-1-us-ontario"),
        (topics.pick_tasks("de-3pl"), "o-1-de-3pl"),
    ]
    statuses = [e.status for _, _, e in emitted if isinstance(e, ShipmentStatusChanged)]
    assert statuses == ["pick_requested", "pick_requested"]


async def test_a_reservation_seen_again_issues_nothing(fulfillment) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))

    assert (
        await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))
        == []
    )


async def test_shipped_tells_the_marketplace_the_tracking_number(fulfillment) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))
    emitted = sent(
        await report(
            fulfillment,
            "o-1-us-ontario",
            "picked",
            "packed",
            "shipped",
            tracking="9400100000000000000001",
        )
    )

    assert [e.status for _, _, e in emitted if isinstance(e, ShipmentStatusChanged)] == [
        "picked",
        "packed",
        "shipped",
    ]
    [(topic, key, told)] = [x for x in emitted if isinstance(x[2], TrackingNumberAssigned)]
    assert (topic, key) == (
        topics.MARKETPLACE_TRACKING,
        topics.channel_order_key("shopify", "ext-o-1"),
    )
    assert (told.tracking_number, told.carrier) == ("9400100000000000000001", "usps")


async def test_carrier_news_before_shipped_waits_for_it(fulfillment) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))
    early = TrackingUpdated(
        tracking_number="9400100000000000000001", carrier="usps", status="in_transit"
    )
    assert await fulfillment.deliver(topics.CARRIER_TRACKING, early) == []  # parked

    emitted = sent(
        await report(
            fulfillment,
            "o-1-us-ontario",
            "picked",
            "packed",
            "shipped",
            tracking="9400100000000000000001",
        )
    )
    assert [e.status for _, _, e in emitted if isinstance(e, ShipmentStatusChanged)][-2:] == [
        "shipped",
        "in_transit",
    ]


async def history(fulfillment: DrivenService) -> list[tuple[str, bool, str]]:
    rows = await fulfillment.conn.fetch(
        "SELECT status, accepted, note FROM shipment_history"
        " WHERE shipment_id = 'o-1-us-ontario' ORDER BY id"
    )
    return [(r["status"], r["accepted"], r["note"]) for r in rows]


async def test_a_dispatch_reported_alone_ships_with_the_steps_it_skipped_implied(
    fulfillment,
) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))

    emitted = sent(
        await report(fulfillment, "o-1-us-ontario", "shipped", tracking="9400100000000000000001")
    )

    assert [e.status for _, _, e in emitted if isinstance(e, ShipmentStatusChanged)] == ["shipped"]
    [told] = [e for _, _, e in emitted if isinstance(e, TrackingNumberAssigned)]
    assert told.tracking_number == "9400100000000000000001"
    assert await history(fulfillment) == [
        ("pick_requested", True, ""),
        ("picked", True, "implied: shipped reported without it"),
        ("packed", True, "implied: shipped reported without it"),
        ("shipped", True, ""),
    ]
    assert await fulfillment.conn.fetchval("SELECT status FROM shipments") == "shipped"


async def test_a_pick_reported_after_the_dispatch_is_late_kept_and_ignored(fulfillment) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))
    await report(fulfillment, "o-1-us-ontario", "shipped", tracking="9400100000000000000001")

    assert await report(fulfillment, "o-1-us-ontario", "picked", "packed") == []

    assert (await history(fulfillment))[-2:] == [
        ("picked", False, "late: already shipped, ignored"),
        ("packed", False, "late: already shipped, ignored"),
    ]
    # nothing stalls: the carrier's news still applies
    news = TrackingUpdated(
        tracking_number="9400100000000000000001", carrier="usps", status="in_transit"
    )
    emitted = sent(await fulfillment.deliver(topics.CARRIER_TRACKING, news))
    assert [e.status for _, _, e in emitted] == ["in_transit"]


async def test_an_impossible_step_is_refused_and_changes_nothing(fulfillment) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))
    await report(fulfillment, "o-1-us-ontario", "rejected")

    assert (
        await report(fulfillment, "o-1-us-ontario", "shipped", tracking="9400100000000000000001")
        == []
    )
    # kept for the operator, not applied
    assert (await history(fulfillment))[-1] == ("shipped", False, "impossible after rejected")
    assert await fulfillment.conn.fetchval("SELECT status FROM shipments") == "rejected"


async def test_news_repeated_is_applied_once(fulfillment) -> None:
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, reserved("o-1", "us-ontario"))

    emitted = await report(fulfillment, "o-1-us-ontario", "picked", "picked")
    assert len(emitted) == 1


async def test_a_report_for_no_shipment_of_ours_is_kept_with_its_reason(fulfillment) -> None:
    assert await report(fulfillment, "not-ours", "picked") == []

    kept = await fulfillment.conn.fetch("SELECT shipment_id, status, reason FROM refused_reports")
    assert [tuple(row) for row in kept] == [("not-ours", "picked", "no such shipment")]
