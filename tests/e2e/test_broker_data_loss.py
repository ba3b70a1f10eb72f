"""The broker is lost with all its data and a new, empty one takes its address: every service's
relay sees another cluster id and publishes again what its outbox keeps, so orders half-way
through the system still finish, once each."""

import pytest
from orderflow_embedded import EmbeddedBroker
from orderflow_testing.infrastructure import Infrastructure
from orderflow_testing.system import TestSystem, eventually

from tests.conftest import run_to_pick_tasks, seller_setup
from tests.e2e.test_broker_crash import publish_orders

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

        fulfillment = await system.db("fulfillment")
        await eventually(
            lambda: fulfillment.fetchval(
                "SELECT count(DISTINCT order_id) = $1 FROM shipments", ORDERS
            ),
            timeout_s=60,
        )
        assert await fulfillment.fetchval("SELECT count(*) FROM shipments") == ORDERS
        inventory = await system.db("inventory")
        assert ORDERS == await inventory.fetchval(
            "SELECT reserved FROM stock WHERE sku = 'MUG-RED' AND location_id = 'us-ontario'"
        )
        for service in ("intake", "routing", "inventory", "fulfillment"):
            database = await system.db(service)
            assert await database.fetchval("SELECT count(*) FROM kafka_cluster") == 1
    finally:
        await system.close()
        if replacement is not None:
            replacement.stop()
        lost.stop()
