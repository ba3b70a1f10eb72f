"""routing erases the buyer's data from the orders it keeps when intake asks, answers with
counts, and purges it from orders settled long ago."""

from datetime import timedelta

import pytest
from orderflow_contracts import topics
from orderflow_contracts.privacy import (
    CustomerDataErased,
    CustomerErasureRequested,
    email_digest,
)
from orderflow_routing.privacy import use_cases
from orderflow_testing.system import TestSystem, eventually

from tests.integration.routing.test_replica_at_start import publish_level
from tests.use_cases.conftest import accepted

pytestmark = pytest.mark.integration


async def _routed(system: TestSystem, start):
    await system.create_topics([])
    await publish_level(await system.bus("inventory"), "MUG-RED", "us-ontario", 5)
    service = await start(system, "routing")
    intake = await system.bus("intake")
    await intake.publish(topics.ORDERS, "o-1", accepted("o-1", email="lin@example.com"))
    await intake.publish(topics.ORDERS, "o-2", accepted("o-2", email="LIN@example.com "))
    await intake.publish(topics.ORDERS, "o-3", accepted("o-3", email="bo@example.org"))
    await intake.flush()
    db = await system.db("routing")
    await eventually(lambda: db.fetchval("SELECT count(*) = 3 FROM decisions"))
    return service, intake, db


async def _buyer(db, order_id: str) -> tuple[str, str, str, str]:
    row = await db.fetchrow(
        "SELECT accepted #>> '{order,customer,name}' AS name,"
        " accepted #>> '{order,customer,email}' AS email,"
        " accepted #>> '{order,ship_to,line1}' AS line1,"
        " accepted #>> '{order,ship_to,country}' AS country FROM orders WHERE order_id = $1",
        order_id,
    )
    return tuple(row)


async def test_an_erasure_empties_the_buyer_of_each_order_and_answers_once(
    system: TestSystem, start
) -> None:
    _, intake, db = await _routed(system, start)
    request = CustomerErasureRequested(
        erasure_id="e-1",
        email_digest=email_digest("lin@example.com"),
        order_ids=("o-1",),
        requested_at="2026-12-05T12:00:00Z",
    )

    envelope = await intake.publish(topics.PRIVACY_ERASURES, "e-1", request)
    await intake.publish_raw(topics.PRIVACY_ERASURES, "e-1", envelope.to_bytes())
    await intake.flush()

    [answer] = [
        m.event
        for m in await system.read(topics.PRIVACY_ERASURES, until=lambda seen: len(seen) >= 3)
        if isinstance(m.event, CustomerDataErased)
    ]
    assert answer == CustomerDataErased(erasure_id="e-1", service="routing", counts={"orders": 2})
    assert await _buyer(db, "o-1") == ("", "", "", "US")
    assert await _buyer(db, "o-2") == ("", "", "", "US")  # the same e-mail, not listed by intake
    assert await _buyer(db, "o-3") == ("Lin", "bo@example.org", "1 Main St", "US")


async def test_the_retention_purge_empties_orders_settled_long_ago(
    system: TestSystem, start
) -> None:
    service, _, db = await _routed(system, start)
    await db.execute(
        "UPDATE orders SET status = 'reserved', updated_at = now() - interval '91 days'"
        " WHERE order_id = 'o-1'"
    )
    await db.execute("UPDATE orders SET status = 'reserved' WHERE order_id = 'o-2'")

    async with service.unit_of_work() as uow:
        purged = await use_cases.purge_expired(uow, timedelta(days=90))
    async with service.unit_of_work() as uow:
        again = await use_cases.purge_expired(uow, timedelta(days=90))

    assert (purged, again) == (1, 0)
    assert await _buyer(db, "o-1") == ("", "", "", "US")
    assert await _buyer(db, "o-2") == ("Lin", "LIN@example.com ", "1 Main St", "US")
