"""Replenishment alerts: reorder points reached and slow movers."""

from typing import Annotated

from fastapi import APIRouter, Query
from orderflow_runtime import RunningService

from orderflow_inventory import store
from orderflow_inventory.api.dependencies import not_found, require_sku
from orderflow_inventory.api.schemas import Alert


def router(service: RunningService) -> APIRouter:
    api = APIRouter()

    @api.get(
        "/alerts",
        summary="Reorder-point and slow-mover alerts, newest first",
        responses=not_found("the SKU asked for"),
    )
    async def alerts(
        sku: str | None = None,
        kind: Annotated[str | None, Query(pattern="^(reorder_point|slow_mover)$")] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[Alert]:
        async with service.pool.acquire() as conn:
            if sku is not None:
                await require_sku(conn, sku)
            rows = await store.alerts.listed(conn, sku, kind, limit)
        return [Alert(**row) for row in rows]

    return api
