"""A 3PL accepts or rejects a pick task or picks short, with its reason; the lines it will not
ship are told on for a re-plan. A report that does not match its shipment is kept, refused."""

import json
from decimal import Decimal

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import PickTaskRejected, ShipmentStatusChanged
from orderflow_contracts.inventory import StockReserved
from orderflow_contracts.order import OrderLine
from orderflow_contracts.warehouse import WarehouseReported
from orderflow_testing.use_cases import DrivenService

from tests.use_cases.conftest import planned
from tests.use_cases.fulfillment.test_shipments import sent

SHIPMENT = "o-1-de-3pl"


def warehouse(status: str, location: str = "de-3pl", **fields) -> WarehouseReported:
    return WarehouseReported(
        shipment_id=SHIPMENT, order_id="o-1", status=status, location_id=location, **fields
    )


async def two_lines_at_the_3pl(fulfillment: DrivenService) -> None:
    plan = planned("o-1", ("de-3pl", "MUG-RED", 3))
    [shipment] = plan.shipments
    lines = (
        OrderLine(sku="MUG-RED", quantity=3, unit_price=Decimal("10.00")),
        OrderLine(sku="LAMP-DESK", quantity=1, unit_price=Decimal("25.00")),
    )
    plan = plan.model_copy(update={"shipments": (shipment.model_copy(update={"lines": lines}),)})
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, StockReserved(plan=plan))


async def refusals(fulfillment: DrivenService) -> list[tuple[str, str, str]]:
    rows = await fulfillment.conn.fetch(
        "SELECT status, location_id, reason FROM refused_reports ORDER BY id"
    )
    return [(row["status"], row["location_id"], row["reason"]) for row in rows]


async def test_an_accepted_pick_task_goes_on_to_be_picked(fulfillment) -> None:
    await two_lines_at_the_3pl(fulfillment)
    emitted = sent(
        await fulfillment.deliver(
            topics.WAREHOUSE_EVENTS, warehouse("accepted"), warehouse("picked")
        )
    )

    assert [e.status for _, _, e in emitted] == ["accepted", "picked"]


async def test_a_rejected_pick_task_is_told_on_with_its_lines_and_reason(fulfillment) -> None:
    await two_lines_at_the_3pl(fulfillment)
    emitted = sent(
        await fulfillment.deliver(
            topics.WAREHOUSE_EVENTS, warehouse("rejected", reason="over capacity")
        )
    )

    [(_, _, status), (topic, key, rejected)] = emitted
    assert isinstance(status, ShipmentStatusChanged)
    assert (status.status, status.reason) == ("rejected", "over capacity")
    assert (topic, key) == (topics.FULFILLMENT_STATUS, "o-1")
    assert isinstance(rejected, PickTaskRejected)
    assert (rejected.location_id, rejected.reason, rejected.short_pick) == (
        "de-3pl",
        "over capacity",
        False,
    )
    assert sorted((line.sku, line.quantity) for line in rejected.lines) == [
        ("LAMP-DESK", 1),
        ("MUG-RED", 3),
    ]


async def test_a_rejection_told_twice_is_told_on_once(fulfillment) -> None:
    await two_lines_at_the_3pl(fulfillment)
    await fulfillment.deliver(topics.WAREHOUSE_EVENTS, warehouse("rejected", reason="closed"))

    assert await fulfillment.deliver(topics.WAREHOUSE_EVENTS, warehouse("rejected")) == []


async def test_a_short_pick_ships_the_rest_and_tells_on_the_lines_short(fulfillment) -> None:
    await two_lines_at_the_3pl(fulfillment)
    short = (OrderLine(sku="MUG-RED", quantity=2),)
    emitted = sent(
        await fulfillment.deliver(
            topics.WAREHOUSE_EVENTS, warehouse("short_picked", reason="damaged", lines=short)
        )
    )

    [(_, _, picked), (_, _, rejected)] = emitted
    assert picked.status == "picked"
    assert sorted((line.sku, line.quantity) for line in picked.lines) == [
        ("LAMP-DESK", 1),
        ("MUG-RED", 1),
    ]
    assert rejected.short_pick
    assert [(line.sku, line.quantity, line.unit_price) for line in rejected.lines] == [
        ("MUG-RED", 2, Decimal("10.00"))
    ]
    assert rejected.reason == "damaged"


