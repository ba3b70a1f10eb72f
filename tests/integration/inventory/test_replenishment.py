"""Replenishment's demand, read from inventory's real PostgreSQL."""

import pytest
from orderflow_inventory.replenishment import DEMAND_WINDOW_DAYS
from orderflow_inventory.store import sales
from orderflow_testing.system import TestSystem

pytestmark = pytest.mark.integration


async def test_average_demand_counts_the_days_since_the_first_sale_at_most_the_window(
    system: TestSystem, start
) -> None:
    service = await start(system, "inventory")
    async with service.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO daily_sales (sku, day, units) VALUES"
            " ('MUG-RED', current_date - 2, 6), ('MUG-RED', current_date, 3),"  # since 3 days
            " ('LAMP-DESK', current_date - 100, 50), ('LAMP-DESK', current_date - 1, 28)"
        )
        demand = await sales.demand(conn, ["MUG-RED", "LAMP-DESK", "MUG-BLUE"])
    assert (demand["MUG-RED"].average_daily, demand["MUG-RED"].max_daily) == (3, 6)
    assert demand["LAMP-DESK"].average_daily == 28 / DEMAND_WINDOW_DAYS
    assert "MUG-BLUE" not in demand  # no sale in the window: no demand
