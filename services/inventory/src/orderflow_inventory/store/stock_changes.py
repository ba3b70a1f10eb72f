"""What follows a change of stock, read in one round trip: its SKUs marked for the levels feed
(`levels_due`), and for each catalogued SKU its available units, product and demand, which
the reorder check weighs. Four statements before (the mark, the levels, the products, the
demand): a reservation batch paid each of them."""

from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg
from orderflow_contracts.setup import Product

from orderflow_inventory.replenishment import DEMAND_WINDOW_DAYS, Demand
from orderflow_inventory.store.catalog import product_of
from orderflow_inventory.store.sales import SOLD_IN_WINDOW, demand_of


@dataclass(frozen=True)
class Changed:
    available: int  # summed over the SKU's locations
    product: Product
    demand: Demand


async def mark_changed(conn: asyncpg.Connection, skus: Sequence[str]) -> dict[str, Changed]:
    """Mark `skus` for the levels feed; each one in the catalog, with its stock, as it stands in
    this transaction (consistent across a SKU's locations only under `stock.lock_skus`)."""
    rows = await conn.fetch(
        "WITH marked AS (INSERT INTO levels_due (sku) SELECT unnest($1::text[])"
        "  ON CONFLICT DO NOTHING),"
        " levels AS (SELECT sku, sum(on_hand - reserved)::int AS available FROM stock"
        "  WHERE sku = ANY($1::text[]) GROUP BY sku),"
        f" sold AS ({SOLD_IN_WINDOW})"
        " SELECT sku, l.available, p.tier, p.lead_time_avg_days, p.lead_time_max_days,"
        "  s.units, s.largest, s.days"
        " FROM levels l JOIN products p USING (sku) LEFT JOIN sold s USING (sku)",
        sorted(set(skus)),
        DEMAND_WINDOW_DAYS,
    )
    return {row["sku"]: Changed(row["available"], product_of(row), demand_of(row)) for row in rows}
