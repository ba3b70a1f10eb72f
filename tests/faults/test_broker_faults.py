"""The broker fails under load, on a broker and PostgreSQL of the test's own: frozen (SIGSTOP)
for 30 s, killed (-9) and restarted on its data, and replaced by an empty one (every topic,
record and committed offset lost). Nothing lost or doubled, no customer told twice, and every
service handles events again within RESUME_BOUND_S of the broker's return. The kill runs in
`make test`; the freeze and the replacement are `make test-faults`."""

import asyncio

import pytest
from orderflow_runtime.kafka import cluster_id
from orderflow_testing.system import eventually

from tests.faults.outage import (
    RESUME_BOUND_S,
    Outage,
    all_grew,
    assert_nothing_lost_or_doubled,
    inbox_counts,
    under_load,
)
from tests.faults.stack import FaultStack

pytestmark = pytest.mark.e2e

FROZEN_S = 30


async def test_broker_killed_and_restarted_on_its_data_mid_load_loses_and_doubles_nothing(
    own_stack: FaultStack,
) -> None:
    own = own_stack.own
    assert own is not None
    await own_stack.start(as_processes=True)

    outage = await under_load(own_stack, "broker kill -9 and restart", own.restart_broker)
    report = await own_stack.settle(timeout_s=240)

    assert_nothing_lost_or_doubled(own_stack, report, [outage])


@pytest.mark.faults
@pytest.mark.timeout(900)
async def test_broker_frozen_for_30_s_mid_load_loses_and_doubles_nothing(
    own_stack: FaultStack,
) -> None:
    own = own_stack.own
    assert own is not None
    await own_stack.start(as_processes=True)

    outage = await under_load(
        own_stack, f"broker SIGSTOP {FROZEN_S} s", lambda: own.freeze_broker(FROZEN_S)
    )
    report = await own_stack.settle(timeout_s=240)

    assert outage.lasted_s >= FROZEN_S
    assert_nothing_lost_or_doubled(own_stack, report, [outage])


BURST = 60  # orders half-way through the services when the broker is lost
AFTER = 20  # orders placed on the new broker
CLUSTER_CHECK_S = 2  # the relays' check for another cluster (30 s by default)


@pytest.mark.faults
@pytest.mark.timeout(900)
async def test_broker_replaced_by_an_empty_one_is_re_driven_from_the_outboxes(
    own_stack: FaultStack,
) -> None:
    """What only the lost broker held and no outbox keeps (orders a marketplace published that
    intake had not read) is lost with it: the test waits until intake has every order, then
    loses the broker while the rest of the way is under way. The relays see another cluster id
    and publish every row their outboxes keep (72 h) again; every consumer group, the partners'
    too, starts over from the earliest record, and inboxes drop what was already handled. The
    simulated partners stop before and start after: see FaultStack.replace_broker."""
    own = own_stack.own
    assert own is not None
    await own_stack.start(
        as_processes=True, settings={"CLUSTER_CHECK_INTERVAL_S": str(CLUSTER_CHECK_S)}
    )
    placed = [order.order_id for order in await own_stack.place(BURST)]
    intake = await own_stack.system.db("intake")
    await eventually(
        lambda: intake.fetchval("SELECT count(*) = $1 FROM orders WHERE order_id = ANY($2)",
                                len(placed), placed),
        timeout_s=60,
    )  # fmt: skip
    told_before = await own_stack.delivered_and_told()
    lost_cluster = await cluster_id(own.broker.bootstrap_servers)
    loop = asyncio.get_running_loop()

    started = loop.time()
    await own_stack.replace_broker()
    ended = loop.time()
    before = await eventually(lambda: inbox_counts(own_stack), timeout_s=30)
    await own_stack.place(AFTER)
    await eventually(lambda: all_grew(own_stack, before), timeout_s=RESUME_BOUND_S)
    outage = Outage("broker replaced by an empty one", ended - started, loop.time() - ended)
    report = await own_stack.settle(timeout_s=300)

    new_cluster = await cluster_id(own.broker.bootstrap_servers)
    assert new_cluster != lost_cluster
    for service in ("intake", "routing", "inventory", "fulfillment", "notifications"):
        database = await own_stack.system.db(service)
        assert await database.fetchval("SELECT cluster_id FROM kafka_cluster") == new_cluster
    print("orders told before the broker was lost:", told_before, "of", BURST)
    assert told_before < BURST, "every order was done before the broker was lost"
    assert_nothing_lost_or_doubled(own_stack, report, [outage])
