"""PostgreSQL fails under load: the server stopped with `pg_ctl stop -m immediate` and started
again on its data (crash recovery), and every connection of the services cut with
pg_terminate_backend. Nothing lost or doubled, no customer told twice, and every service handles
events again within RESUME_BOUND_S. The cut connections (shared server, ~30 s) run in
`make test`; the restart needs a server of the test's own and is `make test-faults`."""

import asyncio

import pytest

from tests.faults.outage import (
    assert_nothing_lost_or_doubled,
    cut_every_connection,
    under_load,
)
from tests.faults.stack import FaultStack

pytestmark = pytest.mark.e2e

CUTS = 3


async def test_every_database_connection_cut_mid_load_loses_and_doubles_nothing(
    stack: FaultStack,
) -> None:
    await stack.start(as_processes=True)
    cut: list[int] = []

    async def cut_three_times() -> None:
        for _ in range(CUTS):
            cut.append(await cut_every_connection(stack.system))
            await asyncio.sleep(0.5)  # let them reconnect and be mid-work again

    outage = await under_load(stack, "connections cut", cut_three_times)
    report = await stack.settle(timeout_s=180)

    assert all(cut), cut
    assert_nothing_lost_or_doubled(stack, report, [outage], faults=CUTS)


@pytest.mark.faults
@pytest.mark.timeout(900)
async def test_postgres_restarted_immediately_mid_load_loses_and_doubles_nothing(
    own_stack: FaultStack,
) -> None:
    assert own_stack.own is not None
    await own_stack.start(as_processes=True)

    outage = await under_load(
        own_stack, "PostgreSQL immediate restart", own_stack.own.restart_postgres
    )
    report = await own_stack.settle(timeout_s=240)

    assert_nothing_lost_or_doubled(own_stack, report, [outage])
