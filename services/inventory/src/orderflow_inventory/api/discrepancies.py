"""Goods that shipped beyond what the books had free: where to count."""

from typing import Annotated

from fastapi import APIRouter, Query
from orderflow_runtime import RunningService

from orderflow_inventory import store
from orderflow_inventory.api.dependencies import not_found, require_sku
from orderflow_inventory.api.schemas import LedgerEntry


def router(service: RunningService) -> APIRouter:
    api = APIRouter()

    @api.get(
        "/discrepancies",
        summary="Goods that shipped beyond what the books had free, newest first: count there",
        responses=not_found("the SKU asked for"),
    )
    async def discrepancies(
        sku: str | None = None, limit: Annotated[int, Query(ge=1, le=1000)] = 100
    ) -> list[LedgerEntry]:
        async with service.pool.acquire() as conn:
            if sku is not None:
                await require_sku(conn, sku)
            rows = await store.ledger.discrepancies(conn, sku, limit)
        return [LedgerEntry(**row) for row in rows]

    return api
