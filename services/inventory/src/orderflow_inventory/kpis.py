"""Stock KPIs over a trailing window of days, from the counts the store takes."""

import asyncpg
from pydantic import BaseModel, Field

from orderflow_inventory import store
from orderflow_inventory.replenishment import SLOW_MOVER_DAYS


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


def of(figures: dict[str, int], window_days: int) -> InventoryKpis:
    """The KPIs from the counts `store.kpis.figures` takes over the same window."""
    on_hand, shipped = figures["on_hand"], figures["shipped"]
    average_on_hand = (on_hand + (on_hand - figures["on_hand_change"])) / 2
    return InventoryKpis(
        window_days=window_days,
        units_shipped=shipped,
        on_hand=on_hand,
        inventory_turnover=_ratio(shipped, average_on_hand),
        days_of_inventory=_ratio(on_hand, shipped / window_days),
        slow_moving_ratio=_ratio(figures["slow_skus"], figures["skus_in_stock"]),
        stock_out_rate=_ratio(figures["stocked_out"], figures["orders"]),
        oversold_units=figures["oversold"],
        inventory_accuracy=_ratio(figures["exact_counts"], figures["counts"]),
        count_variance_units=figures["variance"],
    )


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


async def for_metrics(conn: asyncpg.Connection, window_days: int = 30) -> dict[str, float | None]:
    """The KPIs over the default window, by name, for /metrics."""
    figures = of(await store.kpis.figures(conn, window_days), window_days)
    return figures.model_dump(exclude={"window_days"})
