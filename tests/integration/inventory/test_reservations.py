"""inventory's reservations on the real broker and PostgreSQL."""

from decimal import Decimal

import pytest
from orderflow_contracts import topics
from orderflow_contracts.intake import OrderCancelled
from orderflow_contracts.inventory import ReservationRejected, StockReserved
from orderflow_contracts.order import OrderLine
from orderflow_inventory.app import create_spec
from orderflow_inventory.config import Settings
from orderflow_runtime import RunningService, start_service
from orderflow_testing.system import TestSystem, eventually

from tests.conftest import SELLER_SETUP_FILE
from tests.integration.inventory.support import plan_for, shipment_news, stock

pytestmark = pytest.mark.integration


async def start_tagged(system: TestSystem, tag: str, **overrides: object) -> RunningService:
    """An inventory instance whose database sessions carry `tag` as their application_name, so
    a row can say which instance wrote it."""
    url = await system.database_url("inventory")
    tagged = f"{url}{'&' if '?' in url else '?'}application_name={tag}"
    settings = system.settings(
        Settings, tagged, seller_setup_file=str(SELLER_SETUP_FILE), **overrides
    )
    service = await start_service(create_spec(settings), settings)
    system.services.append(service)
    return service


async def _all_assigned(instances: list[RunningService]) -> bool:
    return all(instance.assigned_partitions for instance in instances)


async def test_two_consumers_never_oversell_the_last_units(system: TestSystem) -> None:
    await system.create_topics(["us-ontario"])
    # Polls of 20 plans: the instances hand the SKU's locks back and forth several times before
    # the 100 units run out (one poll of the default 500 could take them all in one go, and leave
    # the other instance nothing to contend for).
    names = ["inventory-a", "inventory-b"]
    instances = [await start_tagged(system, name, max_batch=20) for name in names]  # one group
    # Plans published before the group settles would all go to the instance that joined first.
    await eventually(lambda: _all_assigned(instances))
    inventory = await system.db("inventory")
    await inventory.execute(
        "ALTER TABLE reservations"
        " ADD COLUMN decided_by text DEFAULT current_setting('application_name')"
    )
    await stock(system, "MUG-RED", "us-ontario", 100)
    handled_before = [instance.stats.processed for instance in instances]
    bus = await system.bus("routing")
    orders = 2000
    for number in range(orders):
        await bus.publish(topics.ROUTING_PLANS, f"order-{number}", plan_for(number))
    await bus.flush()

    outcomes = await system.read(
        topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= orders, timeout_s=120
    )
    reserved = [m for m in outcomes if isinstance(m.event, StockReserved)]
    rejected = [m for m in outcomes if isinstance(m.event, ReservationRejected)]
    assert (len(reserved), len(rejected)) == (100, orders - 100)
    row = await inventory.fetchrow("SELECT on_hand, reserved FROM stock WHERE sku = 'MUG-RED'")
    assert (row["on_hand"], row["reserved"]) == (100, 100)
    plans_handled = [
        instance.stats.processed - before
        for instance, before in zip(instances, handled_before, strict=True)
    ]
    assert all(plans_handled), plans_handled  # (the stock receipt may count in one of them)
    won = dict(
        await inventory.fetch(
            "SELECT decided_by, count(*) FROM reservations GROUP BY decided_by ORDER BY 1"
        )
    )
    assert sum(won.values()) == 100
    assert set(won) == set(names), f"both instances must reserve: {won}"


async def test_second_delivery_of_a_plan_reserves_once(system: TestSystem, start) -> None:
    await system.create_topics(["us-ontario"])
    await start(system, "inventory")
    await stock(system, "MUG-RED", "us-ontario", 10)
    bus = await system.bus("routing")
    envelope = await bus.publish(topics.ROUTING_PLANS, "order-1", plan_for(1, quantity=3))
    await bus.publish_raw(topics.ROUTING_PLANS, "order-1", envelope.to_bytes())
    await bus.publish(topics.ROUTING_PLANS, "order-2", plan_for(2, quantity=1))
    await bus.flush()
    await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 2)
    inventory = await system.db("inventory")
    assert await inventory.fetchval("SELECT reserved FROM stock WHERE sku = 'MUG-RED'") == 4


