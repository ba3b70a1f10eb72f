"""routing's HTTP API: why each order ships from where it does, or why it could not ship."""

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query
from orderflow_runtime import RunningService
from pydantic import BaseModel, Field

from orderflow_routing import store

Outcome = Literal["planned", "unroutable"]


class DecisionView(BaseModel):
    order_id: str
    attempt: int
    outcome: Outcome
    reason: str
    candidates: list[dict[str, str]] = Field(
        description="every location considered: whether it holds every line, its cheapest"
        " carrier service to the destination and that service's cost"
    )
    chosen: list[dict[str, Any]] = Field(description="the shipments planned; empty if none")
    rejected_by_inventory: list[dict[str, Any]] = Field(
        default=[], description="the shortages inventory answered this plan with, if it did"
    )
    decided_at: datetime


class OrderDecisions(BaseModel):
    order_id: str
    status: Literal["planned", "reserved", "unroutable"]
    attempt: int = Field(description="the latest attempt")
    decisions: list[DecisionView] = Field(description="every attempt, oldest first")


def router(service: RunningService) -> APIRouter:
    api = APIRouter(tags=["decisions"])

    @api.get(
        "/orders/{order_id}/decisions",
        summary="Every routing decision for one order, oldest first",
        responses={404: {"description": "routing has not seen this order"}},
    )
    async def decisions_of_order(order_id: str) -> OrderDecisions:
        async with service.pool.acquire() as conn:
            known = await store.order_status(conn, order_id)
            if known is None:
                raise HTTPException(404, f"routing has not seen order {order_id}")
            rows = await store.decisions_of(conn, order_id)
        status, attempt = known
        return OrderDecisions(
            order_id=order_id, status=status, attempt=attempt, decisions=[_view(r) for r in rows]
        )

    @api.get("/decisions", summary="The latest decisions, newest first")
    async def latest_decisions(
        outcome: Outcome | None = None, limit: int = Query(50, ge=1, le=500)
    ) -> list[DecisionView]:
        async with service.pool.acquire() as conn:
            rows = await store.latest_decisions(conn, outcome, limit)
        return [_view(row) for row in rows]

    return api


def _view(decision: store.StoredDecision) -> DecisionView:
    explanation = decision.explanation
    return DecisionView(
        order_id=decision.order_id,
        attempt=decision.attempt,
        outcome=decision.outcome,
        reason=explanation.get("reason", ""),
        candidates=explanation.get("candidates", []),
        chosen=explanation.get("chosen", []),
        rejected_by_inventory=explanation.get("rejected_by_inventory", []),
        decided_at=decision.decided_at,
    )
