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
from orderflow_routing import store, what_if
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
    await stock(routing, "MUG-RED", us_ontario=1, cn_shenzhen=1)
    first, second = events(
        await routing.deliver(
            topics.ORDERS, accepted("o-1", ("MUG-RED", 1)), accepted("o-2", ("MUG-RED", 1))
        )
    )

    assert [s.location_id for s in first.shipments] == ["us-ontario"]
    # Ontario is cheaper, but the first order took its one unit.
    assert [s.location_id for s in second.shipments] == ["cn-shenzhen"]


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


def rejection(order_id: str, attempt: int, location: str) -> ReservationRejected:
    """Inventory's answer to a one-mug plan from `location`: none there."""
    short = Shortage(sku="MUG-RED", location_id=location, requested=1, available=0)
    return ReservationRejected(order_id=order_id, attempt=attempt, shortages=(short,))


async def test_a_shortage_only_the_replica_shows_is_sent_to_inventory(routing) -> None:
    # The replica knows no MUG-RED anywhere (it may lag inventory): the order is not held on
    # its word, the best plan goes to inventory, whose answer decides.
    [plan] = events(await routing.deliver(topics.ORDERS, accepted("o-1", ("MUG-RED", 1))))

    assert isinstance(plan, ShipmentsPlanned)
    assert [s.location_id for s in plan.shipments] == ["us-ontario"]  # the cheapest
    [decision] = await store.decisions_of(routing.conn, "o-1")
    assert decision.explanation["reason"].startswith(
        "planned on an unconfirmed replica, inventory's answer decides (the replica says:"
        " not enough stock at any location serving US: short {'MUG-RED': 1})"
    )
    assert decision.explanation["seen"]["confirmed"] == []


async def test_only_inventorys_own_figures_hold_an_order_for_stock(routing) -> None:
    await routing.deliver(topics.ORDERS, accepted("o-1", ("MUG-RED", 1)))
    [second] = events(
        await routing.deliver(topics.INVENTORY_RESERVATIONS, rejection("o-1", 1, "us-ontario"))
    )
    [held] = events(
        await routing.deliver(topics.INVENTORY_RESERVATIONS, rejection("o-1", 2, "cn-shenzhen"))
    )

    # Ontario confirmed empty, Shenzhen (the only other location reaching the US) not yet.
    assert isinstance(second, ShipmentsPlanned) and second.attempt == 2
    assert [s.location_id for s in second.shipments] == ["cn-shenzhen"]
    assert isinstance(held, OrderUnroutable) and held.attempt == 3
    assert held.reason == (
        "not enough stock at any location serving US: short {'MUG-RED': 1};"
        " inventory's figures: MUG-RED@cn-shenzhen 0/1, MUG-RED@us-ontario 0/1"
    )


async def test_the_last_attempt_gives_up_with_inventorys_figures(routing) -> None:
    await routing.deliver(topics.ORDERS, accepted("o-1", ("MUG-RED", 1)))
    await routing.deliver(topics.INVENTORY_RESERVATIONS, rejection("o-1", 1, "us-ontario"))
    await stock(routing, "MUG-RED", us_ontario=5)  # the feed says stock arrived there
    [third] = events(
        await routing.deliver(topics.INVENTORY_RESERVATIONS, rejection("o-1", 2, "cn-shenzhen"))
    )
    [gave_up] = events(
        await routing.deliver(topics.INVENTORY_RESERVATIONS, rejection("o-1", 3, "us-ontario"))
    )

    assert [s.location_id for s in third.shipments] == ["us-ontario"]
    assert isinstance(gave_up, OrderUnroutable)
    assert gave_up.reason == (
        "stock rejected 3 plans;"
        " inventory's figures: MUG-RED@cn-shenzhen 0/1, MUG-RED@us-ontario 0/1"
    )


async def test_a_what_if_replays_a_plan_sent_on_an_unconfirmed_replica_as_sent(routing) -> None:
    await routing.deliver(topics.ORDERS, accepted("o-1", ("MUG-RED", 1)))
    current = await store.reference(routing.conn, 1)
    assert current is not None

    report = await what_if.replay(
        routing.conn,
        current.data,
        datetime(2000, 1, 1, tzinfo=UTC),
        datetime(2999, 1, 1, tzinfo=UTC),
    )
    assert (report.baseline.routed, report.what_if.routed, report.changed_decisions) == (1, 1, 0)
