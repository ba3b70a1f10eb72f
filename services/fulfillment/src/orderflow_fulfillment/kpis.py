"""Ship KPIs over a trailing window of days: the on-time ship rate, order-to-ship time p50 and
p90, and how many shipments not shipped yet are at risk. One definition for /kpis and /metrics."""

from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from pydantic import BaseModel, Field

from orderflow_fulfillment import store

AT_RISK_PERCENT = 80  # of the time from placement to ship-by: the 80% escalation


class ShipKpis(BaseModel):
    days: int
    channel: str | None = Field(default=None, description="the marketplace; none: all of them")
    shipped: int
    on_time_ship_rate: float | None = Field(
        description="shipped by their ship-by, of those with one"
    )
    order_to_ship_p50_hours: float | None
    order_to_ship_p90_hours: float | None
    at_risk: int = Field(
        description=f"not shipped yet, at least {AT_RISK_PERCENT}% of their time to ship-by used"
    )
    late: int = Field(description="not shipped yet, past their ship-by")


async def of(conn: asyncpg.Connection, days: int, channel: str | None = None) -> ShipKpis:
    now = datetime.now(UTC)
    row = await store.ship_kpis(conn, now - timedelta(days=days), channel)
    risky = await store.at_risk(conn, now, AT_RISK_PERCENT, channel)
    return ShipKpis(
        days=days,
        channel=channel,
        shipped=row["shipped"],
        on_time_ship_rate=_float(row["on_time_rate"]),
        order_to_ship_p50_hours=_float(row["order_to_ship_p50_hours"]),
        order_to_ship_p90_hours=_float(row["order_to_ship_p90_hours"]),
        at_risk=len(risky),
        late=sum(1 for shipment in risky if shipment["ship_by"] <= now),  # as /shipments/late
    )


async def for_metrics(conn: asyncpg.Connection, days: int = 7) -> dict[str, float | None]:
    """The KPIs over /kpis's default window, by name, for /metrics."""
    return (await of(conn, days)).model_dump(exclude={"days", "channel"})


def _float(value: Any) -> float | None:
    return None if value is None else round(float(value), 4)
