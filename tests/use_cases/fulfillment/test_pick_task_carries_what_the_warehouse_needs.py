"""An order's recipient phone, what the buyer asked per line (engraving text) and its currency
reach the warehouse's pick task, through routing's plan and the reservation."""

from decimal import Decimal

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import PickTaskIssued
from orderflow_contracts.intake import OrderAccepted
from orderflow_contracts.inventory import StockReserved
from orderflow_contracts.order import LineProperty, OrderLine
from orderflow_contracts.routing import ShipmentsPlanned

from tests.use_cases.conftest import accepted
from tests.use_cases.routing.test_planning import events, stock

ENGRAVED = (LineProperty(name="Engraving", value="Ada", units=1),)


def engraved_order() -> OrderAccepted:
    order = accepted("o-1", ("MUG-RED", 2)).order
    return OrderAccepted(
        order=order.model_copy(
            update={
                "currency": "EUR",
                "ship_to": order.ship_to.model_copy(update={"phone": "+49 30 5555 0100"}),
                "lines": (
                    OrderLine(
                        sku="MUG-RED", quantity=2, unit_price=Decimal("19.95"), properties=ENGRAVED
                    ),
                ),
            }
        )
    )


async def test_the_pick_task_carries_phone_line_properties_and_currency(routing, fulfillment):
    await stock(routing, "MUG-RED", us_ontario=5)
    [plan] = events(await routing.deliver(topics.ORDERS, engraved_order()))
    assert isinstance(plan, ShipmentsPlanned) and plan.currency == "EUR"

    emitted = await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, StockReserved(plan=plan))

    [task] = [e for e in events(emitted) if isinstance(e, PickTaskIssued)]
    assert task.currency == "EUR"
    assert task.ship_to.phone == "+49 30 5555 0100"
    assert [(line.sku, line.unit_price, line.properties) for line in task.lines] == [
        ("MUG-RED", Decimal("19.95"), ENGRAVED)
    ]


async def test_a_line_split_over_two_locations_keeps_its_properties_on_each_part(routing):
    await stock(routing, "MUG-RED", us_ontario=1, cn_shenzhen=1)
    [plan] = events(await routing.deliver(topics.ORDERS, engraved_order()))

    assert isinstance(plan, ShipmentsPlanned)
    assert [line.properties for s in plan.shipments for line in s.lines] == [ENGRAVED, ENGRAVED]
