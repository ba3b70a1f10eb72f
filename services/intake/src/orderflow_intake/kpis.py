"""intake's KPIs on /metrics (orderflow_kpi{kpi=...}): over the last 24 hours, as GET /kpis
answers by default, the orders received, the exception rate overall and by reason
(exception_rate.<reason>), and the holds open now."""

from datetime import UTC, datetime, timedelta

import asyncpg

from orderflow_intake import store

WINDOW = timedelta(hours=24)  # GET /kpis's default period


async def for_metrics(conn: asyncpg.Connection) -> dict[str, float | None]:
    until = datetime.now(UTC)
    found = await store.kpi_figures(conn, until - WINDOW, until)
    total = found["total"]

    def share(orders: int) -> float | None:
        return orders / total if total else None

    figures: dict[str, float | None] = {
        "orders": total,
        "exception_rate": share(found["ever_held"]),
        "open_holds": found["open_holds"],
    }
    for row in found["by_reason"]:
        figures[f"exception_rate.{row['code']}"] = share(row["orders"])
    return figures
