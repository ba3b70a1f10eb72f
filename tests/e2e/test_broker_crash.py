"""The broker is killed (-9) while orders are on their way and restarted on its data: every
order still becomes exactly one pick task, and stock is reserved once per order."""

import asyncio
from collections import Counter

import pytest
from orderflow_contracts import topics
from orderflow_embedded import EmbeddedBroker
from orderflow_testing.infrastructure import Infrastructure
from orderflow_testing.system import TestSystem

from tests.conftest import assert_each_order_shipped_once, publish_orders, run_to_pick_tasks

pytestmark = pytest.mark.e2e

BEFORE_CRASH, AFTER_RESTART = 20, 20


async def test_a_killed_broker_restarted_on_its_data_loses_and_doubles_nothing(
    infrastructure: Infrastructure, tmp_path
) -> None:
    broker = EmbeddedBroker(data_dir=tmp_path / "kafka").start()
    system = TestSystem(
        Infrastructure(broker.bootstrap_servers, infrastructure.postgres_url, "own")
    )
    try:
        await run_to_pick_tasks(system, mug_red_at_ontario=100)
        await publish_orders(system, range(1, BEFORE_CRASH + 1))

        broker.kill()  # some orders are half-way: in a relay's batch, a consumer's poll
        await asyncio.sleep(1)
        broker.start()
        await publish_orders(system, range(BEFORE_CRASH + 1, BEFORE_CRASH + AFTER_RESTART + 1))

        orders = BEFORE_CRASH + AFTER_RESTART
        await assert_each_order_shipped_once(system, orders)
        tasks = await system.read(
            topics.pick_tasks("us-ontario"),
            until=lambda seen: len({m.envelope.correlation_id for m in seen}) >= orders,
        )
        # A relay that lost its broker mid-batch sends the batch again: the same event twice
        # on the topic is allowed (consumers drop it by event id); two tasks for one order not.
        distinct_tasks = {m.envelope.event_id: m.event for m in tasks if m.envelope}
        tasks_per_order = Counter(task.order_id for task in distinct_tasks.values())
        assert len(tasks_per_order) == orders
        assert set(tasks_per_order.values()) == {1}
    finally:
        await system.close()
        broker.stop()
