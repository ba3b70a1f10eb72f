"""GET /kpis: the numbers the seeds ask operators to watch, over a period."""

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, HTTPException, Query

from orderflow_intake import store
from orderflow_intake.api.schemas import ChannelHour, Kpis, QueueTime, ReasonRate


def create_router(pool: asyncpg.Pool) -> APIRouter:
    router = APIRouter(tags=["kpis"])

    @router.get("/kpis", response_model=Kpis, summary="Orders per channel per hour, exceptions")
    async def kpis(
        since: datetime | None = None,
        until: datetime | None = None,
        hours: Annotated[float, Query(gt=0, le=24 * 366)] = 24,
    ) -> Kpis:
        end = until or datetime.now(UTC)
        start = since or end - timedelta(hours=hours)
        if start.tzinfo is None or end.tzinfo is None:
            raise HTTPException(422, "since and until need a time zone, e.g. 2026-01-01T00:00:00Z")
        if start >= end:
            raise HTTPException(422, "since must be before until")
        return _kpis(await store.kpi_figures(pool, start, end), start, end)

    return router


def _kpis(found: dict[str, Any], start: datetime, end: datetime) -> Kpis:
    total = found["total"]
    waits = found["waits"]
    return Kpis(
        since=start,
        until=end,
        orders=total,
        orders_per_channel_per_hour=[
            ChannelHour(channel=r["channel"], hour=r["hour"], orders=r["orders"])
            for r in found["per_hour"]
        ],
        exception_rate=found["ever_held"] / total if total else 0.0,
        exception_rate_by_reason=[
            ReasonRate(
                reason=r["code"], orders=r["orders"], rate=r["orders"] / total if total else 0.0
            )
            for r in found["by_reason"]
        ],
        time_in_exception_queue=QueueTime(
            resolved=waits["resolved"],
            median_seconds=waits["median_s"],
            p90_seconds=waits["p90_s"],
        ),
        open_holds=found["open_holds"],
    )
