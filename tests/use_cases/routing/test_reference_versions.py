"""routing plans each poll with the latest stored reference data, and counts its shipments
against each location's capacity for the day."""

from orderflow_contracts import topics
from orderflow_contracts.inventory import RejectedLinesReleased, ReservationRejected, Shortage
from orderflow_contracts.routing import ShipmentsPlanned
from orderflow_routing import store
from orderflow_routing.reference import ReferenceData
from orderflow_testing.use_cases import DrivenService

from tests.conftest import seller_setup
from tests.use_cases.conftest import accepted
from tests.use_cases.routing.test_planning import events, stock


async def _store_version(routing: DrivenService, **changes: object) -> ReferenceData:
    latest = await store.latest_reference_version(routing.conn)
    current = await store.reference(routing.conn, latest or 0)
    assert current is not None
    data = current.data.model_copy(update={"version": (latest or 0) + 1, **changes})
    assert await store.save_reference(routing.conn, data, "test", "")
    return data


async def test_the_next_order_is_planned_with_a_new_version(routing: DrivenService) -> None:
    await stock(routing, "MUG-RED", us_ontario=5, cn_shenzhen=5)
    [before] = events(await routing.deliver(topics.ORDERS, accepted("o-1", ("MUG-RED", 1))))
    current = await store.reference(routing.conn, 1)
    assert current is not None
    ontario_closed = tuple(
        site.model_copy(update={"channels": ("amazon",)})
        if site.location_id == "us-ontario"
        else site
        for site in current.data.locations
    )
    await _store_version(routing, locations=ontario_closed)
    [after] = events(await routing.deliver(topics.ORDERS, accepted("o-2", ("MUG-RED", 1))))

    assert isinstance(before, ShipmentsPlanned) and isinstance(after, ShipmentsPlanned)
    assert [s.location_id for s in before.shipments] == ["us-ontario"]
    assert [s.location_id for s in after.shipments] == ["cn-shenzhen"]
    decision = await store.decisions_of(routing.conn, "o-2")
    assert decision[0].explanation["reference_version"] == 2


async def test_a_location_at_capacity_today_ships_no_more(routing: DrivenService) -> None:
    await stock(routing, "MUG-RED", us_ontario=5)
    current = await store.reference(routing.conn, 1)
    assert current is not None
    one_a_day = tuple(
        site.model_copy(update={"capacity_per_day": 1})
        if site.location_id == "us-ontario"
        else site
        for site in current.data.locations
    )
    await _store_version(routing, locations=one_a_day)
    first, second = events(
        await routing.deliver(
            topics.ORDERS, accepted("o-1", ("MUG-RED", 1)), accepted("o-2", ("MUG-RED", 1))
        )
    )
    [third] = events(await routing.deliver(topics.ORDERS, accepted("o-3", ("MUG-RED", 1))))

    # Ontario is full after the first; the replica shows no stock elsewhere, so the others go
    # where inventory may still hold it (its answer decides), never to Ontario.
    assert [s.location_id for s in first.shipments] == ["us-ontario"]
    assert [s.location_id for s in second.shipments] == ["cn-shenzhen"]  # the same poll
    assert [s.location_id for s in third.shipments] == ["cn-shenzhen"]  # a later poll
    [decision] = await store.decisions_of(routing.conn, "o-3")
    [ontario] = [c for c in decision.explanation["candidates"] if c["location_id"] == "us-ontario"]
    assert ontario["excluded"] == "at capacity today (1 of 1 shipments)"
    assert decision.explanation["unconfirmed_replica_says"].endswith(
        "(at capacity today: us-ontario)"
    )


async def test_the_setup_file_gives_a_new_version_only_until_an_operator_stores_one(
    routing: DrivenService,
) -> None:
    setup = seller_setup()
    assert await store.load_network(routing.conn, setup) == 1  # unchanged: the same version
    dearer = setup.model_copy(
        update={"rates": tuple(r.model_copy(update={"base": r.base + 1}) for r in setup.rates)}
    )
    assert await store.load_network(routing.conn, dearer) == 2  # the file changed
    await _store_version(routing)  # an operator's version 3
    assert await store.load_network(routing.conn, setup) == 3  # the file is ignored now
    history = await store.reference_history(routing.conn)
    assert [(row["version"], row["source"]) for row in history] == [
        (3, "api"),
        (2, "setup"),
        (1, "setup"),
    ]


async def test_a_plan_inventory_rejects_gives_its_capacity_back(routing: DrivenService) -> None:
    await stock(routing, "MUG-RED", us_ontario=5)
    current = await store.reference(routing.conn, 1)
    assert current is not None
    one_a_day = tuple(
        site.model_copy(update={"capacity_per_day": 1})
        if site.location_id == "us-ontario"
        else site
        for site in current.data.locations
    )
    await _store_version(routing, locations=one_a_day)
    [first] = events(await routing.deliver(topics.ORDERS, accepted("o-1", ("MUG-RED", 1))))
    shortage = Shortage(sku="MUG-RED", location_id="us-ontario", requested=1, available=0)
    rejected = ReservationRejected(order_id="o-1", attempt=1, shortages=(shortage,))
    [replanned] = events(await routing.deliver(topics.INVENTORY_RESERVATIONS, rejected))
    await stock(routing, "MUG-RED", us_ontario=5)  # stock arrived
    [second] = events(await routing.deliver(topics.ORDERS, accepted("o-2", ("MUG-RED", 1))))

    assert isinstance(first, ShipmentsPlanned) and isinstance(replanned, ShipmentsPlanned)
    assert [s.location_id for s in replanned.shipments] == ["cn-shenzhen"]  # unconfirmed there
    assert isinstance(second, ShipmentsPlanned), second  # o-1's shipment never counted
    assert [s.location_id for s in second.shipments] == ["us-ontario"]


async def test_a_pick_task_its_warehouse_rejects_gives_its_capacity_back(
    routing: DrivenService,
) -> None:
    await stock(routing, "MUG-RED", us_ontario=5, cn_shenzhen=5)
    current = await store.reference(routing.conn, 1)
    assert current is not None
    one_a_day = tuple(
        site.model_copy(update={"capacity_per_day": 1})
        if site.location_id == "us-ontario"
        else site
        for site in current.data.locations
    )
    await _store_version(routing, locations=one_a_day)
    [first] = events(await routing.deliver(topics.ORDERS, accepted("o-1", ("MUG-RED", 1))))
    assert isinstance(first, ShipmentsPlanned)
    [shipment] = first.shipments
    refused = RejectedLinesReleased(
        order_id="o-1",
        shipment_id=shipment.shipment_id,
        location_id="us-ontario",
        lines=shipment.lines,
        reason="no labels today",
    )
    [replanned] = events(await routing.deliver(topics.INVENTORY_RESERVATIONS, refused))
    [second] = events(await routing.deliver(topics.ORDERS, accepted("o-2", ("MUG-RED", 1))))

    assert isinstance(replanned, ShipmentsPlanned)
    assert [s.location_id for s in replanned.shipments] == ["cn-shenzhen"]
    assert isinstance(second, ShipmentsPlanned)
    assert [s.location_id for s in second.shipments] == ["us-ontario"]  # its count given back
