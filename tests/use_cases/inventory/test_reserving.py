"""inventory's use cases, driven without a broker: never oversell, every unit accounted for."""

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus, ShipmentStatusChanged
from orderflow_contracts.intake import OrderCancelled
from orderflow_contracts.inventory import (
    ReservationHeld,
    ReservationRejected,
    StockLevelChanged,
    StockReserved,
)
from orderflow_contracts.order import OrderLine
from orderflow_contracts.warehouse import StockCounted, StockReceived
from orderflow_inventory import use_cases
from orderflow_runtime.outbox import OutgoingMessage
from orderflow_testing.use_cases import DrivenService

from tests.use_cases.conftest import planned


async def receive(
    inventory: DrivenService, sku: str, location: str, units: int, ref: str = ""
) -> None:
    await inventory.deliver(
        topics.WAREHOUSE_STOCK,
        StockReceived(sku=sku, location_id=location, quantity=units, reference=ref),
    )


async def publish_due_levels(inventory: DrivenService) -> list[OutgoingMessage]:
    """A round of the levels publisher (a timer in the service)."""
    async with inventory.unit_of_work() as uow:
        await use_cases.publish_due_levels(uow)
    return uow.outgoing


def of_type(emitted, kind: type) -> list:
    return [m.envelope.event() for m in emitted if m.envelope.type == kind.__name__]


async def stock(inventory: DrivenService, sku: str, location: str) -> tuple[int, int]:
    row = await inventory.conn.fetchrow(
        "SELECT on_hand, reserved FROM stock WHERE sku = $1 AND location_id = $2", sku, location
    )
    return (row["on_hand"], row["reserved"]) if row else (0, 0)


async def test_a_plan_reserves_its_units_and_publishes_the_new_level(inventory) -> None:
    await receive(inventory, "MUG-RED", "us-ontario", 5)
    emitted = await inventory.deliver(
        topics.ROUTING_PLANS, planned("o-1", ("us-ontario", "MUG-RED", 2))
    )

    [reserved] = of_type(emitted, StockReserved)
    assert reserved.plan.order_id == "o-1"
    assert of_type(emitted, StockLevelChanged) == []  # the change marks the SKU for the feed
    [level] = of_type(await publish_due_levels(inventory), StockLevelChanged)
    assert [
        (x.location_id, x.available) for x in level.locations if x.location_id == "us-ontario"
    ] == [("us-ontario", 3)]
    assert await stock(inventory, "MUG-RED", "us-ontario") == (5, 2)


async def test_a_sku_changed_by_several_batches_is_one_level_record_with_the_latest(
    inventory,
) -> None:
    await receive(inventory, "MUG-RED", "us-ontario", 5)
    await publish_due_levels(inventory)
    await inventory.deliver(topics.ROUTING_PLANS, planned("o-1", ("us-ontario", "MUG-RED", 2)))
    await inventory.deliver(topics.ROUTING_PLANS, planned("o-2", ("us-ontario", "MUG-RED", 1)))

    [level] = of_type(await publish_due_levels(inventory), StockLevelChanged)
    assert level.sku == "MUG-RED"
    assert [(x.location_id, x.available) for x in level.locations][:1] == [("us-ontario", 2)]
    assert await publish_due_levels(inventory) == []  # nothing changed since


async def test_the_last_unit_goes_to_one_plan_of_a_poll_and_the_other_is_rejected(
    inventory,
) -> None:
    await receive(inventory, "MUG-RED", "us-ontario", 1)
    emitted = await inventory.deliver(
        topics.ROUTING_PLANS,
        planned("o-1", ("us-ontario", "MUG-RED", 1)),
        planned("o-2", ("us-ontario", "MUG-RED", 1)),
    )

    assert [e.plan.order_id for e in of_type(emitted, StockReserved)] == ["o-1"]
    [rejected] = of_type(emitted, ReservationRejected)
    assert rejected.order_id == "o-2"
    assert [(s.sku, s.requested, s.available) for s in rejected.shortages] == [("MUG-RED", 1, 0)]
    assert await stock(inventory, "MUG-RED", "us-ontario") == (1, 1)


async def test_a_plan_seen_again_reserves_nothing_more(inventory) -> None:
    await receive(inventory, "MUG-RED", "us-ontario", 5)
    await inventory.deliver(topics.ROUTING_PLANS, planned("o-1", ("us-ontario", "MUG-RED", 2)))

    assert (
        await inventory.deliver(topics.ROUTING_PLANS, planned("o-1", ("us-ontario", "MUG-RED", 2)))
        == []
    )
    assert await stock(inventory, "MUG-RED", "us-ontario") == (5, 2)


async def test_a_channel_that_holds_short_orders_gets_a_hold_not_a_rejection(inventory) -> None:
    await receive(inventory, "MUG-RED", "us-ontario", 1)
    emitted = await inventory.deliver(
        topics.ROUTING_PLANS, planned("o-1", ("us-ontario", "MUG-RED", 5), channel="tiktok")
    )

    [held] = of_type(emitted, ReservationHeld)
    assert held.order_id == "o-1"
    assert of_type(emitted, StockReserved) == []


async def test_a_cancelled_order_gives_its_units_back(inventory) -> None:
    await receive(inventory, "MUG-RED", "us-ontario", 5)
    await inventory.deliver(topics.ROUTING_PLANS, planned("o-1", ("us-ontario", "MUG-RED", 2)))
    await inventory.deliver(
        topics.ORDER_CHANGES,
        OrderCancelled(order_id="o-1", channel="shopify", external_id="ext-o-1", reason="buyer"),
    )

    assert await stock(inventory, "MUG-RED", "us-ontario") == (5, 0)


async def test_shipped_goods_leave_on_hand(inventory) -> None:
    await receive(inventory, "MUG-RED", "us-ontario", 5)
    await inventory.deliver(topics.ROUTING_PLANS, planned("o-1", ("us-ontario", "MUG-RED", 2)))
    for status in (ShipmentStatus.PICKED, ShipmentStatus.SHIPPED):
        await inventory.deliver(
            topics.FULFILLMENT_STATUS,
            ShipmentStatusChanged(
                order_id="o-1",
                shipment_id="o-1-us-ontario",
                location_id="us-ontario",
                status=status,
                carrier="usps",
                lines=(OrderLine(sku="MUG-RED", quantity=2),),
            ),
        )

    assert await stock(inventory, "MUG-RED", "us-ontario") == (3, 0)


async def test_a_warehouse_document_sent_twice_counts_once(inventory) -> None:
    await receive(inventory, "MUG-RED", "us-ontario", 5, ref="GRN-1")
    await receive(inventory, "MUG-RED", "us-ontario", 5, ref="GRN-1")

    assert await stock(inventory, "MUG-RED", "us-ontario") == (5, 0)


async def test_a_count_sets_on_hand_to_what_is_on_the_shelf(inventory) -> None:
    await receive(inventory, "MUG-RED", "us-ontario", 5)
    await inventory.deliver(
        topics.WAREHOUSE_STOCK,
        StockCounted(sku="MUG-RED", location_id="us-ontario", counted=3, reference="CC-1"),
    )

    assert await stock(inventory, "MUG-RED", "us-ontario") == (3, 0)
