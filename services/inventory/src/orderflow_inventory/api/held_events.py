"""Warehouse stock events held with the reason they could not be applied, and their replay."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException
from orderflow_runtime import RunningService

from orderflow_inventory import store, use_cases
from orderflow_inventory.api.dependencies import held_count, not_found
from orderflow_inventory.api.schemas import Replayed


def router(service: RunningService) -> APIRouter:
    api = APIRouter()

    @api.get("/held-events", summary="Warehouse stock events waiting, with the reason")
    async def held_events(include_replayed: bool = False) -> list[dict[str, Any]]:
        async with service.pool.acquire() as conn:
            return await store.held_events.listed(conn, open_only=not include_replayed)

    @api.post(
        "/held-events/replay",
        summary="Apply held events again (all that can, or these)",
        responses=not_found("A held event"),
    )
    async def replay(ids: Annotated[list[int] | None, Body(embed=True)] = None) -> Replayed:
        async with service.unit_of_work() as uow:
            if ids and (missing := await store.held_events.not_waiting(uow.conn, ids)):
                raise HTTPException(404, f"no held event waits with id {missing}")
            replayed = await use_cases.replay_held(uow, ids)
        return Replayed(replayed=replayed, still_held=await held_count(service))

    return api
