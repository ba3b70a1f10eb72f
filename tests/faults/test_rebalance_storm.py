"""A rebalance storm under load: a service scaled from one process to three (each joins the
group and takes partitions from the others) and back to one (two leave with SIGTERM, and their
partitions move back), while orders flow. Every handover happens mid-batch somewhere: nothing
lost or doubled, no customer told twice, and every service handles events again within
RESUME_BOUND_S of the last handover."""

import asyncio

import pytest
from orderflow_testing.system import eventually

from tests.conftest import SERVICES
from tests.faults.outage import assert_nothing_lost_or_doubled, under_load
from tests.faults.stack import FaultStack

pytestmark = [pytest.mark.e2e, pytest.mark.faults, pytest.mark.timeout(900)]

PEAK = 3  # as many as each topic has partitions


async def storm(stack: FaultStack, service: str) -> None:
    """1 -> PEAK -> 1 processes of `service`, each step once the group has settled."""
    processes = stack.processes
    assert processes is not None
    alone = await asyncio.to_thread(processes.health, service)
    partitions = alone["assigned_partitions"]
    await stack.pause_supervision()  # scale() changes the processes the supervisor walks
    try:
        started = await asyncio.to_thread(processes.scale, service, PEAK)
        await eventually(lambda: _each_holds_some(stack, [service, *started]), timeout_s=60)
        await asyncio.to_thread(processes.scale, service, 1)
        await eventually(lambda: _holds(stack, service, partitions), timeout_s=60, interval_s=0.2)
    finally:
        stack.resume_supervision()


async def _each_holds_some(stack: FaultStack, names: list[str]) -> bool:
    assert stack.processes is not None
    reports = [await asyncio.to_thread(stack.processes.health, name) for name in names]
    return all(report.get("assigned_partitions") for report in reports)


async def _holds(stack: FaultStack, name: str, partitions: object) -> bool:
    assert stack.processes is not None
    report = await asyncio.to_thread(stack.processes.health, name)
    return report.get("assigned_partitions") == partitions


@pytest.mark.parametrize("service", SERVICES)
async def test_a_service_scaled_one_to_three_to_one_under_load_loses_and_doubles_nothing(
    stack: FaultStack, service: str
) -> None:
    await stack.start(as_processes=True)

    outage = await under_load(stack, f"{service} 1 -> {PEAK} -> 1", lambda: storm(stack, service))
    report = await stack.settle(timeout_s=240)

    assert_nothing_lost_or_doubled(stack, report, [outage])
