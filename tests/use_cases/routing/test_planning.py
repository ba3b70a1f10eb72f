"""routing's use cases, driven without a broker: plans, draws down, re-plans and gives up."""

from datetime import UTC, datetime

from orderflow_contracts import Envelope, topics
from orderflow_contracts.inventory import (
    LocationLevel,
    ReservationHeld,
    ReservationRejected,
    Shortage,
    StockLevelChanged,
)
from orderflow_contracts.routing import OrderUnroutable, ShipmentsPlanned
from orderflow_testing.use_cases import DrivenService

from tests.use_cases.conftest import accepted


async def stock(routing: DrivenService, sku: str, **available_at: int) -> None:
    levels = tuple(
        LocationLevel(
            location_id=location.replace("_", "-"), on_hand=units, reserved=0, available=units
        )
        for location, units in available_at.items()
    )
    await routing.deliver(topics.INVENTORY_LEVELS, StockLevelChanged(sku=sku, locations=levels))


def events(emitted) -> list:
    return [message.envelope.event() for message in emitted]


async def test_an_order_ships_from_the_one_location_holding_every_line(routing) -> None:
    await stock(routing, "MUG-RED", us_ontario=5, cn_shenzhen=5)
    [plan] = events(await routing.deliver(topics.ORDERS, accepted("o-1", ("MUG-RED", 2))))

    assert isinstance(plan, ShipmentsPlanned)
    [shipment] = plan.shipments
    # Both hold it; US ground from Ontario (4.80 + 1 kg) beats any service from Shenzhen.
    assert (shipment.location_id, shipment.carrier, shipment.service) == (
        "us-ontario",
        "usps",
        "ground-advantage",
    )
    assert plan.attempt == 1
    assert plan.placed_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # fulfillment's clock


async def test_orders_of_one_poll_do_not_count_on_the_same_units(routing) -> None:
    await stock(routing, "MUG-RED", us_ontario=1)
    first, second = events(
        await routing.deliver(
            topics.ORDERS, accepted("o-1", ("MUG-RED", 1)), accepted("o-2", ("MUG-RED", 1))
        )
    )

    assert isinstance(first, ShipmentsPlanned)
    assert isinstance(second, OrderUnroutable)
    assert "MUG-RED" in second.reason


async def test_an_order_is_planned_once_however_often_it_arrives(routing) -> None:
    await stock(routing, "MUG-RED", us_ontario=5)
    order = Envelope.wrap(accepted("o-1"), source="intake", correlation_id="o-1")
    assert [m.envelope.type for m in await routing.redeliver(topics.ORDERS, order)] == [
        "ShipmentsPlanned"
    ]
    assert await routing.redeliver(topics.ORDERS, order) == []  # the same event: the inbox
    assert await routing.deliver(topics.ORDERS, accepted("o-1")) == []  # accepted again


async def test_a_rejected_plan_is_replanned_from_inventorys_own_figures(routing) -> None:
    await stock(routing, "MUG-RED", us_ontario=5, cn_shenzhen=5)
    await routing.deliver(topics.ORDERS, accepted("o-1"))
    rejected = ReservationRejected(
        order_id="o-1",
        attempt=1,
        shortages=(Shortage(sku="MUG-RED", location_id="us-ontario", requested=1, available=0),),
    )
    [replan] = events(await routing.deliver(topics.INVENTORY_RESERVATIONS, rejected))

    assert isinstance(replan, ShipmentsPlanned)
    assert replan.attempt == 2
    assert [s.location_id for s in replan.shipments] == ["cn-shenzhen"]


async def test_news_of_an_older_attempt_is_ignored(routing) -> None:
    await stock(routing, "MUG-RED", us_ontario=5)
    await routing.deliver(topics.ORDERS, accepted("o-1"))
    stale = ReservationRejected(order_id="o-1", attempt=7, shortages=())

    assert await routing.deliver(topics.INVENTORY_RESERVATIONS, stale) == []


async def test_routing_gives_up_after_the_last_attempt(routing) -> None:
    await stock(routing, "MUG-RED", us_ontario=5, cn_shenzhen=5, de_3pl=5)
    await routing.deliver(topics.ORDERS, accepted("o-1"))
    outcome = None
    for attempt in (1, 2, 3):
        [outcome] = events(
            await routing.deliver(
                topics.INVENTORY_RESERVATIONS,
                ReservationRejected(order_id="o-1", attempt=attempt, shortages=()),
            )
        )
    assert isinstance(outcome, OrderUnroutable)
    assert outcome.reason == "stock rejected 3 plans"


async def test_a_channel_that_holds_short_orders_gets_no_replan(routing) -> None:
    await stock(routing, "MUG-RED", us_ontario=5)
    await routing.deliver(topics.ORDERS, accepted("o-1"))
    held = ReservationHeld(
        order_id="o-1",
        attempt=1,
        shortages=(Shortage(sku="MUG-RED", location_id="us-ontario", requested=1, available=0),),
    )
    [outcome] = events(await routing.deliver(topics.INVENTORY_RESERVATIONS, held))

    assert isinstance(outcome, OrderUnroutable)
    assert outcome.reason.startswith(
        "not enough stock, held by channel policy: MUG-RED@us-ontario 0/1"
    )


async def test_no_location_serving_the_channel_means_unroutable(routing) -> None:
    # cn-shenzhen serves every channel but ships nowhere in Brazil.
    await stock(routing, "MUG-RED", cn_shenzhen=5)
    [outcome] = events(await routing.deliver(topics.ORDERS, accepted("o-1", country="BR")))

    assert isinstance(outcome, OrderUnroutable)
