"""The exception queue: held orders, oldest wait first, and an order's audit trail."""

import json
from typing import Annotated

import asyncpg
from fastapi import APIRouter, HTTPException, Query

from orderflow_intake import store
from orderflow_intake.api.dependencies import NOT_FOUND, Limit, Offset, hold_of
from orderflow_intake.api.schemas import AuditEntry, ExceptionItem, ExceptionPage

Minutes = Annotated[float | None, Query(ge=0)]


def create_router(pool: asyncpg.Pool) -> APIRouter:
    router = APIRouter(tags=["exception queue"])

    @router.get("/orders/{order_id}/audit", response_model=list[AuditEntry], responses=NOT_FOUND)
    async def audit(order_id: str) -> list[AuditEntry]:
        if await store.order_view(pool, order_id) is None:
            raise HTTPException(404, f"no order {order_id}")
        rows = await store.audit_of(pool, f"order:{order_id}")
        return [
            AuditEntry(
                action=row["action"],
                actor=row["actor"],
                at=row["at"],
                detail=json.loads(row["detail"]),
            )
            for row in rows
        ]

    @router.get("/exceptions", response_model=ExceptionPage, summary="Held orders, oldest first")
    async def exceptions(
        reason: str | None = None,
        channel: str | None = None,
        min_age_minutes: Minutes = None,
        max_age_minutes: Minutes = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> ExceptionPage:
        rows, total = await store.exceptions_page(
            pool,
            reason=reason,
            channel=channel,
            min_age_s=None if min_age_minutes is None else min_age_minutes * 60,
            max_age_s=None if max_age_minutes is None else max_age_minutes * 60,
            limit=limit,
            offset=offset,
        )
        holds = await store.holds_of(pool, [row["order_id"] for row in rows])
        items = [_item(row, holds.get(row["order_id"], [])) for row in rows]
        return ExceptionPage(items=items, total=total, limit=limit, offset=offset)

    return router


def _item(row: asyncpg.Record, holds: list[asyncpg.Record]) -> ExceptionItem:
    return ExceptionItem(
        order_id=row["order_id"],
        channel=row["channel"],
        external_id=row["external_id"],
        customer_email=row["customer_email"],
        held_since=row["held_since"],
        age_seconds=row["age_s"],
        reasons=[hold_of(h) for h in holds if h["resolved_at"] is None],
    )
