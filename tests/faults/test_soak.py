"""`make soak` (not CI): SOAK_MINUTES (20) of faults drawn at random (tests/faults/soak.py's menu:
service kills and stops, relay crashes before and after send, rebalance storms, PostgreSQL
connections cut and immediate restarts, broker frozen, killed and replaced by an empty one)
under a steady load, one every 15-45 s, on a broker and PostgreSQL of the test's own. Then the
checker's table, and the faults' with how soon every service handled events again after each:
nothing lost or doubled, no customer told twice beyond the in-flight bound per fault."""

import os
import random

import pytest

from tests.faults.outage import assert_nothing_lost_or_doubled
from tests.faults.soak import Load, Soak
from tests.faults.stack import FaultStack

MINUTES = float(os.environ.get("SOAK_MINUTES", "20"))
SEED = int(os.environ.get("SOAK_SEED", random.randrange(1_000_000)))
RATE = float(os.environ.get("SOAK_RATE", "5"))  # orders a second

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.faults,
    pytest.mark.soak,
    pytest.mark.timeout(int(MINUTES * 60) + 1800),
]


async def test_random_faults_under_load_lose_and_double_nothing(own_stack: FaultStack) -> None:
    await own_stack.start(as_processes=True, settings={"CLUSTER_CHECK_INTERVAL_S": "2"})
    load = Load(own_stack, RATE)
    soak = Soak(own_stack, load, random.Random(SEED))
    load.start()
    try:
        await soak.run(MINUTES * 60, pause_s=(15, 45))
    finally:
        await load.stop()
    report = await own_stack.settle(timeout_s=600)

    print(f"\nsoak: {MINUTES:g} min, seed {SEED}, {RATE:g} orders/s, {len(soak.outages)} faults")
    print(soak.table())
    assert_nothing_lost_or_doubled(own_stack, report, soak.outages, faults=len(soak.outages))