async def test_a_plan_is_reserved_whole_or_not_at_all(system: TestSystem, start) -> None:
    await system.create_topics(["us-ontario"])
    await start(system, "inventory")
    await stock(system, "MUG-RED", "us-ontario", 5)
    await stock(system, "LAMP-DESK", "us-ontario", 1)
    plan = plan_for(1)
    two_lines = plan.model_copy(
        update={
            "shipments": (
                plan.shipments[0].model_copy(
                    update={
                        "lines": (
                            OrderLine(sku="MUG-RED", quantity=2),
                            OrderLine(sku="LAMP-DESK", quantity=2),
                        )
                    }
                ),
            )
        }
    )
    bus = await system.bus("routing")
    await bus.publish(topics.ROUTING_PLANS, "order-1", two_lines)
    await bus.flush()
    outcome = await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 1)
    assert isinstance(outcome[0].event, ReservationRejected)
    assert [(s.sku, s.requested, s.available) for s in outcome[0].event.shortages] == [
        ("LAMP-DESK", 2, 1)
    ]
    inventory = await system.db("inventory")
    assert await inventory.fetchval("SELECT sum(reserved) FROM stock") == 0


async def test_repeated_lines_of_a_sku_in_a_shipment_are_reserved_as_one(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    await start(system, "inventory")
    await stock(system, "MUG-RED", "us-ontario", 10)
    plan = plan_for(1)
    repeated = plan.model_copy(
        update={
            "shipments": (
                plan.shipments[0].model_copy(
                    update={
                        "lines": (
                            OrderLine(sku="MUG-RED", quantity=2, unit_price=Decimal("4.50")),
                            OrderLine(sku="MUG-RED", quantity=3, unit_price=Decimal("4.50")),
                        )
                    }
                ),
            )
        }
    )
    bus = await system.bus("routing")
    await bus.publish(topics.ROUTING_PLANS, "order-1", repeated)
    await bus.flush()
    [outcome] = await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 1)
    assert isinstance(outcome.event, StockReserved)
    [line] = outcome.event.plan.shipments[0].lines
    assert (line.sku, line.quantity, line.amount) == ("MUG-RED", 5, Decimal("22.50"))
    inventory = await system.db("inventory")
    assert await inventory.fetchval("SELECT reserved FROM stock") == 5
    assert await inventory.fetchval("SELECT quantity FROM reservation_lines") == 5


def cancelled(order_number: int) -> OrderCancelled:
    return OrderCancelled(
        order_id=f"order-{order_number}", channel="shopify", external_id=str(order_number)
    )


async def _four_of_ten_reserved(system: TestSystem, start):
    """An inventory instance, 10 MUG-RED at us-ontario, and order-1 holding 4 of them."""
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    await stock(system, "MUG-RED", "us-ontario", 10)
    bus = await system.bus("routing")
    plan = plan_for(1, quantity=4)
    await bus.publish(topics.ROUTING_PLANS, "order-1", plan)
    await bus.flush()
    await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 1)
    return service, bus, plan


async def test_cancellation_releases_the_reservation_once(system: TestSystem, start) -> None:
    service, bus, _ = await _four_of_ten_reserved(system, start)
    envelope = await bus.publish(topics.ORDER_CHANGES, "order-1", cancelled(1))
    await bus.publish_raw(topics.ORDER_CHANGES, "order-1", envelope.to_bytes())
    # the marketplace said it twice
    await bus.publish(topics.ORDER_CHANGES, "order-1", cancelled(1))
    await bus.flush()
    inventory = await system.db("inventory")

    async def all_three_handled() -> bool:  # two handled, one recognised as a duplicate
        return service.stats.duplicates >= 1 and service.stats.processed >= 4

    await eventually(all_three_handled)
    assert await inventory.fetchval("SELECT reserved FROM stock") == 0
    kinds = await inventory.fetch(
        "SELECT kind, reserved_delta FROM movements WHERE kind <> 'receipt' ORDER BY id"
    )
    assert [(row["kind"], row["reserved_delta"]) for row in kinds] == [
        ("reservation", 4),
        ("release", -4),
    ]


