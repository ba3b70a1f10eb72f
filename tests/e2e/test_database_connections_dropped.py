"""Every service's PostgreSQL connections are cut (pg_terminate_backend) three times while
orders are on their way: each order still becomes exactly one shipment, reserved once."""

import asyncio

import asyncpg
import pytest
from orderflow_testing.system import TestSystem

from tests.conftest import assert_each_order_shipped_once, publish_orders, run_to_pick_tasks

pytestmark = pytest.mark.e2e

ORDERS = 30


async def cut_every_connection(system: TestSystem) -> int:
    conn = await asyncpg.connect(system.infrastructure.postgres_url)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname LIKE $1 AND pid <> pg_backend_pid()",
                f"{system.namespace}_%",
            )
        )
    finally:
        await conn.close()


async def test_orders_finish_once_though_every_database_connection_is_cut(
    system: TestSystem,
) -> None:
    await run_to_pick_tasks(system, mug_red_at_ontario=100)
    publishing = asyncio.create_task(publish_orders(system, range(1, ORDERS + 1)))
    cut = 0
    for _ in range(3):
        await asyncio.sleep(0.3)
        cut += await cut_every_connection(system)
    await publishing
    assert cut > 0

    await assert_each_order_shipped_once(system, ORDERS)
