"""The raw store: every webhook body as received, and re-parsing one after an adapter fix."""

import json
from typing import Annotated

import asyncpg
from fastapi import APIRouter, HTTPException, Query
from orderflow_runtime.http import Actor

from orderflow_intake import operations, store
from orderflow_intake.api.dependencies import Limit, Offset
from orderflow_intake.api.schemas import Problem, RawPayload, ReparseResult
from orderflow_intake.screening import ScreeningRules


def _raw(row: asyncpg.Record) -> RawPayload:
    return RawPayload(
        payload_id=row["payload_id"],
        channel=row["channel"],
        external_id=row["external_id"],
        received_at=row["received_at"],
        status=row["status"],
        error=row["error"],
        headers=json.loads(row["headers"]),
        body=bytes(row["body"]).decode("utf-8", errors="replace"),
        source=row["source"],
        kind=row["kind"],
    )


def create_router(pool: asyncpg.Pool, rules: ScreeningRules) -> APIRouter:
    router = APIRouter(prefix="/raw-payloads", tags=["raw payloads"])

    @router.get("", response_model=list[RawPayload])
    async def list_raw(
        channel: str | None = None,
        status: Annotated[str | None, Query(pattern="^(accepted|rejected|failed)$")] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> list[RawPayload]:
        rows = await store.raw_payloads(
            pool, channel=channel, status=status, limit=limit, offset=offset
        )
        return [_raw(row) for row in rows]

    @router.get("/{payload_id}", response_model=RawPayload, responses={404: {"model": Problem}})
    async def get_raw(payload_id: int) -> RawPayload:
        row = await store.raw_payload(pool, payload_id)
        if row is None:
            raise HTTPException(404, f"no raw payload {payload_id}")
        return _raw(row)

    @router.post(
        "/{payload_id}/reparse",
        response_model=ReparseResult,
        responses={404: {"model": Problem}, 409: {"model": Problem}},
        summary="Parse a rejected body again; if it parses now, it becomes an order",
    )
    async def reparse(payload_id: int, actor: Actor) -> ReparseResult:
        try:
            outcome = await operations.reparse_raw(pool, payload_id, actor, rules)
        except operations.OrderNotFound:
            raise HTTPException(404, f"no raw payload {payload_id}") from None
        except operations.ActionRefused as error:
            raise HTTPException(409, str(error)) from None
        return ReparseResult(**outcome)

    return router