async def test_a_plan_arriving_after_its_cancellation_reserves_nothing(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    await start(system, "inventory")
    await stock(system, "MUG-RED", "us-ontario", 10)
    bus = await system.bus("routing")
    await bus.publish(topics.ORDER_CHANGES, "order-1", cancelled(1))
    await bus.flush()
    inventory = await system.db("inventory")
    await eventually(lambda: inventory.fetchval("SELECT count(*) FROM reservations"))
    # One key, one partition: order-2's outcome proves order-1's plan was handled before it.
    await bus.publish(topics.ROUTING_PLANS, "one-key", plan_for(1, quantity=4))
    await bus.publish(topics.ROUTING_PLANS, "one-key", plan_for(2, quantity=1))
    await bus.flush()
    outcomes = await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 1)
    assert [m.event.plan.order_id for m in outcomes] == ["order-2"]
    assert await inventory.fetchval("SELECT reserved FROM stock") == 1


async def test_goods_of_a_cancelled_order_that_ship_anyway_leave_on_hand_once(
    system: TestSystem, start
) -> None:
    service, bus, _ = await _four_of_ten_reserved(system, start)
    await bus.publish(topics.ORDER_CHANGES, "order-1", cancelled(1))
    await bus.flush()
    inventory = await system.db("inventory")
    await eventually(lambda: inventory.fetchval("SELECT status = 'released' FROM reservations"))
    shipped = shipment_news(1)
    await bus.publish(topics.FULFILLMENT_STATUS, "order-1", shipped)
    await bus.publish(topics.FULFILLMENT_STATUS, "order-1", shipped)  # and reported twice
    await bus.flush()

    async def both_reports_handled() -> bool:  # receipt, plan, cancellation, two reports
        return service.stats.processed >= 5

    await eventually(both_reports_handled)
    assert await inventory.fetchval("SELECT on_hand FROM stock") == 6
    assert await inventory.fetchval("SELECT reserved FROM stock") == 0


async def test_shipments_reported_together_each_leave_stock_and_the_ledger(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    await stock(system, "MUG-RED", "us-ontario", 10)
    bus = await system.bus("routing")
    plans = [plan_for(number, quantity=2) for number in (1, 2, 3)]
    for plan in plans:
        await bus.publish(topics.ROUTING_PLANS, "one-key", plan)
    await bus.flush()
    await system.read(topics.INVENTORY_RESERVATIONS, until=lambda seen: len(seen) >= 3)
    await bus.publish(topics.ORDER_CHANGES, "order-3", cancelled(3))  # its goods ship anyway
    await bus.flush()
    inventory = await system.db("inventory")
    await eventually(
        lambda: inventory.fetchval(
            "SELECT status = 'released' FROM reservations WHERE order_id = 'order-3'"
        )
    )
    handled = service.stats.processed
    for number in (1, 2, 3):  # one key, flushed together: usually read in one poll
        await bus.publish(topics.FULFILLMENT_STATUS, "one-key", shipment_news(number))
    await bus.flush()

    async def all_reports_handled() -> bool:
        return service.stats.processed >= handled + 3

    await eventually(all_reports_handled)
    row = await inventory.fetchrow("SELECT on_hand, reserved FROM stock")
    assert (row["on_hand"], row["reserved"]) == (4, 0)
    statuses = await inventory.fetch("SELECT order_id, status FROM reservations ORDER BY 1")
    assert [tuple(r) for r in statuses] == [
        ("order-1", "committed"),
        ("order-2", "committed"),
        ("order-3", "committed"),  # what shipped, shipped
    ]
    commits = await inventory.fetch(
        "SELECT reference, on_hand_delta, reserved_delta FROM movements WHERE kind = 'commit'"
        " ORDER BY reference"
    )
    assert [tuple(r) for r in commits] == [
        ("order-1-1", -2, -2),
        ("order-2-1", -2, -2),
        ("order-3-1", -2, 0),  # released already: only on hand changes
    ]
    assert await inventory.fetchval("SELECT sum(units) FROM daily_sales") == 6
