"""routing, driven without a broker: an order that arrives after its customer's erasure (routing
read the erasure first) loses the buyer's data at the next purge round, whatever its age."""

from datetime import timedelta

from orderflow_contracts import topics
from orderflow_contracts.privacy import CustomerErasureRequested
from orderflow_routing.privacy import use_cases
from orderflow_testing.use_cases import DrivenService

from tests.use_cases.conftest import accepted


async def _buyer(routing: DrivenService, order_id: str) -> tuple[str, str, str]:
    row = await routing.conn.fetchrow(
        "SELECT accepted #>> '{order,customer,email}', accepted #>> '{order,ship_to,line1}',"
        " accepted #>> '{order,ship_to,country}' FROM orders WHERE order_id = $1",
        order_id,
    )
    return tuple(row)


async def test_an_order_read_after_its_erasure_is_erased_by_the_next_purge(routing) -> None:
    erasure = CustomerErasureRequested(
        erasure_id="e-1",
        email_digest="0" * 64,
        order_ids=("o-1",),
        requested_at="2026-12-05T12:00Z",
    )
    await routing.deliver(topics.PRIVACY_ERASURES, erasure)
    await routing.deliver(
        topics.ORDERS,
        accepted("o-1", email="lin@example.com"),
        accepted("o-2", email="bo@example.org"),
    )
    assert await _buyer(routing, "o-1") == ("lin@example.com", "1 Main St", "US")

    async with routing.unit_of_work() as uow:
        purged = await use_cases.purge_expired(uow, timedelta(days=90))

    assert purged == 1
    assert await _buyer(routing, "o-1") == ("", "", "US")
    assert await _buyer(routing, "o-2") == ("bo@example.org", "1 Main St", "US")
