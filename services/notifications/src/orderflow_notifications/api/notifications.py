"""What each customer was told, what failed and why."""

from datetime import datetime
from typing import Literal

import asyncpg
from fastapi import APIRouter, Query
from orderflow_runtime import RunningService
from pydantic import BaseModel, Field

from orderflow_notifications import kpis, store

Status = Literal[
    "awaiting_contact",
    "pending",
    "sending",
    "sent",
    "failed",
    "unconfirmed",
    "unreachable",
    "suppressed",
]


class LogEntry(BaseModel):
    attempt: int
    outcome: str
    detail: str
    at: datetime


class NotificationView(BaseModel):
    id: int
    order_id: str
    shipment_id: str
    kind: str
    status: Status
    channel: Literal["", "email", "webhook"] = Field(
        description="how the customer was reached (or last tried): empty until a first attempt"
    )
    recipient: str
    language: str
    attempts: int
    correlation_id: str
    created_at: datetime
    sent_at: datetime | None
    log: list[LogEntry] = Field(description="every attempt, oldest first")


class Summary(BaseModel):
    by_status: dict[str, int]
    failures_by_reason: dict[str, int] = Field(
        description="notifications given up on (failed, unconfirmed, or unreachable: no channel"
        " reaches the customer), by the error of their last attempt"
    )


def router(service: RunningService) -> APIRouter:
    api = APIRouter(tags=["notifications"])

    @api.get("/orders/{order_id}/notifications", summary="What the customer of one order was told")
    async def order_notifications(order_id: str) -> list[NotificationView]:
        async with service.pool.acquire() as conn:
            return await _views(conn, await store.notifications(conn, order_id=order_id))

    @api.get("/notifications", summary="Notifications, newest first")
    async def list_notifications(
        status: Status | None = None, limit: int = Query(50, ge=1, le=500)
    ) -> list[NotificationView]:
        async with service.pool.acquire() as conn:
            return await _views(conn, await store.notifications(conn, status=status, limit=limit))

    @api.get("/kpis", summary="Sent, unreachable and failed shares, time to tell the customer")
    async def notification_kpis(
        hours: float = Query(24, gt=0, le=24 * 90),
    ) -> kpis.NotificationKpis:
        async with service.pool.acquire() as conn:
            return await kpis.over(conn, hours)

    @api.get("/notifications/summary", summary="Counts by status, and failures by reason")
    async def summary() -> Summary:
        async with service.pool.acquire() as conn:
            by_status, by_reason = await store.summary(conn)
        return Summary(by_status=by_status, failures_by_reason=by_reason)

    return api


async def _views(conn: asyncpg.Connection, rows: list[asyncpg.Record]) -> list[NotificationView]:
    logs = await store.delivery_logs(conn, [row["id"] for row in rows])
    return [
        NotificationView(
            **dict(row), log=[LogEntry.model_validate(dict(e)) for e in logs.get(row["id"], [])]
        )
        for row in rows
    ]
