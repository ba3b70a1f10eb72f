"""Routing reads inventory's compacted levels to their end before it plans anything: an order
read in its first poll is planned against the stock inventory had already published."""

import pytest
from orderflow_bus import TopicBus
from orderflow_contracts import topics
from orderflow_contracts.inventory import LocationLevel, StockLevelChanged
from orderflow_testing.system import TestSystem

pytestmark = pytest.mark.integration


async def publish_level(bus: TopicBus, sku: str, location: str, units: int) -> None:
    level = LocationLevel(location_id=location, on_hand=units, reserved=0, available=units)
    await bus.publish(topics.INVENTORY_LEVELS, sku, StockLevelChanged(sku=sku, locations=(level,)))
    await bus.flush()


async def replica(system: TestSystem) -> dict[tuple[str, str], int]:
    routing = await system.db("routing")
    rows = await routing.fetch("SELECT sku, location_id, available FROM stock_replica")
    return {(row["sku"], row["location_id"]): row["available"] for row in rows}


async def test_the_replica_holds_every_published_level_once_routing_has_started(
    system: TestSystem, start
) -> None:
    await system.create_topics([])
    inventory = await system.bus("inventory")
    for units in (3, 7):  # the later figure wins
        await publish_level(inventory, "MUG-RED", "us-ontario", units)
    await inventory.publish_raw(topics.INVENTORY_LEVELS, "junk", b"not an envelope")
    await inventory.flush()
    await publish_level(inventory, "LAMP-DESK", "de-3pl", 2)

    await start(system, "routing")

    # No waiting: start returns only once the replica has read the topic to its end.
    assert await replica(system) == {("MUG-RED", "us-ontario"): 7, ("LAMP-DESK", "de-3pl"): 2}


async def test_a_restarted_routing_catches_up_on_what_it_missed(system: TestSystem, start) -> None:
    await system.create_topics([])
    inventory = await system.bus("inventory")
    await publish_level(inventory, "MUG-RED", "us-ontario", 3)
    routing = await start(system, "routing")
    await routing.stop()
    system.services.remove(routing)

    await publish_level(inventory, "MUG-RED", "us-ontario", 0)
    await start(system, "routing")

    assert await replica(system) == {("MUG-RED", "us-ontario"): 0}