async def test_a_short_pick_of_everything_is_a_rejection(fulfillment) -> None:
    await two_lines_at_the_3pl(fulfillment)
    everything = (OrderLine(sku="MUG-RED", quantity=3), OrderLine(sku="LAMP-DESK", quantity=1))
    emitted = sent(
        await fulfillment.deliver(
            topics.WAREHOUSE_EVENTS, warehouse("short_picked", lines=everything)
        )
    )

    assert [type(e).__name__ for _, _, e in emitted] == [
        "ShipmentStatusChanged",
        "PickTaskRejected",
    ]
    assert emitted[0][2].status == "rejected"
    assert emitted[1][2].short_pick


async def test_a_report_from_another_location_is_refused_and_kept(fulfillment) -> None:
    await two_lines_at_the_3pl(fulfillment)

    assert (
        await fulfillment.deliver(topics.WAREHOUSE_EVENTS, warehouse("picked", "us-ontario")) == []
    )
    assert await refusals(fulfillment) == [
        ("picked", "us-ontario", "reported by location us-ontario, but the shipment is at de-3pl")
    ]


async def test_a_report_that_does_not_name_its_location_is_refused_and_kept(fulfillment) -> None:
    await two_lines_at_the_3pl(fulfillment)

    assert await fulfillment.deliver(topics.WAREHOUSE_EVENTS, warehouse("picked", "")) == []
    assert await refusals(fulfillment) == [
        ("picked", "", "no location: a report must name its location (location_id), de-3pl here")
    ]
    status = await fulfillment.conn.fetchval(
        "SELECT status FROM shipments WHERE shipment_id = $1", SHIPMENT
    )
    assert status == "pick_requested"


async def test_short_lines_the_shipment_does_not_hold_are_refused(fulfillment) -> None:
    await two_lines_at_the_3pl(fulfillment)
    unknown = (OrderLine(sku="MUG-RED", quantity=4),)

    emitted = await fulfillment.deliver(
        topics.WAREHOUSE_EVENTS, warehouse("short_picked", lines=unknown)
    )
    assert emitted == []
    assert await refusals(fulfillment) == [
        ("short_picked", "de-3pl", "short lines that are not the shipment's: 4 x MUG-RED")
    ]


async def test_a_refused_report_is_kept_whole(fulfillment) -> None:
    await two_lines_at_the_3pl(fulfillment)
    unknown = (OrderLine(sku="MUG-RED", quantity=4),)
    await fulfillment.deliver(
        topics.WAREHOUSE_EVENTS, warehouse("short_picked", reason="damaged", lines=unknown)
    )

    kept = json.loads(await fulfillment.conn.fetchval("SELECT report::text FROM refused_reports"))
    assert (kept["reason"], kept["location_id"]) == ("damaged", "de-3pl")
    assert [(line["sku"], line["quantity"]) for line in kept["lines"]] == [("MUG-RED", 4)]


async def test_a_short_pick_after_picking_is_refused(fulfillment) -> None:
    await two_lines_at_the_3pl(fulfillment)
    await fulfillment.deliver(topics.WAREHOUSE_EVENTS, warehouse("picked"))
    short = (OrderLine(sku="MUG-RED", quantity=1),)

    assert (
        await fulfillment.deliver(topics.WAREHOUSE_EVENTS, warehouse("short_picked", lines=short))
        == []
    )
    assert await refusals(fulfillment) == [("short_picked", "de-3pl", "a short pick after picked")]


async def test_a_rejection_after_the_order_was_cancelled_is_not_replanned(fulfillment) -> None:
    from orderflow_contracts.intake import OrderCancelled

    await two_lines_at_the_3pl(fulfillment)
    await fulfillment.deliver(
        topics.ORDER_CHANGES,
        OrderCancelled(order_id="o-1", channel="shopify", external_id="ext-o-1"),
    )
    emitted = sent(
        await fulfillment.deliver(topics.WAREHOUSE_EVENTS, warehouse("rejected", reason="closed"))
    )

    assert [type(e).__name__ for _, _, e in emitted] == ["ShipmentStatusChanged"]
    assert emitted[0][2].status == "rejected"


async def test_a_shipment_the_warehouse_cancels_unasked_is_replanned(fulfillment) -> None:
    await two_lines_at_the_3pl(fulfillment)
    emitted = sent(
        await fulfillment.deliver(
            topics.WAREHOUSE_EVENTS, warehouse("cancelled", reason="damaged stock")
        )
    )

    [(_, _, status), (topic, _, rejected)] = emitted
    assert (status.status, topic) == ("cancelled", topics.FULFILLMENT_STATUS)
    assert isinstance(rejected, PickTaskRejected)
    assert rejected.reason == "cancelled by the warehouse, unasked: damaged stock"
    assert sorted((line.sku, line.quantity) for line in rejected.lines) == [
        ("LAMP-DESK", 1),
        ("MUG-RED", 3),
    ]
