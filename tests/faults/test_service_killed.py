"""A service process killed with SIGKILL mid-batch, restarted by the supervisor: no order is
lost or doubled, the customer gets each e-mail once, and the service handles events again
within a bound. The short case (inventory, once) runs in `make test`; every service three
times is `make test-faults`."""

import signal
from typing import Any

import pytest
from orderflow_notifications.config import Settings

from tests.conftest import SERVICES
from tests.faults.kills import RESUME_BOUND_S, interrupt_mid_batch, sending_round_under_way
from tests.faults.stack import FaultStack

pytestmark = pytest.mark.e2e


async def kill_and_check(
    stack: FaultStack,
    service: str,
    kills: int,
    burst: int,
    ready: Any = None,
    settle_s: float = 180,
    in_doubt_at_most: int = 0,
) -> None:
    await stack.start(as_processes=True)
    resumed = [
        await interrupt_mid_batch(stack, service, signal.SIGKILL, burst, ready=ready)
        for _ in range(kills)
    ]
    report = await stack.settle(timeout_s=settle_s)

    print(report.table())
    print("resumed after (s):", [round(r.resumed_after_s, 1) for r in resumed])
    assert stack.processes is not None and stack.processes.restarts[service] == kills
    assert report.clean, report.table()
    assert report.in_doubt <= in_doubt_at_most, report.table()
    assert report.complete == len(stack.orders)
    assert all(r.resumed_after_s < RESUME_BOUND_S for r in resumed)


async def test_inventory_killed_mid_batch_loses_and_doubles_nothing(stack: FaultStack) -> None:
    await kill_and_check(stack, "inventory", kills=1, burst=10)


@pytest.mark.faults
@pytest.mark.timeout(600)
@pytest.mark.parametrize("service", [s for s in SERVICES if s != "notifications"])
async def test_a_service_killed_three_times_mid_batch_loses_and_doubles_nothing(
    stack: FaultStack, service: str
) -> None:
    await kill_and_check(stack, service, kills=3, burst=15)


@pytest.mark.faults
@pytest.mark.timeout(600)
async def test_notifications_killed_three_times_mid_sending_round_loses_nothing_it_never_began(
    stack: FaultStack,
) -> None:
    """At most once means a mail in flight when its sender dies is never sent again: at most
    one per SMTP session per kill never reaches the customer (flagged for an operator), what
    the dead round sent stays sent, and what it had taken but not begun goes out once its
    lease ends."""
    await kill_and_check(
        stack,
        "notifications",
        kills=3,
        burst=15,
        ready=sending_round_under_way,
        in_doubt_at_most=3 * Settings(database_url="postgresql://unused").smtp_sessions,
    )
