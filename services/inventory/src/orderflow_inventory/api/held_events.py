"""Warehouse stock events held with the reason they could not be applied, and their replay."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException
from orderflow_runtime import RunningService
from orderflow_runtime.http import Actor

from orderflow_inventory import store
from orderflow_inventory.api.dependencies import held_count, not_found
from orderflow_inventory.api.schemas import Replayed
from orderflow_inventory.use_cases import operator_actions


def router(service: RunningService) -> APIRouter:
    api = APIRouter()

    @api.get("/held-events", summary="Warehouse stock events waiting, with the reason")
    async def held_events(include_replayed: bool = False) -> list[dict[str, Any]]:
        async with service.pool.acquire() as conn:
            return await store.held_events.listed(conn, open_only=not include_replayed)

    @api.post(
        "/held-events/replay",
        summary="Apply held events again (all that can, or these)",
        description="Audited with the actor: one entry for the request, one per held event"
        " applied (with its SKU and location).",
        responses=not_found("A held event"),
    )
    async def replay(
        actor: Actor, ids: Annotated[list[int] | None, Body(embed=True)] = None
    ) -> Replayed:
        async with service.unit_of_work() as uow:
            if ids and (missing := await store.held_events.not_waiting(uow.conn, ids)):
                raise HTTPException(404, f"no held event waits with id {missing}")
            replayed = await operator_actions.replay(uow, ids, actor)
        return Replayed(replayed=len(replayed), still_held=await held_count(service))

    return api
