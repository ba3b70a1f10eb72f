"""How well customers are told, over a trailing window of hours."""

import asyncpg
from pydantic import BaseModel, Field

from orderflow_notifications import store


class NotificationKpis(BaseModel):
    window_hours: float
    queued: int
    sent: int
    unreachable: int = Field(description="no channel reaches the customer")
    failed: int = Field(description="given up after retries, or left in doubt by a crash")
    suppressed: int = Field(description="the customer opted out")
    sent_share: float | None = Field(description="sent / queued")
    unreachable_share: float | None = Field(description="unreachable / queued")
    time_to_tell_p50_s: float | None = Field(
        description="from the news queued to the message out, median (with the merge window)"
    )
    time_to_tell_p90_s: float | None


async def over(conn: asyncpg.Connection, hours: float) -> NotificationKpis:
    row = await store.kpi_figures(conn, hours)
    queued = row["queued"]
    return NotificationKpis(
        window_hours=hours,
        queued=queued,
        sent=row["sent"],
        unreachable=row["unreachable"],
        failed=row["failed"],
        suppressed=row["suppressed"],
        sent_share=round(row["sent"] / queued, 4) if queued else None,
        unreachable_share=round(row["unreachable"] / queued, 4) if queued else None,
        time_to_tell_p50_s=row["told_p50_s"],
        time_to_tell_p90_s=row["told_p90_s"],
    )


async def for_metrics(conn: asyncpg.Connection) -> dict[str, float | None]:
    """The KPIs over the last 24 hours, by name, for /metrics."""
    return (await over(conn, 24)).model_dump(exclude={"window_hours"})
