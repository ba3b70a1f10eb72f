"""inventory erases the buyer's address from its reservations' plans when intake asks, once,
and purges it from reservations settled long ago."""

from datetime import timedelta

from orderflow_contracts import Envelope, topics
from orderflow_contracts.order import Address
from orderflow_contracts.privacy import CustomerDataErased, CustomerErasureRequested
from orderflow_contracts.routing import ShipmentsPlanned
from orderflow_inventory.privacy import use_cases
from orderflow_testing.use_cases import DrivenService

from tests.use_cases.conftest import planned
from tests.use_cases.inventory.test_reserving import of_type, receive

REQUEST = CustomerErasureRequested(
    erasure_id="e-1", email_digest="0" * 64, order_ids=("o-1",), requested_at="2026-12-05T12:00Z"
)


async def _ship_to(inventory: DrivenService, order_id: str) -> Address:
    plan = await inventory.conn.fetchval(
        "SELECT plan::text FROM reservations WHERE order_id = $1", order_id
    )
    return ShipmentsPlanned.model_validate_json(plan).ship_to


async def _two_reserved(inventory: DrivenService) -> None:
    await receive(inventory, "MUG-RED", "us-ontario", 5)
    await inventory.deliver(
        topics.ROUTING_PLANS,
        planned("o-1", ("us-ontario", "MUG-RED", 1)),
        planned("o-2", ("us-ontario", "MUG-RED", 1)),
    )


async def test_an_erasure_empties_the_address_of_the_customers_plans_once(inventory) -> None:
    await _two_reserved(inventory)
    request = Envelope.wrap(REQUEST, source="intake", correlation_id="erasure:e-1")

    first = await inventory.redeliver(topics.PRIVACY_ERASURES, request)
    again = await inventory.redeliver(topics.PRIVACY_ERASURES, request)

    assert of_type(first, CustomerDataErased) == [
        CustomerDataErased(erasure_id="e-1", service="inventory", counts={"reservations": 1})
    ]
    assert first[0].key == "e-1" and again == []
    assert await _ship_to(inventory, "o-1") == Address(country="US")
    assert (await _ship_to(inventory, "o-2")).line1 == "1 Main St"


async def test_the_retention_purge_empties_plans_settled_long_ago(inventory) -> None:
    await _two_reserved(inventory)
    await inventory.conn.execute(
        "UPDATE reservations SET status = 'committed', updated_at = now() - interval '91 days'"
        " WHERE order_id = 'o-1'"
    )
    await inventory.conn.execute(
        "UPDATE reservations SET status = 'committed' WHERE order_id = 'o-2'"
    )

    async with inventory.unit_of_work() as uow:
        purged = await use_cases.purge_expired(uow, timedelta(days=90))
    async with inventory.unit_of_work() as uow:
        again = await use_cases.purge_expired(uow, timedelta(days=90))

    assert (purged, again) == (1, 0)
    assert await _ship_to(inventory, "o-1") == Address(country="US")
    assert (await _ship_to(inventory, "o-2")).line1 == "1 Main St"


async def test_a_plan_read_after_its_erasure_is_erased_by_the_next_purge(inventory) -> None:
    await inventory.deliver(topics.PRIVACY_ERASURES, REQUEST)
    await _two_reserved(inventory)
    assert (await _ship_to(inventory, "o-1")).line1 == "1 Main St"

    async with inventory.unit_of_work() as uow:
        purged = await use_cases.purge_expired(uow, timedelta(days=90))

    assert purged == 1
    assert await _ship_to(inventory, "o-1") == Address(country="US")
    assert (await _ship_to(inventory, "o-2")).line1 == "1 Main St"
