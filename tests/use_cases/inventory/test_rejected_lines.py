"""A warehouse that will not ship some lines: their reservation there is given back, routing is
asked to re-plan them, and their re-plan elsewhere joins the order's reservation."""

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import PickTaskRejected, ShipmentStatus, ShipmentStatusChanged
from orderflow_contracts.inventory import RejectedLinesReleased, StockReserved
from orderflow_contracts.order import OrderLine

from tests.use_cases.conftest import planned
from tests.use_cases.inventory.test_reserving import of_type, receive, stock


def rejected(units: int, short: bool = False) -> PickTaskRejected:
    return PickTaskRejected(
        order_id="o-1",
        shipment_id="o-1-us-ontario",
        location_id="us-ontario",
        lines=(OrderLine(sku="MUG-RED", quantity=units),),
        reason="over capacity",
        short_pick=short,
    )


async def test_a_rejection_gives_the_reservation_back_at_that_location_then_asks_for_a_replan(
    inventory,
) -> None:
    await receive(inventory, "MUG-RED", "us-ontario", 5)
    await inventory.deliver(topics.ROUTING_PLANS, planned("o-1", ("us-ontario", "MUG-RED", 3)))
    assert await stock(inventory, "MUG-RED", "us-ontario") == (5, 3)

    emitted = await inventory.deliver(topics.FULFILLMENT_STATUS, rejected(3))

    assert await stock(inventory, "MUG-RED", "us-ontario") == (5, 0)
    [replan] = [m for m in emitted if m.envelope.type == RejectedLinesReleased.__name__]
    assert replan.topic == topics.INVENTORY_RESERVATIONS
    asked = replan.envelope.event()
    assert (asked.shipment_id, asked.location_id, asked.reason, asked.short_pick) == (
        "o-1-us-ontario",
        "us-ontario",
        "over capacity",
        False,
    )
    assert [(line.sku, line.quantity) for line in asked.lines] == [("MUG-RED", 3)]
    reason = await inventory.conn.fetchval(
        "SELECT reason FROM movements WHERE kind = 'release' AND reference = 'o-1'"
    )
    assert reason == "rejected at us-ontario: over capacity"


async def test_a_short_pick_gives_back_only_the_units_short_and_takes_them_off_hand(
    inventory,
) -> None:
    await receive(inventory, "MUG-RED", "us-ontario", 5)
    await inventory.deliver(topics.ROUTING_PLANS, planned("o-1", ("us-ontario", "MUG-RED", 3)))

    await inventory.deliver(topics.FULFILLMENT_STATUS, rejected(2, short=True))

    assert await stock(inventory, "MUG-RED", "us-ontario") == (3, 1)  # the 2 short are not there
    line = await inventory.conn.fetchrow(
        "SELECT quantity, released FROM reservation_lines WHERE shipment_id = 'o-1-us-ontario'"
    )
    assert (line["quantity"], line["released"]) == (1, False)


async def test_the_replan_of_the_rejected_lines_is_reserved_too(inventory) -> None:
    await receive(inventory, "MUG-RED", "us-ontario", 5)
    await receive(inventory, "MUG-RED", "cn-shenzhen", 5)
    await inventory.deliver(topics.ROUTING_PLANS, planned("o-1", ("us-ontario", "MUG-RED", 3)))
    await inventory.deliver(topics.FULFILLMENT_STATUS, rejected(3))
    replan = planned("o-1", ("cn-shenzhen", "MUG-RED", 3), attempt=2).model_copy(
        update={"replaces_shipment_id": "o-1-us-ontario"}
    )

    [reserved] = of_type(await inventory.deliver(topics.ROUTING_PLANS, replan), StockReserved)

    assert [s.shipment_id for s in reserved.plan.shipments] == ["o-1-cn-shenzhen"]
    assert await stock(inventory, "MUG-RED", "cn-shenzhen") == (5, 3)
    assert await stock(inventory, "MUG-RED", "us-ontario") == (5, 0)
    assert await inventory.deliver(topics.ROUTING_PLANS, replan) == []  # seen: once


async def test_a_return_restocked_is_back_on_hand_once(inventory) -> None:
    from orderflow_contracts.fulfillment import ShipmentStatus, ShipmentStatusChanged

    await receive(inventory, "MUG-RED", "us-ontario", 5)
    restocked = ShipmentStatusChanged(
        order_id="o-1",
        shipment_id="o-1-us-ontario",
        location_id="us-ontario",
        status=ShipmentStatus.RESTOCKED,
        carrier="usps",
        lines=(OrderLine(sku="MUG-RED", quantity=2),),
    )

    await inventory.deliver(topics.FULFILLMENT_STATUS, restocked)
    await inventory.deliver(topics.FULFILLMENT_STATUS, restocked)

    assert await stock(inventory, "MUG-RED", "us-ontario") == (7, 0)


def return_news(status: str, location: str, *lines: tuple[str, int]) -> ShipmentStatusChanged:
    return ShipmentStatusChanged(
        order_id="o-1",
        shipment_id="o-1-us-ontario",
        location_id=location,
        status=ShipmentStatus(status),
        carrier="usps",
        lines=tuple(OrderLine(sku=sku, quantity=units) for sku, units in lines),
    )


async def test_a_return_is_restocked_once_however_its_news_comes(inventory) -> None:
    await receive(inventory, "MUG-RED", "us-ontario", 5)
    await receive(inventory, "MUG-RED", "de-3pl", 5)
    two_lines = (("MUG-RED", 2), ("MUG-RED", 1))  # one SKU on two lines: 3 units back
    await inventory.deliver(
        topics.FULFILLMENT_STATUS,
        return_news("written_off", "us-ontario", *two_lines),  # changes nothing here
        return_news("restocked", "us-ontario", *two_lines),
        return_news("restocked", "us-ontario", *two_lines),  # told twice
        return_news("restocked", "de-3pl", *two_lines),  # the same return, elsewhere
    )

    assert await stock(inventory, "MUG-RED", "us-ontario") == (8, 0)
    assert await stock(inventory, "MUG-RED", "de-3pl") == (5, 0)
