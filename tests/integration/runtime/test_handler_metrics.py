"""Handler time by event type on /metrics: each handler call timed within its batch."""

import asyncio

import httpx
import pytest
from orderflow_contracts import topics
from orderflow_contracts.warehouse import StockAdjusted, StockReceived
from orderflow_runtime import ServiceSettings, ServiceSpec, Subscriptions, UnitOfWork
from orderflow_runtime.consumer import Item
from orderflow_testing.system import TestSystem, eventually
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.integration

SLOW_S = 0.05


class TimedSettings(ServiceSettings):
    pass


def timed_service() -> ServiceSpec:
    """A slow one-at-a-time handler for receipts, a quick batch handler for adjustments; both
    echo to inventory.alerts."""
    subscriptions = Subscriptions()

    @subscriptions.on(topics.WAREHOUSE_STOCK, StockReceived)
    async def slowly(uow: UnitOfWork, event: StockReceived) -> None:
        await asyncio.sleep(SLOW_S)
        uow.emit(topics.INVENTORY_ALERTS, event.sku, event)

    @subscriptions.on_batch(topics.WAREHOUSE_STOCK, StockAdjusted)
    async def quickly(items: list[Item[StockAdjusted]]) -> None:
        for item in items:
            item.unit.emit(topics.INVENTORY_ALERTS, item.event.sku, item.event)

    return ServiceSpec(
        name="timed", migrations_package="orderflow_runtime", subscriptions=subscriptions
    )


def samples(text: str, name: str) -> dict[str, float]:
    """`name`'s sample per event type."""
    return {
        sample.labels["event_type"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


async def test_metrics_time_each_event_types_handler(system: TestSystem) -> None:
    await system.create_topics([])
    service = await system.start("timed", lambda _: timed_service(), TimedSettings)
    bus = await system.bus()
    for n in range(3):
        await bus.publish(
            topics.WAREHOUSE_STOCK, "k", StockReceived(sku=f"R{n}", location_id="x", quantity=1)
        )
    for n in range(2):
        await bus.publish(
            topics.WAREHOUSE_STOCK,
            "k",
            StockAdjusted(sku=f"A{n}", location_id="x", delta=1, reason="found"),
        )
    await bus.flush()
    await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 5)

    async def metrics() -> str:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=service.api), base_url="http://timed"
        ) as client:
            return (await client.get("/metrics")).text

    async def all_counted() -> bool:
        counted = samples(await metrics(), "orderflow_handler_messages_total")
        return counted == {"StockReceived": 3.0, "StockAdjusted": 2.0}

    await eventually(all_counted)
    text = await metrics()
    seconds = samples(text, "orderflow_handler_seconds_sum")
    calls = samples(text, "orderflow_handler_seconds_count")
    assert seconds["StockReceived"] >= 3 * SLOW_S  # the slow type's own time, not the batch's
    assert seconds["StockAdjusted"] < SLOW_S
    assert calls["StockReceived"] >= 1 and calls["StockAdjusted"] >= 1
