"""Lines a warehouse would not ship are re-planned from the other locations, alone."""

from decimal import Decimal

from orderflow_contracts import topics
from orderflow_contracts.inventory import RejectedLinesReleased
from orderflow_contracts.order import OrderLine
from orderflow_contracts.routing import OrderUnroutable, ShipmentsPlanned

from tests.use_cases.conftest import accepted
from tests.use_cases.routing.test_planning import events, stock


def rejected(location: str, *lines: tuple[str, int], short: bool = False) -> RejectedLinesReleased:
    return RejectedLinesReleased(
        order_id="o-1",
        shipment_id="o-1-first",
        location_id=location,
        lines=tuple(
            OrderLine(sku=sku, quantity=units, unit_price=Decimal("10.00")) for sku, units in lines
        ),
        reason="over capacity",
        short_pick=short,
    )


async def test_rejected_lines_are_planned_from_another_location(routing) -> None:
    await stock(routing, "MUG-RED", us_ontario=5, cn_shenzhen=5)
    await stock(routing, "LAMP-DESK", us_ontario=5)
    [first] = events(
        await routing.deliver(topics.ORDERS, accepted("o-1", ("MUG-RED", 2), ("LAMP-DESK", 1)))
    )
    assert [s.location_id for s in first.shipments] == ["us-ontario"]

    [replan] = events(
        await routing.deliver(topics.INVENTORY_RESERVATIONS, rejected("us-ontario", ("MUG-RED", 2)))
    )

    assert isinstance(replan, ShipmentsPlanned)
    assert replan.replaces_shipment_id == "o-1-first"
    assert replan.attempt == first.attempt + 1
    [shipment] = replan.shipments
    assert shipment.location_id == "cn-shenzhen"
    assert [(line.sku, line.quantity) for line in shipment.lines] == [("MUG-RED", 2)]
    assert shipment.shipment_id not in {s.shipment_id for s in first.shipments}


async def test_rejected_lines_no_other_location_holds_are_unroutable(routing) -> None:
    await stock(routing, "MUG-RED", us_ontario=5)
    await routing.deliver(topics.ORDERS, accepted("o-1", ("MUG-RED", 2)))

    [answer] = events(
        await routing.deliver(
            topics.INVENTORY_RESERVATIONS, rejected("us-ontario", ("MUG-RED", 1), short=True)
        )
    )

    assert isinstance(answer, OrderUnroutable)
    decision = await routing.conn.fetchval(
        "SELECT explanation->>'excluded_location' FROM decisions"
        " WHERE order_id = 'o-1' AND attempt = $1",
        answer.attempt,
    )
    assert decision == "us-ontario"


async def test_a_rejection_for_an_order_routing_never_saw_is_passed_over(routing) -> None:
    assert (
        await routing.deliver(topics.INVENTORY_RESERVATIONS, rejected("us-ontario", ("MUG-RED", 1)))
        == []
    )
