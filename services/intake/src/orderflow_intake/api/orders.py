"""The unified order view and the exception queue. Every action names its actor (X-Actor)
and is audited."""

import json
from datetime import datetime
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Header, HTTPException, Query

from orderflow_intake import adapters, operations, queries, store
from orderflow_intake.api.schemas import (
    ActionResult,
    AddressEdit,
    AuditEntry,
    Cancellation,
    ExceptionItem,
    ExceptionPage,
    Hold,
    OrderDetail,
    OrderPage,
    OrderSummary,
    Problem,
    Release,
)
from orderflow_intake.screening import ScreeningRules

Actor = Annotated[
    str, Header(alias="X-Actor", min_length=1, max_length=200, description="who does this")
]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]
Responses = dict[int | str, dict[str, Any]]
NOT_FOUND: Responses = {404: {"model": Problem, "description": "no such order"}}
REFUSED: Responses = {409: {"model": Problem, "description": "the order's state does not allow it"}}


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


def _hold(row: asyncpg.Record) -> Hold:
    return Hold(
        code=row["code"],
        detail=row["detail"],
        held_at=row["held_at"],
        resolved_at=row["resolved_at"],
    )


def create_router(pool: asyncpg.Pool, rules: ScreeningRules) -> APIRouter:
    router = APIRouter()

    @router.get("/orders", tags=["orders"], response_model=OrderPage, summary="Find orders")
    async def list_orders(
        order_id: str | None = None,
        channel: str | None = None,
        external_id: str | None = None,
        customer_email: str | None = None,
        status: Annotated[str | None, Query(pattern="^(accepted|held|cancelled|shipped)$")] = None,
        received_from: datetime | None = None,
        received_to: datetime | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> OrderPage:
        filters = {
            "order_id": order_id,
            "channel": channel,
            "external_id": external_id,
            "customer_email": customer_email,
            "status": status,
            "received_from": received_from,
            "received_to": received_to,
        }
        rows, total = await queries.orders_page(pool, filters, limit, offset)
        items = [OrderSummary(**_summary(row)) for row in rows]
        return OrderPage(items=items, total=total, limit=limit, offset=offset)

    @router.get(
        "/orders/{order_id}", tags=["orders"], response_model=OrderDetail, responses=NOT_FOUND
    )
    async def get_order(order_id: str) -> OrderDetail:
        row = await queries.order(pool, order_id)
        if row is None:
            raise HTTPException(404, f"no order {order_id}")
        holds = (await queries.holds_of(pool, [order_id])).get(order_id, [])
        return OrderDetail(
            **_summary(row),
            correlation_id=row["correlation_id"],
            accepted_at=row["accepted_at"],
            shipped_at=row["shipped_at"],
            cancelled_at=row["cancelled_at"],
            cancel_reason=row["cancel_reason"],
            waived=list(row["waived"]),
            holds=[_hold(hold) for hold in holds],
            order=store.canonical_of(row),
        )

    @router.get(
        "/orders/{order_id}/audit",
        tags=["exception queue"],
        response_model=list[AuditEntry],
        responses=NOT_FOUND,
    )
    async def audit(order_id: str) -> list[AuditEntry]:
        if await queries.order(pool, order_id) is None:
            raise HTTPException(404, f"no order {order_id}")
        rows = await queries.audit_of(pool, f"order:{order_id}")
        return [
            AuditEntry(
                action=row["action"],
                actor=row["actor"],
                at=row["at"],
                detail=json.loads(row["detail"]),
            )
            for row in rows
        ]

    @router.get(
        "/exceptions",
        tags=["exception queue"],
        response_model=ExceptionPage,
        summary="Held orders, oldest first",
    )
    async def exceptions(
        reason: str | None = None,
        channel: str | None = None,
        min_age_minutes: Annotated[float | None, Query(ge=0)] = None,
        max_age_minutes: Annotated[float | None, Query(ge=0)] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> ExceptionPage:
        rows, total = await queries.exceptions_page(
            pool,
            reason=reason,
            channel=channel,
            min_age_s=None if min_age_minutes is None else min_age_minutes * 60,
            max_age_s=None if max_age_minutes is None else max_age_minutes * 60,
            limit=limit,
            offset=offset,
        )
        holds = await queries.holds_of(pool, [row["order_id"] for row in rows])
        items = [
            ExceptionItem(
                order_id=row["order_id"],
                channel=row["channel"],
                external_id=row["external_id"],
                customer_email=row["customer_email"],
                held_since=row["held_since"],
                age_seconds=row["age_s"],
                reasons=[
                    _hold(h) for h in holds.get(row["order_id"], []) if h["resolved_at"] is None
                ],
            )
            for row in rows
        ]
        return ExceptionPage(items=items, total=total, limit=limit, offset=offset)

    @router.post(
        "/orders/{order_id}/release",
        tags=["exception queue"],
        response_model=ActionResult,
        responses={**NOT_FOUND, **REFUSED},
        summary="Release a held order: its holds clear and it is screened again",
    )
    async def release(order_id: str, actor: Actor, body: Release | None = None) -> ActionResult:
        note = body.note if body else ""
        outcome = await _act(operations.release(pool, order_id, actor, note, rules))
        return ActionResult(order_id=order_id, status=outcome)

    @router.post(
        "/orders/{order_id}/reparse",
        tags=["exception queue"],
        response_model=ActionResult,
        responses={**NOT_FOUND, **REFUSED},
        summary="Parse an order's stored payload again: a held order is screened, holds kept;"
        " an accepted one takes a new address as an address change and is held for changed"
        " lines; 409 once shipped",
    )
    async def reparse(order_id: str, actor: Actor) -> ActionResult:
        outcome = await _act(operations.reparse_order(pool, order_id, actor, rules))
        return ActionResult(order_id=order_id, status=outcome)

    @router.post(
        "/orders/{order_id}/address",
        tags=["exception queue"],
        response_model=ActionResult,
        responses={**NOT_FOUND, **REFUSED},
        summary="Correct the shipping address, then screen the order again",
    )
    async def edit_address(order_id: str, actor: Actor, body: AddressEdit) -> ActionResult:
        outcome = await _act(operations.edit_address(pool, order_id, actor, body.ship_to, rules))
        return ActionResult(order_id=order_id, status=outcome)

    @router.post(
        "/orders/{order_id}/cancel",
        tags=["exception queue"],
        response_model=ActionResult,
        responses={**NOT_FOUND, **REFUSED},
        summary="Cancel an order with a reason",
    )
    async def cancel(order_id: str, actor: Actor, body: Cancellation) -> ActionResult:
        outcome = await _act(operations.cancel(pool, order_id, actor, body.reason))
        return ActionResult(order_id=order_id, status=outcome)

    return router


async def _act(action: Any) -> str:
    try:
        return str(await action)
    except operations.OrderNotFound as error:
        raise HTTPException(404, f"no order {error}") from None
    except operations.ActionRefused as error:
        raise HTTPException(409, str(error)) from None
    except adapters.MalformedChannelPayload as error:
        raise HTTPException(409, f"the stored payload no longer parses: {error}") from None
