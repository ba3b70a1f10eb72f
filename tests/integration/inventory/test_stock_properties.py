"""Property-based sequences of receipts, adjustments, counts, reservations, releases and
shipments, each delivered twice, against inventory's real tables in PostgreSQL. After every
step: reserved <= on hand, available >= 0, the ledger's replay equals the balances, and the
second delivery changed nothing."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from orderflow_contracts import Envelope, Event
from orderflow_contracts.fulfillment import ShipmentStatus, ShipmentStatusChanged
from orderflow_contracts.intake import OrderCancelled
from orderflow_contracts.order import Address, OrderLine
from orderflow_contracts.routing import PlannedShipment, ShipmentsPlanned
from orderflow_contracts.warehouse import StockAdjusted, StockCounted, StockReceived
from orderflow_inventory import ledger, services
from orderflow_runtime import Item, UnitOfWork
from orderflow_testing.system import TestSystem

pytestmark = pytest.mark.integration

SKUS = ("MUG-RED", "LAMP-DESK")
LOCATIONS = ("us-ontario", "de-3pl")
TABLES = (
    "stock, movements, reservations, reservation_lines, backorders, attempts, counts,"
    " held_stock_events, daily_sales, alert_state, alerts, outbox"
)

keys = st.tuples(st.sampled_from(SKUS), st.sampled_from(LOCATIONS))
references = st.sampled_from(["DOC-1", "DOC-2", "DOC-3"])  # few: documents get re-sent
orders = st.integers(1, 6)


def plan(order: int, lines: list[tuple[tuple[str, str], int]]) -> ShipmentsPlanned:
    by_location: dict[str, dict[str, int]] = {}
    for (sku, location), units in lines:
        by_location.setdefault(location, {}).setdefault(sku, units)
    return ShipmentsPlanned(
        order_id=f"o-{order}",
        channel="shopify",
        external_id=str(order),
        attempt=1,
        ship_to=Address(country="US"),
        shipments=tuple(
            PlannedShipment(
                shipment_id=f"o-{order}-{location}",
                location_id=location,
                carrier="usps",
                service="ground",
                cost="1",
                lines=tuple(OrderLine(sku=sku, quantity=units) for sku, units in skus.items()),
            )
            for location, skus in sorted(by_location.items())
        ),
    )


def as_a_batch_of_one(
    handle: Callable[[list[Item[Any]]], Awaitable[None]],
) -> Callable[[UnitOfWork, Any], Awaitable[None]]:
    async def one(unit: UnitOfWork, event: Any) -> None:
        await handle([Item(unit, event)])

    return one


class Inventory(RuleBasedStateMachine):
    loop: asyncio.AbstractEventLoop
    conn: asyncpg.Connection

    def __init__(self) -> None:
        super().__init__()
        self.run(self.conn.execute(f"TRUNCATE {TABLES}"))
        self.planned: dict[int, ShipmentsPlanned] = {}

    def run(self, coroutine: Awaitable[Any]) -> Any:
        return self.loop.run_until_complete(coroutine)

    def deliver_twice(
        self, event: Event, handle: Callable[[UnitOfWork, Any], Awaitable[None]]
    ) -> None:
        cause = Envelope.wrap(event, source="test", correlation_id="c")

        async def once() -> None:
            async with self.conn.transaction():
                await handle(UnitOfWork(conn=self.conn, source="inventory", cause=cause), event)

        self.run(once())
        after_first = self.snapshot()
        self.run(once())
        assert self.snapshot() == after_first, f"a second {event.event_type} changed the books"

    def snapshot(self) -> list[tuple[Any, ...]]:
        rows = self.run(
            self.conn.fetch(
                "SELECT sku, location_id, on_hand, reserved FROM stock ORDER BY sku, location_id"
            )
        )
        return [tuple(row) for row in rows]

    @rule(key=keys, units=st.integers(1, 8), reference=references)
    def receive(self, key: tuple[str, str], units: int, reference: str) -> None:
        event = StockReceived(sku=key[0], location_id=key[1], quantity=units, reference=reference)
        self.deliver_twice(event, services.apply_stock_event)

    @rule(key=keys, delta=st.integers(-5, 5), reference=references)
    def adjust(self, key: tuple[str, str], delta: int, reference: str) -> None:
        event = StockAdjusted(
            sku=key[0], location_id=key[1], delta=delta, reason="test", reference=f"ADJ-{reference}"
        )
        self.deliver_twice(event, services.apply_stock_event)

    @rule(key=keys, counted=st.integers(0, 12), reference=references)
    def count(self, key: tuple[str, str], counted: int, reference: str) -> None:
        event = StockCounted(
            sku=key[0], location_id=key[1], counted=counted, reference=f"CC-{reference}"
        )
        self.deliver_twice(event, services.apply_stock_event)

    @rule(order=orders, lines=st.lists(st.tuples(keys, st.integers(1, 4)), min_size=1, max_size=3))
    def reserve(self, order: int, lines: list[tuple[tuple[str, str], int]]) -> None:
        planned = self.planned.setdefault(order, plan(order, lines))

        self.deliver_twice(planned, as_a_batch_of_one(services.reserve_plans))

    @rule(order=orders)
    def cancel(self, order: int) -> None:
        event = OrderCancelled(order_id=f"o-{order}", channel="shopify", external_id=str(order))
        self.deliver_twice(event, services.release_cancelled)

    @rule(order=orders)
    def ship(self, order: int) -> None:
        planned = self.planned.get(order)
        if planned is None:
            return
        for shipment in planned.shipments:
            event = ShipmentStatusChanged(
                order_id=planned.order_id,
                shipment_id=shipment.shipment_id,
                location_id=shipment.location_id,
                status=ShipmentStatus.SHIPPED,
                carrier="usps",
            )
            self.deliver_twice(event, as_a_batch_of_one(services.confirm_or_commit))

    @invariant()
    def nothing_is_oversold(self) -> None:
        for sku, location, on_hand, reserved in self.snapshot():
            assert 0 <= reserved <= on_hand, (sku, location, on_hand, reserved)

    @invariant()
    def the_ledger_replays_to_the_balances(self) -> None:
        assert self.run(ledger.reconcile(self.conn)) == []


def _run_machine(database_url: str) -> None:
    loop = asyncio.new_event_loop()
    try:
        Inventory.loop = loop
        Inventory.conn = loop.run_until_complete(asyncpg.connect(database_url))
        run_state_machine_as_test(
            Inventory,
            settings=settings(
                max_examples=25,
                stateful_step_count=30,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
    finally:
        loop.run_until_complete(Inventory.conn.close())
        loop.close()


async def test_any_sequence_keeps_the_books_sound(system: TestSystem, start) -> None:
    service = await start(system, "inventory")  # migrations and reference data
    await asyncio.to_thread(_run_machine, service.settings.database_url)
