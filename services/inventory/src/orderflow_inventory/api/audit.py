"""Who did what through inventory's API: reference data changed, held events applied again."""

from typing import Annotated

from fastapi import APIRouter, Query
from orderflow_runtime import RunningService

from orderflow_inventory import store
from orderflow_inventory.api.schemas import AuditEntry
from orderflow_inventory.store.audit import Filter


def router(service: RunningService) -> APIRouter:
    api = APIRouter()

    @api.get(
        "/audit",
        summary="Operators' actions, newest first: who, when, what, on which SKU or location",
        description="Actions: product.put, location.put, channel_policy.put,"
        " held_events.replay (the request), held_event.replayed (one per held event applied,"
        " by a replay or by the product or location that let it apply). Filters combine.",
    )
    async def audit(
        sku: str | None = None,
        location_id: str | None = None,
        channel: str | None = None,
        actor: str | None = None,
        action: str | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        before_id: Annotated[int | None, Query(ge=1, description="page: ids below this")] = None,
    ) -> list[AuditEntry]:
        wanted = Filter(sku, location_id, channel, actor, action, before_id, limit)
        async with service.pool.acquire() as conn:
            rows = await store.audit.entries(conn, wanted)
        return [AuditEntry(**row) for row in rows]

    return api
