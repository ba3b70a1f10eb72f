"""What the routers share: the context every request's log lines carry, paging, the 404 and
409 they document, and how an action's refusal is answered. Who acts is the runtime's
orderflow_runtime.http.Actor."""

import uuid
from collections.abc import AsyncIterator, Awaitable
from typing import Annotated, Any

import asyncpg
import structlog
from fastapi import HTTPException, Query, Request

from orderflow_intake import adapters, operations
from orderflow_intake.api.schemas import Hold, Problem

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]
Responses = dict[int | str, dict[str, Any]]
NOT_FOUND: Responses = {404: {"model": Problem, "description": "no such order"}}
REFUSED: Responses = {409: {"model": Problem, "description": "the order's state does not allow it"}}


async def bind_request(request: Request) -> AsyncIterator[None]:
    """Context for every log line of the request, bound once; handlers add the order's ids."""
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    with structlog.contextvars.bound_contextvars(
        request_id=request_id, method=request.method, path=request.url.path
    ):
        yield


def hold_of(row: asyncpg.Record) -> Hold:
    return Hold(
        code=row["code"],
        detail=row["detail"],
        held_at=row["held_at"],
        resolved_at=row["resolved_at"],
    )


async def act(action: Awaitable[Any]) -> str:
    """An operator's action on an order: its outcome, or the 404 or 409 it was refused with."""
    try:
        return str(await action)
    except operations.OrderNotFound as error:
        raise HTTPException(404, f"no order {error}") from None
    except operations.ActionRefused as error:
        raise HTTPException(409, str(error)) from None
    except adapters.MalformedChannelPayload as error:
        raise HTTPException(409, f"the stored payload no longer parses: {error}") from None
