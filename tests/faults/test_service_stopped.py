"""SIGTERM to each service in turn while it works through a long batch: it stops within a
bound and exits cleanly, the supervisor starts it again, and nothing is lost or doubled."""

import signal

import pytest

from tests.conftest import SERVICES
from tests.faults.kills import RESUME_BOUND_S, interrupt_mid_batch, sending_round_under_way
from tests.faults.stack import FaultStack

pytestmark = [pytest.mark.e2e, pytest.mark.faults, pytest.mark.timeout(900)]

# notifications' batch is its sending round as much as its consumer's poll
READY = {"notifications": sending_round_under_way}
BURST = 120  # one poll takes up to 500: a long batch for whichever service is signalled
STOP_BOUND_S = 15  # the service's own stop gives each closer 10 s


async def test_each_service_stopped_mid_batch_loses_and_doubles_nothing(
    stack: FaultStack,
) -> None:
    await stack.start(as_processes=True)
    stopped = [
        await interrupt_mid_batch(stack, service, signal.SIGTERM, BURST, ready=READY.get(service))
        for service in SERVICES
    ]
    report = await stack.settle(timeout_s=240)

    print(report.table())
    for stop in stopped:
        print(stop)
    assert report.clean, report.table()
    assert report.complete == len(stack.orders)
    assert [stop.exit_code for stop in stopped] == [0] * len(SERVICES)
    assert all(stop.exited_after_s < STOP_BOUND_S for stop in stopped), stopped
    assert all(stop.resumed_after_s < RESUME_BOUND_S for stop in stopped), stopped
