"""The broker is lost with all its data and a new, empty one takes its address: every service's
relay sees another cluster id and publishes again what its outbox keeps, so orders half-way
through the system still finish, once each."""

import pytest
from orderflow_embedded import EmbeddedBroker
from orderflow_runtime.kafka import cluster_id
from orderflow_testing.infrastructure import Infrastructure
from orderflow_testing.system import TestSystem, eventually

from tests.conftest import (
    assert_each_order_shipped_once,
    publish_orders,
    run_to_pick_tasks,
    seller_setup,
)

pytestmark = pytest.mark.e2e

ORDERS = 10


async def test_orders_half_way_finish_once_on_a_new_empty_broker(
    infrastructure: Infrastructure, tmp_path
) -> None:
    lost = EmbeddedBroker(data_dir=tmp_path / "lost").start()
    system = TestSystem(Infrastructure(lost.bootstrap_servers, infrastructure.postgres_url, "own"))
    replacement = None
    try:
        await run_to_pick_tasks(system, mug_red_at_ontario=100, cluster_check_interval_s=0.5)
        await publish_orders(system, range(1, ORDERS + 1))
        intake = await system.db("intake")
        await eventually(lambda: intake.fetchval("SELECT count(*) = $1 FROM orders", ORDERS))

        lost.kill()  # and its data with it: the new broker starts on an empty folder
        replacement = EmbeddedBroker(
            data_dir=tmp_path / "new", port=lost.port, controller_port=lost.controller_port
        ).start()
        await system.create_topics([location.location_id for location in seller_setup().locations])

        await assert_each_order_shipped_once(system, ORDERS)
        new_cluster = await cluster_id(replacement.bootstrap_servers)
        for service in ("intake", "routing", "inventory", "fulfillment"):
            database = await system.db(service)
            assert await database.fetchval("SELECT cluster_id FROM kafka_cluster") == new_cluster
    finally:
        await system.close()
        if replacement is not None:
            replacement.stop()
        lost.stop()
