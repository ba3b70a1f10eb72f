"""The ledger of one SKU, and the proof that replaying the whole ledger gives the balances."""

from typing import Annotated

from fastapi import APIRouter, Query
from orderflow_runtime import RunningService

from orderflow_inventory import store
from orderflow_inventory.api.dependencies import not_found, require_location, require_sku
from orderflow_inventory.api.schemas import LedgerEntry, Reconciliation


def router(service: RunningService) -> APIRouter:
    api = APIRouter()
    pool = service.pool

    @api.get(
        "/ledger/{sku}",
        summary="A SKU's movements, newest first",
        responses=not_found("the SKU, or the location asked for,"),
    )
    async def ledger_of_sku(
        sku: str,
        location_id: str | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        before_id: Annotated[int | None, Query(ge=1, description="page: ids below this")] = None,
    ) -> list[LedgerEntry]:
        async with pool.acquire() as conn:
            await require_sku(conn, sku)
            if location_id is not None:
                await require_location(conn, location_id)
            rows = await store.ledger.of_sku(conn, sku, location_id, limit, before_id)
        return [LedgerEntry(**row) for row in rows]

    @api.get("/reconciliation", summary="Proof that the ledger's replay equals the balances")
    async def reconciliation() -> Reconciliation:
        async with pool.acquire() as conn:
            differences = await store.ledger.reconcile(conn)
        return Reconciliation(balanced=not differences, differences=differences)

    return api
