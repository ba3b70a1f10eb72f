"""What an operator does to an order in the exception queue: release, waive one hold,
re-parse, correct the address, cancel. Every action is audited with its actor (the runtime's
Actor: the API key's operator, or X-Actor where the API is open)."""

import asyncpg
from fastapi import APIRouter
from orderflow_runtime.http import Actor

from orderflow_intake import operations
from orderflow_intake.api.dependencies import NOT_FOUND, REFUSED, act
from orderflow_intake.api.schemas import (
    ActionResult,
    AddressEdit,
    Cancellation,
    Release,
    Waiver,
)
from orderflow_intake.screening import ScreeningRules


def create_router(pool: asyncpg.Pool, rules: ScreeningRules) -> APIRouter:
    router = APIRouter(
        prefix="/orders/{order_id}",
        tags=["exception queue"],
        responses={**NOT_FOUND, **REFUSED},
    )

    @router.post(
        "/release",
        response_model=ActionResult,
        summary="Release a held order: its holds clear and it is screened again",
    )
    async def release(order_id: str, actor: Actor, body: Release | None = None) -> ActionResult:
        note = body.note if body else ""
        outcome = await act(operations.release(pool, order_id, actor, note, rules))
        return ActionResult(order_id=order_id, status=outcome)

    @router.post(
        "/waive",
        response_model=ActionResult,
        summary="Settle one hold with a reason; the order is screened again for the rest",
        description="For holds an operator can settle by checking outside intake (see `code`):"
        " the hold is resolved, its code stays waived for this order (it does not come back"
        " on later screenings), and the order is screened again: accepted when nothing else"
        " holds it. Audited with the actor, the code and the reason. 409 when the order is not"
        " held or not held for that code; 422 for a code that takes another action.",
    )
    async def waive(order_id: str, actor: Actor, body: Waiver) -> ActionResult:
        outcome = await act(operations.waive(pool, order_id, actor, body.code, body.reason, rules))
        return ActionResult(order_id=order_id, status=outcome)

    @router.post(
        "/reparse",
        response_model=ActionResult,
        summary="Parse an order's stored payload again: a held order is screened, holds kept;"
        " an accepted one takes a new address as an address change and is held for changed"
        " lines; 409 once shipped",
    )
    async def reparse(order_id: str, actor: Actor) -> ActionResult:
        outcome = await act(operations.reparse_order(pool, order_id, actor, rules))
        return ActionResult(order_id=order_id, status=outcome)

    @router.post(
        "/address",
        response_model=ActionResult,
        summary="Correct the shipping address, then screen the order again",
    )
    async def edit_address(order_id: str, actor: Actor, body: AddressEdit) -> ActionResult:
        outcome = await act(operations.edit_address(pool, order_id, actor, body.ship_to, rules))
        return ActionResult(order_id=order_id, status=outcome)

    @router.post("/cancel", response_model=ActionResult, summary="Cancel an order with a reason")
    async def cancel(order_id: str, actor: Actor, body: Cancellation) -> ActionResult:
        outcome = await act(operations.cancel(pool, order_id, actor, body.reason))
        return ActionResult(order_id=order_id, status=outcome)

    return router
