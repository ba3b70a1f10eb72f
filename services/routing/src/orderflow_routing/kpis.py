"""Routing's KPIs over a trailing window of days, from its decisions: how often it splits, what
a plan costs, how often it cannot ship, how often it plans again. Each order counts once, by
its latest decision in the window (a re-plan of lines a warehouse rejected is left out: it
plans part of an order). One definition for /kpis and /metrics."""

from datetime import UTC, datetime, timedelta

import asyncpg
from pydantic import BaseModel, Field

from orderflow_routing import store


class RoutingKpis(BaseModel):
    days: int
    orders: int = Field(description="orders with a decision in the window")
    planned: int = Field(description="of them, planned by their latest decision")
    split_rate: float | None = Field(description="planned orders shipping from 2+ locations")
    mean_cost_per_order: float | None = Field(
        description="the planned orders' plan cost (shipping, handling, lateness, capacity,"
        " split), mean"
    )
    unroutable_share: float | None = Field(
        description="orders whose latest decision is unroutable / orders"
    )
    replans: int = Field(
        description="decisions after an order's first: inventory rejected a plan, an operator"
        " released the order, a warehouse rejected lines"
    )


async def of(conn: asyncpg.Connection, days: int) -> RoutingKpis:
    row = await store.kpi_figures(conn, datetime.now(UTC) - timedelta(days=days))
    orders, planned = row["orders"], row["planned"]
    return RoutingKpis(
        days=days,
        orders=orders,
        planned=planned,
        split_rate=_ratio(row["split"], planned),
        mean_cost_per_order=None if row["cost"] is None else round(float(row["cost"]), 4),
        unroutable_share=_ratio(orders - planned, orders),
        replans=row["replans"],
    )


async def for_metrics(conn: asyncpg.Connection, days: int = 7) -> dict[str, float | None]:
    """The KPIs over /kpis's default window, by name, for /metrics."""
    return (await of(conn, days)).model_dump(exclude={"days"})


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
