"""A service's unhurried topics (news no order waits on for its pick task) are read by a
consumer of their own, in its own group, whose fetches wait for more than one record: that
news wakes the service a batch at a time. A service that moves a topic there goes on from where
its group had read it. On the real broker and PostgreSQL."""

import asyncio

import pytest
from orderflow_contracts import topics
from orderflow_contracts.warehouse import StockReceived
from orderflow_runtime import (
    RunningService,
    ServiceSettings,
    ServiceSpec,
    Subscriptions,
    UnitOfWork,
)
from orderflow_runtime.kafka import group_positions, unhurried_group
from orderflow_testing.system import TestSystem, eventually

pytestmark = pytest.mark.integration

URGENT = topics.WAREHOUSE_STOCK
UNHURRIED = topics.FULFILLMENT_STATUS  # any topic: the runtime routes by topic and event type


class EchoSettings(ServiceSettings):
    pass


def echo_service(unhurried: tuple[str, ...]) -> ServiceSpec:
    """Echoes each StockReceived, from either topic, to inventory.alerts."""
    subscriptions = Subscriptions()

    async def echo(uow: UnitOfWork, event: StockReceived) -> None:
        uow.emit(topics.INVENTORY_ALERTS, event.sku, event)

    subscriptions.on(URGENT, StockReceived)(echo)
    subscriptions.on(UNHURRIED, StockReceived)(echo)
    return ServiceSpec(
        name="echo",
        migrations_package="orderflow_runtime",
        subscriptions=subscriptions,
        unhurried=unhurried,
    )


def received(sku: str) -> StockReceived:
    return StockReceived(sku=sku, location_id="us-ontario", quantity=1)


async def start(system: TestSystem, unhurried: tuple[str, ...]) -> RunningService:
    return await system.start(
        "echo",
        lambda _: echo_service(unhurried),
        EchoSettings,
        fetch_max_wait_ms=1_000,
        unhurried_fetch_min_bytes=1024 * 1024,
    )


async def test_unhurried_news_is_read_in_batches_by_a_consumer_in_a_group_of_its_own(
    system: TestSystem,
) -> None:
    await system.create_topics([])
    service = await start(system, unhurried=(UNHURRIED,))
    await eventually(lambda: _assigned(service))
    bus = await system.bus()
    for n in range(5):  # a record each 50 ms: five fetches, had each been answered at once
        await bus.publish(UNHURRIED, f"k{n}", received(f"LATER-{n}"))
        await bus.flush()
        await asyncio.sleep(0.05)
    await bus.publish(URGENT, "k", received("NOW"))
    await bus.flush()

    echoed = await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 6)
    unhurried = service.consumer_of(UNHURRIED).stats
    urgent = service.consumer_of(URGENT).stats
    assert sorted(m.event.sku for m in echoed) == [*(f"LATER-{n}" for n in range(5)), "NOW"]
    assert (unhurried.processed, urgent.processed) == (5, 1)
    assert unhurried.batches <= 2
    servers = system.infrastructure.bootstrap_servers
    physical = system.prefix + UNHURRIED
    await eventually(lambda: _committed(servers, physical, unhurried_group(f"{system.prefix}echo")))
    assert not await _committed(servers, physical, f"{system.prefix}echo")


async def test_a_topic_made_unhurried_is_read_on_from_where_the_service_had_read_it(
    system: TestSystem,
) -> None:
    await system.create_topics([])
    before = await start(system, unhurried=())
    bus = await system.bus()
    for n in range(3):
        await bus.publish(UNHURRIED, f"k{n}", received(f"OLD-{n}"))
    await bus.flush()
    await eventually(lambda: _processed(before, 3))
    await before.stop()
    system.services.remove(before)

    after = await start(system, unhurried=(UNHURRIED,))
    await bus.publish(UNHURRIED, "k", received("NEW"))
    await bus.flush()
    await eventually(lambda: _processed(after, 1))
    await asyncio.sleep(2)  # two fetch waits: time for a replay from the start to show
    assert (after.stats.processed, after.stats.duplicates) == (1, 0)


async def _assigned(service: RunningService) -> bool:
    return service.assigned_partitions > 0


async def _processed(service: RunningService, count: int) -> bool:
    return service.stats.processed >= count


async def _committed(servers: str, topic: str, group: str) -> bool:
    return any(offset for offset in (await group_positions(servers, topic, group)).values())
