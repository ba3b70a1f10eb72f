"""routing's HTTP API: why each order ships from where it does, or why it could not ship."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from orderflow_runtime import RunningService
from pydantic import BaseModel, Field

from orderflow_routing import kpis, reference_api, store
from orderflow_routing.use_cases import References

Outcome = Literal["planned", "unroutable"]


class DecisionView(BaseModel):
    order_id: str
    attempt: int
    outcome: Outcome
    reason: str
    candidates: list[dict[str, str]] = Field(
        description="every location: whether it holds every line, why it is excluded (channel,"
        " no allowed service to the destination, at capacity today), its best carrier service"
        " for the whole order and that shipment's cost parts"
    )
    plans: list[dict[str, Any]] = Field(
        default=[],
        description="every location set tried, best first: its shipments with their services"
        " and cost parts (shipping, handling, lateness, capacity, split, total), and why it won,"
        " lost (by how much) or could not ship",
    )
    plans_tried: int = Field(
        default=0, description="every plan tried; beyond the exact search only the best 40 are kept"
    )
    method: str = Field(default="", description="exact, heuristic (and a greedy cover)")
    total: str = Field(default="", description="the chosen plan's total cost")
    reference_version: int | None = Field(
        default=None, description="the reference data version the decision used"
    )
    chosen: list[dict[str, Any]] = Field(description="the shipments planned; empty if none")
    rejected_by_inventory: list[dict[str, Any]] = Field(
        default=[], description="the shortages inventory answered this plan with, if it did"
    )
    unconfirmed_replica_says: str = Field(
        default="",
        description="a plan sent although routing's stock replica, which may lag inventory,"
        " covers none: what the replica says (inventory's answer decides); empty otherwise",
    )
    decided_at: datetime


class OrderDecisions(BaseModel):
    order_id: str
    status: Literal["planned", "reserved", "unroutable"]
    attempt: int = Field(description="the latest attempt")
    decisions: list[DecisionView] = Field(description="every attempt, oldest first")


def router(service: RunningService, references: References | None = None) -> APIRouter:
    api = APIRouter()
    api.include_router(_decisions(service))
    if references is not None:
        api.include_router(reference_api.router(service, references))
    return api


def _decisions(service: RunningService) -> APIRouter:
    api = APIRouter(tags=["decisions"])

    @api.get(
        "/orders/{order_id}/decisions",
        summary="Every routing decision for one order, oldest first",
        responses={404: {"description": "routing has not seen this order"}},
    )
    @api.get(
        "/orders/{order_id}/decision",
        summary="The same: the order's decision, with every earlier attempt (a re-plan after a"
        " rejection shows both)",
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
        outcome: Outcome | None = None,
        location: str | None = Query(None, description="those that ship from this location"),
        since: Annotated[datetime | None, Query(description="made at or after this time")] = None,
        limit: int = Query(50, ge=1, le=500),
    ) -> list[DecisionView]:
        async with service.pool.acquire() as conn:
            rows = await store.latest_decisions(conn, outcome, limit, location, since)
        return [_view(row) for row in rows]

    @api.get("/kpis", summary="Split rate, mean cost per order, unroutable share, re-plans")
    async def routing_kpis(days: int = Query(7, ge=1, le=365)) -> kpis.RoutingKpis:
        async with service.pool.acquire() as conn:
            return await kpis.of(conn, days)

    return api


def _view(decision: store.StoredDecision) -> DecisionView:
    explanation = decision.explanation
    return DecisionView(
        order_id=decision.order_id,
        attempt=decision.attempt,
        outcome=decision.outcome,
        reason=explanation.get("reason", ""),
        candidates=explanation.get("candidates", []),
        plans=explanation.get("plans", []),
        plans_tried=explanation.get("plans_tried", 0),
        method=explanation.get("method", ""),
        total=explanation.get("total", ""),
        reference_version=explanation.get("reference_version"),
        chosen=explanation.get("chosen", []),
        rejected_by_inventory=explanation.get("rejected_by_inventory", []),
        unconfirmed_replica_says=explanation.get("unconfirmed_replica_says", ""),
        decided_at=decision.decided_at,
    )
