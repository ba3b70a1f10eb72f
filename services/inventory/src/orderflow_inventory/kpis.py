"""Stock KPIs from inventory's own tables, over a trailing window of days."""

import asyncpg
from pydantic import BaseModel, Field

from orderflow_inventory.planning import SLOW_MOVER_DAYS


class InventoryKpis(BaseModel):
    window_days: int
    units_shipped: int
    on_hand: int
    inventory_turnover: float | None = Field(
        description="units shipped in the window / average units on hand over it"
    )
    days_of_inventory: float | None = Field(
        description="units on hand / average units shipped per day; null without sales"
    )
    slow_moving_ratio: float | None = Field(
        description=f"SKUs in stock without a sale for {SLOW_MOVER_DAYS} days / SKUs in stock"
    )
    stock_out_rate: float | None = Field(
        description="orders none of whose attempts in the window got stock (all rejected, held"
        " or wholly backordered) / orders with an attempt in the window"
    )
    oversold_units: int = Field(
        description="units reserved beyond on hand: 0 by the never_oversold constraint, a canary"
    )
    inventory_accuracy: float | None = Field(
        description="cycle counts that matched the books / cycle counts"
    )
    count_variance_units: int = Field(description="sum of |counted - expected| over counts")


async def compute(conn: asyncpg.Connection, window_days: int) -> InventoryKpis:
    row = await conn.fetchrow(
        "SELECT"
        " (SELECT coalesce(sum(-on_hand_delta), 0) FROM movements"
        "   WHERE kind = 'commit' AND at > now() - make_interval(days => $1))::int AS shipped,"
        " (SELECT coalesce(sum(on_hand_delta), 0) FROM movements"
        "   WHERE at > now() - make_interval(days => $1))::int AS on_hand_change,"
        " (SELECT coalesce(sum(on_hand), 0) FROM stock)::int AS on_hand,"
        " (SELECT coalesce(sum(greatest(reserved - on_hand, 0)), 0) FROM stock)::int AS oversold,"
        " (SELECT count(*) FROM counts WHERE at > now() - make_interval(days => $1)) AS counts,"
        " (SELECT count(*) FROM counts WHERE counted = expected"
        "   AND at > now() - make_interval(days => $1)) AS exact_counts,"
        " (SELECT coalesce(sum(abs(counted - expected)), 0) FROM counts"
        "   WHERE at > now() - make_interval(days => $1))::int AS variance",
        window_days,
    )
    outcomes = await conn.fetchrow(
        "SELECT count(*) AS orders, count(*) FILTER (WHERE NOT got_stock) AS stocked_out FROM ("
        "  SELECT order_id, bool_or(outcome IN ('reserved', 'partial')) AS got_stock"
        "  FROM attempts WHERE at > now() - make_interval(days => $1) GROUP BY order_id) o",
        window_days,
    )
    skus = await conn.fetchrow(
        "SELECT count(*) AS in_stock,"
        " count(*) FILTER (WHERE coalesce(last_day, created) <= current_date - $1::int) AS slow"
        " FROM (SELECT s.sku, (SELECT max(day) FROM daily_sales d WHERE d.sku = s.sku) AS last_day,"
        "  (SELECT created_at::date FROM products p WHERE p.sku = s.sku) AS created"
        "  FROM stock s GROUP BY s.sku HAVING sum(s.on_hand) > 0) k",
        SLOW_MOVER_DAYS,
    )
    on_hand, shipped = row["on_hand"], row["shipped"]
    average_on_hand = (on_hand + (on_hand - row["on_hand_change"])) / 2
    return InventoryKpis(
        window_days=window_days,
        units_shipped=shipped,
        on_hand=on_hand,
        inventory_turnover=_ratio(shipped, average_on_hand),
        days_of_inventory=_ratio(on_hand, shipped / window_days),
        slow_moving_ratio=_ratio(skus["slow"], skus["in_stock"]),
        stock_out_rate=_ratio(outcomes["stocked_out"], outcomes["orders"]),
        oversold_units=row["oversold"],
        inventory_accuracy=_ratio(row["exact_counts"], row["counts"]),
        count_variance_units=row["variance"],
    )


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None
