"""A shipment the warehouse works on (pick task issued, accepted by a 3PL, picked, packed) keeps
its reservation until it ships or is cancelled, on the real broker and PostgreSQL: the expiry
leaves it alone, and one that expired before the warehouse's news came is held again."""

from datetime import timedelta

import pytest
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_contracts.intake import OrderCancelled
from orderflow_inventory import use_cases
from orderflow_runtime import RunningService
from orderflow_testing.system import TestSystem, eventually

from tests.integration.inventory.support import api, plan_for, shipment_news, stock

pytestmark = pytest.mark.integration


async def _four_of_ten_reserved(system: TestSystem, start) -> RunningService:
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    await stock(system, "MUG-RED", "us-ontario", 10)
    bus = await system.bus("routing")
    await bus.publish(topics.ROUTING_PLANS, "order-1", plan_for(1, quantity=4))
    await bus.flush()
    await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 1)
    return service


async def _expire(service: RunningService) -> int:
    async with service.unit_of_work() as uow:
        return await use_cases.expire_unconfirmed(uow, timedelta(0))


async def _tell(system: TestSystem, *news) -> None:
    bus = await system.bus("fulfillment")
    for event in news:
        await bus.publish(topics.FULFILLMENT_STATUS, "order-1", event)
    await bus.flush()


async def _stock(system: TestSystem) -> tuple[int, int]:
    row = await (await system.db("inventory")).fetchrow("SELECT on_hand, reserved FROM stock")
    return row["on_hand"], row["reserved"]


async def test_an_accepted_shipment_is_not_expired(system: TestSystem, start) -> None:
    service = await _four_of_ten_reserved(system, start)
    await _tell(system, shipment_news(1, ShipmentStatus.ACCEPTED))
    inventory = await system.db("inventory")
    await eventually(lambda: inventory.fetchval("SELECT status = 'confirmed' FROM reservations"))

    assert await _expire(service) == 0
    assert await _stock(system) == (10, 4)


async def test_a_shipment_expired_before_the_3pl_accepted_it_is_held_again_until_shipped(
    system: TestSystem, start
) -> None:
    service = await _four_of_ten_reserved(system, start)
    assert await _expire(service) == 1
    assert await _stock(system) == (10, 0)

    await _tell(system, shipment_news(1, ShipmentStatus.ACCEPTED))
    inventory = await system.db("inventory")
    await eventually(lambda: inventory.fetchval("SELECT status = 'confirmed' FROM reservations"))
    assert await _stock(system) == (10, 4)
    assert await _expire(service) == 0

    await _tell(system, shipment_news(1, ShipmentStatus.SHIPPED))
    await eventually(lambda: inventory.fetchval("SELECT status = 'committed' FROM reservations"))
    assert await _stock(system) == (6, 0)
    async with api(service) as client:
        discrepancies = (await client.get("/discrepancies")).json()
        reconciliation = (await client.get("/reconciliation")).json()
    assert discrepancies == []  # the units were held for it: nothing shipped beyond the books
    assert reconciliation["balanced"] is True


async def test_news_of_an_expired_then_cancelled_order_holds_nothing(
    system: TestSystem, start
) -> None:
    service = await _four_of_ten_reserved(system, start)
    assert await _expire(service) == 1
    bus = await system.bus("intake")
    cancelled = OrderCancelled(order_id="order-1", channel="shopify", external_id="1")
    await bus.publish(topics.ORDER_CHANGES, "order-1", cancelled)
    await bus.flush()
    inventory = await system.db("inventory")
    await eventually(
        lambda: inventory.fetchval("SELECT NOT bool_or(expired) FROM reservation_lines")
    )

    await _tell(system, shipment_news(1, ShipmentStatus.PICKED))

    async def handled() -> bool:  # receipt, plan, cancellation, news
        return service.stats.processed >= 4

    await eventually(handled)
    assert await _stock(system) == (10, 0)
