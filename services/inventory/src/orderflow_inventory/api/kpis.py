"""Stock KPIs over a trailing window."""

from typing import Annotated

from fastapi import APIRouter, Query
from orderflow_runtime import RunningService

from orderflow_inventory import kpis, store


def router(service: RunningService) -> APIRouter:
    api = APIRouter()

    @api.get("/kpis", summary="Turnover, days of inventory, slow movers, stock-outs, accuracy")
    async def inventory_kpis(
        window_days: Annotated[int, Query(ge=1, le=365)] = 30,
    ) -> kpis.InventoryKpis:
        async with service.pool.acquire() as conn:
            figures = await store.kpis.figures(conn, window_days)
        return kpis.of(figures, window_days)

    return api
