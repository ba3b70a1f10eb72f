"""A service killed (-9) at the two moments of its relay that matter, held there exactly from its
own database (tests/faults/relay.py says how): before it produced a batch, and after the broker
acknowledged every record of it but before it marked the rows sent. What was never produced is
published by the new process, once; what was produced and not marked is published again, and
every consumer (the warehouse for fulfillment's pick tasks: a partner without an inbox) treats
the copy as a no-op (the checker finds no doubled effect; the test reads each event of the held
batch twice on its topic). Fulfillment after send runs in `make test`; the rest is `make test-faults`."""

import pytest

from tests.faults.kills import RESUME_BOUND_S
from tests.faults.outage import IN_DOUBT_PER_FAULT
from tests.faults.relay import kill_relay
from tests.faults.stack import FaultStack

pytestmark = pytest.mark.e2e

POINTS = ("before send", "after send")


async def crash_and_check(stack: FaultStack, service: str, points: tuple[str, ...]) -> None:
    await stack.start(as_processes=True)
    crashes = [await kill_relay(stack, service, point) for point in points]
    report = await stack.settle(timeout_s=180)

    print(report.table())
    for crash in crashes:
        print(crash)
    assert all(crash.rows_held > 0 for crash in crashes), crashes
    assert report.clean, report.table()
    assert report.complete == len(stack.orders)
    # killing notifications kills its sender too: the mails in flight stay unconfirmed
    assert report.in_doubt <= len(crashes) * IN_DOUBT_PER_FAULT, report.table()
    assert all(crash.resumed_after_s < RESUME_BOUND_S for crash in crashes), crashes
    # after send: kill_relay saw each event of the held batch twice on its topic
    assert all(crash.batch > 0 for crash in crashes if crash.point == "after send"), crashes


async def test_fulfillment_killed_after_its_relay_sent_a_batch_doubles_nothing(
    stack: FaultStack,
) -> None:
    await crash_and_check(stack, "fulfillment", ("after send",))


@pytest.mark.faults
@pytest.mark.timeout(900)
@pytest.mark.parametrize(
    "service", ["intake", "routing", "inventory", "fulfillment", "notifications"]
)
async def test_a_service_killed_before_and_after_its_relay_sends_loses_and_doubles_nothing(
    stack: FaultStack, service: str
) -> None:
    await crash_and_check(stack, service, POINTS)
