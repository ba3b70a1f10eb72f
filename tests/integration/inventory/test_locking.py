"""Concurrent transactions on inventory's real PostgreSQL, interleaved on purpose: writers of one
SKU queue behind each other (so the levels feed's latest snapshot is whole), and every writer
takes its locks in one order (so none deadlocks)."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import asyncpg
import pytest
from orderflow_contracts import Envelope, Event, topics
from orderflow_contracts.inventory import StockLevelChanged
from orderflow_contracts.warehouse import StockReceived
from orderflow_inventory import use_cases
from orderflow_runtime import Item, UnitOfWork
from orderflow_testing.system import TestSystem, eventually

from tests.integration.inventory.support import plan_for

pytestmark = pytest.mark.integration


@asynccontextmanager
async def connections(database_url: str, count: int) -> AsyncIterator[list[asyncpg.Connection]]:
    opened = [await asyncpg.connect(database_url) for _ in range(count)]
    try:
        yield opened
    finally:
        for conn in opened:
            await conn.close()


def unit(conn: asyncpg.Connection, cause: Event) -> UnitOfWork:
    return UnitOfWork(
        conn=conn, source="inventory", cause=Envelope.wrap(cause, source="test", correlation_id="c")
    )


def receipt(sku: str, location: str, units: int, reference: str) -> StockReceived:
    return StockReceived(sku=sku, location_id=location, quantity=units, reference=reference)


async def receive(conn: asyncpg.Connection, event: StockReceived) -> UnitOfWork:
    uow = unit(conn, event)
    async with conn.transaction():
        await use_cases.apply_stock_event(uow, event)
    return uow


async def reserve(conn: asyncpg.Connection, order: int, sku: str) -> None:
    """order-<order> asks one unit of `sku`, in the caller's transaction."""
    plan = plan_for(order, sku=sku)
    await use_cases.reserve_plans([Item(unit(conn, plan), plan)])


async def blocked_or_done(observer: asyncpg.Connection, waiter: asyncpg.Connection, task) -> None:
    """Until `task` waits for a lock another transaction holds, or has finished without one."""

    async def check() -> bool:
        waiting = await observer.fetchval(
            "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1",
            waiter.get_server_pid(),
        )
        return task.done() or bool(waiting)

    await eventually(check, timeout_s=10)


async def publish_due_levels(conn: asyncpg.Connection) -> UnitOfWork:
    """A round of the levels publisher (a timer in the service)."""
    uow = UnitOfWork(conn=conn, source="inventory", correlation="levels")
    async with conn.transaction():
        await use_cases.publish_due_levels(uow)
    return uow


def latest_levels(uow: UnitOfWork) -> dict[str, int]:
    [changed] = [
        m.envelope.payload
        for m in uow.outgoing
        if m.topic == topics.INVENTORY_LEVELS and m.envelope.type == StockLevelChanged.event_type
    ]
    return {level["location_id"]: level["on_hand"] for level in changed["locations"]}


async def test_a_levels_snapshot_includes_a_concurrent_change_at_another_location(
    system: TestSystem, start
) -> None:
    service = await start(system, "inventory", levels_interval_s=3600)  # the test publishes
    async with connections(service.settings.database_url, 3) as (first, second, observer):
        await receive(first, receipt("MUG-RED", "us-ontario", 10, "GRN-1"))
        await receive(first, receipt("MUG-RED", "de-3pl", 10, "GRN-2"))
        at_ontario = receipt("MUG-RED", "us-ontario", 5, "GRN-3")
        async with first.transaction():
            await use_cases.apply_stock_event(unit(first, at_ontario), at_ontario)
            in_germany = asyncio.create_task(
                receive(second, receipt("MUG-RED", "de-3pl", 6, "GRN-4"))
            )
            await blocked_or_done(observer, second, in_germany)
        await asyncio.wait_for(in_germany, 10)
        published = await publish_due_levels(first)

    # The feed's next record for the SKU shows both changes.
    assert latest_levels(published) == {"us-ontario": 15, "de-3pl": 16}


async def test_a_change_while_the_levels_are_published_is_published_in_the_next_round(
    system: TestSystem, start
) -> None:
    service = await start(system, "inventory", levels_interval_s=3600)  # the test publishes
    async with connections(service.settings.database_url, 3) as (first, second, observer):
        await receive(first, receipt("MUG-RED", "us-ontario", 10, "GRN-1"))
        publisher = UnitOfWork(conn=first, source="inventory", correlation="levels")
        async with first.transaction():
            await use_cases.publish_due_levels(publisher)  # holds the SKU until it commits
            in_germany = asyncio.create_task(
                receive(second, receipt("MUG-RED", "de-3pl", 6, "GRN-2"))
            )
            await blocked_or_done(observer, second, in_germany)
        await asyncio.wait_for(in_germany, 10)

    assert latest_levels(publisher) == {"us-ontario": 10}
    async with connections(service.settings.database_url, 1) as (conn,):
        assert latest_levels(await publish_due_levels(conn)) == {"us-ontario": 10, "de-3pl": 6}
        assert (await publish_due_levels(conn)).outgoing == []  # nothing is due any more


async def test_expiry_and_a_reservation_taking_skus_in_opposite_order_never_deadlock(
    system: TestSystem, start
) -> None:
    service = await start(system, "inventory")
    async with connections(service.settings.database_url, 3) as (holder, expirer, observer):
        for sku in ("LAMP-DESK", "MUG-RED"):
            await receive(holder, receipt(sku, "us-ontario", 10, f"GRN-{sku}"))
        # Expiry meets order-1 first (older) holding MUG-RED, then order-2 holding LAMP-DESK.
        for order, sku in ((1, "MUG-RED"), (2, "LAMP-DESK")):
            async with holder.transaction():
                await reserve(holder, order, sku)

        async def expire() -> int:
            async with expirer.transaction():
                return await use_cases.expire_unconfirmed(
                    UnitOfWork(conn=expirer, source="inventory"), timedelta(0)
                )

        async with asyncio.timeout(20), holder.transaction():  # a poll of two plans
            await reserve(holder, 3, "LAMP-DESK")
            expiry = asyncio.create_task(expire())
            await blocked_or_done(observer, expirer, expiry)
            await reserve(holder, 4, "MUG-RED")
        assert await asyncio.wait_for(expiry, 20) == 2

        statuses = dict(await observer.fetch("SELECT order_id, status FROM reservations"))
        reserved = dict(await observer.fetch("SELECT sku, reserved FROM stock"))
    assert statuses == {
        "order-1": "expired",
        "order-2": "expired",
        "order-3": "reserved",
        "order-4": "reserved",
    }
    assert reserved == {"LAMP-DESK": 1, "MUG-RED": 1}
