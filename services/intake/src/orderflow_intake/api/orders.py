"""The unified order view: find orders, and one order with its holds, the answers to changes
after its pick task, and its canonical form."""

import json
from datetime import datetime
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, HTTPException, Query

from orderflow_intake import store
from orderflow_intake.api.dependencies import NOT_FOUND, Limit, Offset, hold_of
from orderflow_intake.api.schemas import (
    AfterPickTask,
    ChangeAnswer,
    ChangeRequest,
    OrderDetail,
    OrderPage,
    OrderSummary,
)

Status = Annotated[str | None, Query(pattern="^(accepted|held|cancelled|shipped|delivered)$")]


def create_router(pool: asyncpg.Pool) -> APIRouter:
    router = APIRouter(tags=["orders"])

    @router.get("/orders", response_model=OrderPage, summary="Find orders")
    async def list_orders(
        order_id: str | None = None,
        correlation_id: str | None = None,
        channel: str | None = None,
        external_id: str | None = None,
        customer_email: str | None = None,
        status: Status = None,
        received_from: datetime | None = None,
        received_to: datetime | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> OrderPage:
        filters = {
            "order_id": order_id,
            "correlation_id": correlation_id,
            "channel": channel,
            "external_id": external_id,
            "customer_email": customer_email,
            "status": status,
            "received_from": received_from,
            "received_to": received_to,
        }
        rows, total = await store.orders_page(pool, filters, limit, offset)
        items = [OrderSummary(**_summary(row)) for row in rows]
        return OrderPage(items=items, total=total, limit=limit, offset=offset)

    @router.get("/orders/{order_id}", response_model=OrderDetail, responses=NOT_FOUND)
    async def get_order(order_id: str) -> OrderDetail:
        row = await store.order_view(pool, order_id)
        if row is None:
            raise HTTPException(404, f"no order {order_id}")
        holds = (await store.holds_of(pool, [order_id])).get(order_id, [])
        answers = await store.after_pick_task_of(pool, order_id)
        return OrderDetail(
            **_summary(row),
            correlation_id=row["correlation_id"],
            accepted_at=row["accepted_at"],
            shipped_at=row["shipped_at"],
            delivered_at=row["delivered_at"],
            cancelled_at=row["cancelled_at"],
            cancel_reason=row["cancel_reason"],
            waived=list(row["waived"]),
            holds=[hold_of(hold) for hold in holds],
            after_pick_task=_after_pick_task_of(answers, cancelled=row["cancelled_at"] is not None),
            order=store.canonical_of(row),
        )

    return router


# The audit action fulfillment's answer is kept as: the request it answers, and the answer; a
# request sent and not answered yet is pending; one its shipment ended before is superseded.
_ANSWERS: dict[str, tuple[ChangeRequest, ChangeAnswer]] = {
    "cancel_sent": ("cancel", "pending"),
    "address_change_sent": ("address_change", "pending"),
    "shipment_stopped": ("cancel", "stopped"),
    "return_started": ("cancel", "return_started"),
    "address_relabelled": ("address_change", "relabelled"),
    "address_change_too_late": ("address_change", "too_late"),
    "cancel_superseded": ("cancel", "superseded"),
    "address_change_superseded": ("address_change", "superseded"),
}


def _after_pick_task_of(answers: list[asyncpg.Record], *, cancelled: bool) -> list[AfterPickTask]:
    """Each change, oldest first: its answer where the warehouse gave one, else pending."""
    entries: list[AfterPickTask] = []
    for answer in answers:
        entry = _after_pick_task(answer, cancelled=cancelled)
        if entry.answer != "pending":
            entries = [e for e in entries if not _answers(entry, e)]
        entries.append(entry)
    return entries


def _answers(answer: AfterPickTask, entry: AfterPickTask) -> bool:
    return (entry.answer, entry.shipment_id, entry.request) == (
        "pending",
        answer.shipment_id,
        answer.request,
    )


def _after_pick_task(answer: asyncpg.Record, *, cancelled: bool) -> AfterPickTask:
    detail = json.loads(answer["detail"])
    request, said = _ANSWERS[answer["action"]]
    if said == "return_started" and not cancelled:
        request = "return"  # one an operator started for a refund, not a cancellation's
    return AfterPickTask(
        shipment_id=detail.get("shipment_id", ""),
        location_id=detail.get("location_id", ""),
        request=request,
        answer=said,
        reason=detail.get("reason", ""),
        tracking_number=detail.get("tracking_number", ""),
        at=answer["at"],
    )


def _summary(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "order_id": row["order_id"],
        "channel": row["channel"],
        "external_id": row["external_id"],
        "status": row["status"],
        "customer_email": row["customer_email"],
        "placed_at": row["placed_at"],
        "received_at": row["received_at"],
        "updated_at": row["updated_at"],
        "open_holds": list(row["open_codes"]),
    }
