"""The checker on a run without faults finds every order delivered and told once; made to
happen afterwards, a lost effect, a doubled effect and a doubled e-mail each show."""

import pytest

from tests.faults.stack import FaultStack

pytestmark = pytest.mark.e2e


async def test_a_clean_run_is_clean_and_the_checker_sees_lost_and_doubled_effects(
    stack: FaultStack,
) -> None:
    await stack.start(as_processes=False)
    first, second = await stack.place(2)
    report = await stack.settle(timeout_s=60)
    assert report.clean, report.table()
    assert report.complete == 2
    assert report.emails_received == report.notifications_sent == 4

    fulfillment = await stack.system.db("fulfillment")
    await fulfillment.execute(
        "UPDATE shipments SET status = 'in_transit' WHERE order_id = $1", first.order_id
    )
    await fulfillment.execute(
        "INSERT INTO outbox (topic, key, value, headers, sent_at)"
        " SELECT topic, key, value, headers, now() FROM outbox"
        " WHERE headers->>'type' = 'ShipmentStatusChanged' AND key = $1 LIMIT 1",
        second.order_id,
    )
    stack.smtp.messages.append(stack.smtp.to(second.order_id)[0])

    report = await stack.report()

    print(report.table())
    assert report.lost == {"fulfillment: delivered": 1}
    assert report.stuck == {"partners (in_transit)": 1}
    assert report.duplicates["fulfillment: events emitted per cause"] == 1
    assert report.duplicates["fulfillment: status events per shipment and status"] == 1
    assert report.duplicate_customer_messages == 1
    assert report.stock_mismatches == []  # in transit has left the shelf all the same
    assert not report.clean
