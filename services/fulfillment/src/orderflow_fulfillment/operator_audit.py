"""What operators did to shipments through fulfillment's API (`operator_audit`): who (the API
key's operator, or X-Actor where the API is open), when, which action, on which shipment, with
what they gave in `detail`. Recorded in the action's transaction; readable at GET /audit."""

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from orderflow_runtime import RunningService, UnitOfWork
from pydantic import BaseModel, Field

from orderflow_fulfillment import store

RETURN_REQUESTED = "return.requested"
RETURN_LABEL_ISSUED = "return_label.issued"
UPLOAD_SENT_AGAIN = "tracking_upload.sent_again"


class AuditEntry(BaseModel):
    audit_id: int
    actor: str = Field(description="the API key's operator, or X-Actor where the API is open")
    action: str = Field(
        description=f"{RETURN_REQUESTED}, {RETURN_LABEL_ISSUED}, {UPLOAD_SENT_AGAIN}"
    )
    shipment_id: str
    order_id: str
    at: datetime
    detail: dict[str, Any] = Field(description="what the operator gave: a reason, a number...")


async def record(uow: UnitOfWork, actor: str, action: str, shipment_id: str, **detail: str) -> None:
    await store.record_operator_action(uow.conn, actor, action, shipment_id, detail)
    uow.log.info("operator.action", action=action, actor=actor, shipment_id=shipment_id)


def router(service: RunningService) -> APIRouter:
    api = APIRouter(tags=["audit"])

    @api.get(
        "/audit",
        summary="Operators' actions on shipments, newest first: who, when, what, on which one",
        description="Only actions that took effect: one refused (404, 409) or without an actor"
        " (422) changes nothing and is not recorded. Filters combine.",
    )
    async def audit(
        shipment_id: str | None = None,
        order_id: str | None = None,
        actor: str | None = None,
        action: str | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        before_id: Annotated[int | None, Query(ge=1, description="page: ids below this")] = None,
    ) -> list[AuditEntry]:
        wanted = store.AuditFilter(shipment_id, order_id, actor, action, before_id, limit)
        async with service.pool.acquire() as conn:
            rows = await store.operator_actions(conn, wanted)
        return [
            AuditEntry.model_validate({**dict(row), "detail": json.loads(row["detail"])})
            for row in rows
        ]

    return api
