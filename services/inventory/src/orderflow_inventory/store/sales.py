"""Units shipped per SKU per day (`daily_sales`): the demand replenishment plans from."""

from collections.abc import Sequence
from datetime import date

import asyncpg

from orderflow_inventory.replenishment import DEMAND_WINDOW_DAYS, Demand


async def record(conn: asyncpg.Connection, shipped: Sequence[tuple[str, int]], day: date) -> None:
    await conn.execute(
        "INSERT INTO daily_sales AS d (sku, day, units)"
        " SELECT sku, $3, units FROM unnest($1::text[], $2::int[]) AS s(sku, units)"
        " ON CONFLICT (sku, day) DO UPDATE SET units = d.units + EXCLUDED.units",
        [sku for sku, _ in shipped],
        [units for _, units in shipped],
        day,
    )


# Units and the largest day over the window of the SKUs in $1 that sold in it, and the days
# since each one's first sale; $2 is the window in days.
SOLD_IN_WINDOW = (
    "SELECT sku, sum(units)::int AS units, max(units) AS largest,"
    " current_date - (SELECT min(day) FROM daily_sales f WHERE f.sku = w.sku) + 1 AS days"
    " FROM daily_sales w"
    " WHERE sku = ANY($1::text[]) AND day > current_date - $2::int GROUP BY sku"
)


async def demand(conn: asyncpg.Connection, skus: Sequence[str]) -> dict[str, Demand]:
    """Average and largest daily sales over the window, for the SKUs that sold in it; the
    average counts the days since the SKU's first sale, at most the window (`Demand.in_window`)."""
    rows = await conn.fetch(SOLD_IN_WINDOW, list(skus), DEMAND_WINDOW_DAYS)
    return {row["sku"]: demand_of(row) for row in rows}


def demand_of(row: asyncpg.Record) -> Demand:
    """A row of SOLD_IN_WINDOW as the SKU's demand; a SKU without a row sold nothing."""
    if row["units"] is None:
        return Demand(0, 0)
    return Demand.in_window(row["units"], row["largest"], row["days"], DEMAND_WINDOW_DAYS)
