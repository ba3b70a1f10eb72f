"""Each service killed after its database transaction committed and before the consumer
committed the batch's offsets: its new process is handed those records again, its inbox drops
every one, and nothing is doubled."""

import pytest

from tests.conftest import SERVICES
from tests.faults.kills import kill_between_commits
from tests.faults.stack import FaultStack

pytestmark = [pytest.mark.e2e, pytest.mark.faults, pytest.mark.timeout(900)]

ATTEMPTS = 3  # the gap is a few hundred milliseconds wide: a kill can land after it


async def hit_the_gap(stack: FaultStack, service: str) -> bool:
    for _ in range(ATTEMPTS):
        if await kill_between_commits(stack, service):
            return True
    return False


async def test_a_crash_between_database_and_offset_commit_doubles_nothing(
    stack: FaultStack,
) -> None:
    await stack.start(as_processes=True)
    hit = {service: await hit_the_gap(stack, service) for service in SERVICES}
    report = await stack.settle(timeout_s=180)

    print(report.table())
    assert all(hit.values()), f"no crash fell between the commits of {hit}"
    assert report.clean, report.table()
    assert report.complete == len(stack.orders)
