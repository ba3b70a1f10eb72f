"""Routing's KPIs from its decisions: each order counted once by its latest decision."""

from decimal import Decimal

from orderflow_contracts import topics
from orderflow_contracts.inventory import ReservationRejected, Shortage
from orderflow_contracts.routing import OrderUnroutable, ShipmentsPlanned
from orderflow_routing import kpis, store
from orderflow_testing.use_cases import DrivenService

from tests.use_cases.conftest import accepted
from tests.use_cases.routing.test_planning import events, stock


async def test_split_rate_mean_cost_unroutable_share_and_replans(routing: DrivenService) -> None:
    await stock(routing, "MUG-RED", us_ontario=5)
    await stock(routing, "LAMP-DESK", cn_shenzhen=5)
    single, split, nowhere = events(
        await routing.deliver(
            topics.ORDERS,
            accepted("o-1", ("MUG-RED", 1)),
            accepted("o-2", ("MUG-RED", 1), ("LAMP-DESK", 1)),
            accepted("o-3", ("MUG-RED", 1), country="BR"),  # no carrier service to Brazil
        )
    )
    shortage = Shortage(sku="MUG-RED", location_id="us-ontario", requested=1, available=3)
    rejected = ReservationRejected(order_id="o-1", attempt=1, shortages=(shortage,))
    [replanned] = events(await routing.deliver(topics.INVENTORY_RESERVATIONS, rejected))

    assert isinstance(single, ShipmentsPlanned) and isinstance(nowhere, OrderUnroutable)
    assert isinstance(split, ShipmentsPlanned) and len(split.shipments) == 2
    assert isinstance(replanned, ShipmentsPlanned) and replanned.attempt == 2
    totals = [
        Decimal(d.explanation["total"])
        for order_id, attempt in (("o-1", 2), ("o-2", 1))
        for d in await store.decisions_of(routing.conn, order_id)
        if d.attempt == attempt
    ]
    figures = await kpis.of(routing.conn, 7)
    assert (figures.orders, figures.planned, figures.replans) == (3, 2, 1)
    assert figures.split_rate == 0.5
    assert figures.unroutable_share == round(1 / 3, 4)
    assert figures.mean_cost_per_order == round(float(sum(totals) / 2), 4)
    assert await kpis.for_metrics(routing.conn) == figures.model_dump(exclude={"days"})
