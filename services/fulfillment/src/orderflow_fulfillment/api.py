"""fulfillment's HTTP API, a router per resource: shipments with their history, their returns,
the ship-by clock (at-risk shipments, KPIs), tracking uploads, the warehouse reports refused and
the operators' audit. Every action takes the authenticated actor and is audited with it."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, HTTPException, Query
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_contracts.order import OrderLine
from orderflow_runtime import RunningService
from orderflow_runtime.http import Actor
from pydantic import BaseModel, Field

from orderflow_fulfillment import kpis, operator_audit, returns, store, uploads


class HistoryEntry(BaseModel):
    status: ShipmentStatus
    accepted: bool = Field(description="false: news refused as impossible from where it was")
    note: str
    at: datetime


class ShipmentView(BaseModel):
    shipment_id: str
    order_id: str
    channel: str
    external_id: str
    location_id: str
    carrier: str
    service: str
    status: ShipmentStatus
    tracking_number: str
    lines: tuple[OrderLine, ...]
    cancel_requested: bool
    address_change_requested: bool = Field(
        description="a new address was sent to the warehouse and it has not answered yet"
    )
    return_reason: str = Field(description="the refund reason of its return; empty: none")
    return_tracking_number: str
    ship_by: datetime | None = Field(
        description="when it must have shipped; none: no clock (no placement time known)"
    )
    ship_by_derived: bool = Field(
        description="the ship-by is the seller's handling time from the placement (the channel"
        " sent none), not the marketplace's"
    )
    created_at: datetime
    updated_at: datetime


class ShipmentDetail(ShipmentView):
    history: list[HistoryEntry] = Field(description="oldest first")


class TrackingUpload(BaseModel):
    shipment_id: str
    order_id: str
    channel: str
    tracking_number: str
    carrier_code: str
    status: str = Field(description="held, sent, accepted, retrying or refused")
    attempts: int
    reason: str = Field(description="why it is held or refused, or the last retryable answer")
    next_attempt_at: datetime | None
    last_answer: str = Field(description="the marketplace's latest message")
    updated_at: datetime


class UploadCorrection(BaseModel):
    tracking_number: str = Field(default="", description="the right number; empty: as it was")
    carrier_code: str = Field(default="", description="the marketplace's code; empty: as it was")


class ReturnRequest(BaseModel):
    reason: str = Field(description="the refund reason, kept with the shipment")


class ReturnLabel(BaseModel):
    tracking_number: str = Field(description="the return label's; the carrier reports on it")


class RefusedReport(BaseModel):
    shipment_id: str
    order_id: str
    location_id: str
    status: str
    tracking_number: str
    reason: str
    correlation_id: str
    received_at: datetime
    report: dict[str, Any] = Field(
        description="the report as the warehouse sent it (its reason, a short pick's lines...)"
    )


class AtRisk(BaseModel):
    shipment_id: str
    order_id: str
    location_id: str
    channel: str
    status: ShipmentStatus
    placed_at: datetime
    ship_by: datetime
    ship_by_derived: bool = Field(
        description="the ship-by is the seller's handling time from the placement (the channel"
        " sent none), not the marketplace's"
    )
    percent_used: int = Field(description="of the time from placement to ship-by; over 100: late")


# Each marketplace sets its own ship-by and measures its sellers by it: figures of one of them.
Channel = Annotated[
    str | None, Query(description="one marketplace's (amazon, shopee...); none: all")
]


def router(service: RunningService) -> APIRouter:
    api = APIRouter()
    # The ship-by routes first: /shipments/{shipment_id} would take "at-risk" for an id.
    for resource in (
        _ship_by_clock,
        _shipments,
        _returns,
        _tracking_uploads,
        _refused_reports,
        operator_audit.router,
    ):
        api.include_router(resource(service))
    return api


def _ship_by_clock(service: RunningService) -> APIRouter:
    api = APIRouter(tags=["ship-by"])

    @api.get(
        "/shipments/at-risk",
        summary="Shipments not shipped yet that used at least `percent` of their time to ship-by",
    )
    async def shipments_at_risk(
        percent: int = Query(50, ge=0, le=1000), channel: Channel = None
    ) -> list[AtRisk]:
        async with service.pool.acquire() as conn:
            rows = await store.at_risk(conn, datetime.now(UTC), percent, channel)
        return [AtRisk.model_validate(dict(row)) for row in rows]

    @api.get("/shipments/late", summary="Shipments not shipped yet and past their ship-by")
    async def late_shipments(channel: Channel = None) -> list[AtRisk]:
        return await shipments_at_risk(percent=100, channel=channel)

    @api.get("/kpis", summary="On-time ship rate, order-to-ship time, shipments at risk")
    async def ship_kpis(
        days: int = Query(7, ge=1, le=365), channel: Channel = None
    ) -> kpis.ShipKpis:
        async with service.pool.acquire() as conn:
            return await kpis.of(conn, days, channel)

    return api


def _shipments(service: RunningService) -> APIRouter:
    api = APIRouter(tags=["shipments"])

    @api.get(
        "/shipments/{shipment_id}",
        summary="One shipment and its history",
        responses={404: {"description": "no such shipment"}},
    )
    async def shipment(shipment_id: str) -> ShipmentDetail:
        return await _one(service, shipment_id)

    @api.get("/orders/{order_id}/shipments", summary="An order's shipments, with their history")
    async def order_shipments(order_id: str) -> list[ShipmentDetail]:
        async with service.pool.acquire() as conn:
            found = await store.shipments(conn, order_id=order_id)
            history = await store.history(conn, [row["shipment_id"] for row in found])
        return [_detail(row, history) for row in found]

    @api.get("/shipments", summary="Shipments, newest change first")
    async def list_shipments(
        status: ShipmentStatus | None = None,
        location_id: str | None = None,
        limit: int = Query(50, ge=1, le=500),
    ) -> list[ShipmentView]:
        async with service.pool.acquire() as conn:
            found = await store.shipments(
                conn, status=status.value if status else None, location_id=location_id, limit=limit
            )
        return [ShipmentView.model_validate(_fields(row)) for row in found]

    return api


def _returns(service: RunningService) -> APIRouter:
    api = APIRouter(tags=["returns"])
    refusals: dict[int | str, dict[str, Any]] = {
        404: {"description": "no such shipment"},
        409: {"description": "the shipment cannot take this step of a return; says why"},
        422: {"description": "not valid, or no actor (X-Actor) where the API is open"},
    }

    @api.post(
        "/shipments/{shipment_id}/return",
        summary="Start a shipment's return, with its refund reason",
        responses=refusals,
    )
    async def request_return(shipment_id: str, body: ReturnRequest, actor: Actor) -> ShipmentDetail:
        async with _refused_as_http():
            async with service.unit_of_work() as uow:
                await returns.request_return(uow, shipment_id, body.reason)
                await operator_audit.record(
                    uow, actor, operator_audit.RETURN_REQUESTED, shipment_id, reason=body.reason
                )
        return await _one(service, shipment_id)

    @api.post(
        "/shipments/{shipment_id}/return-label",
        summary="The return label's tracking number: the carrier's news on it is the return's",
        responses=refusals,
    )
    async def return_label(shipment_id: str, body: ReturnLabel, actor: Actor) -> ShipmentDetail:
        async with _refused_as_http():
            async with service.unit_of_work() as uow:
                await returns.issue_return_label(uow, shipment_id, body.tracking_number)
                await operator_audit.record(
                    uow,
                    actor,
                    operator_audit.RETURN_LABEL_ISSUED,
                    shipment_id,
                    tracking_number=body.tracking_number,
                )
        return await _one(service, shipment_id)

    return api


@asynccontextmanager
async def _refused_as_http() -> AsyncIterator[None]:
    try:
        yield
    except LookupError as missing:
        raise HTTPException(404, str(missing)) from missing
    except returns.ReturnRefused as refused:
        raise HTTPException(409, str(refused)) from refused


async def _one(service: RunningService, shipment_id: str) -> ShipmentDetail:
    async with service.pool.acquire() as conn:
        found = await store.shipments(conn, shipment_id=shipment_id)
        if not found:
            raise HTTPException(404, f"no shipment {shipment_id}")
        history = await store.history(conn, [shipment_id])
    return _detail(found[0], history)


def _tracking_uploads(service: RunningService) -> APIRouter:
    api = APIRouter(tags=["tracking uploads"])

    @api.get(
        "/tracking-uploads",
        summary="Tracking uploads to the marketplaces, newest change first; held ones say why",
    )
    async def list_uploads(
        status: str | None = Query(None, pattern="^(held|sent|accepted|retrying|refused)$"),
        limit: int = Query(50, ge=1, le=500),
        order_id: str | None = Query(None, description="one order's uploads; none: all"),
    ) -> list[TrackingUpload]:
        async with service.pool.acquire() as conn:
            rows = await store.tracking_uploads(conn, status, limit, order_id)
        return [TrackingUpload.model_validate(dict(row)) for row in rows]

    @api.post(
        "/tracking-uploads/{shipment_id}/send",
        summary="Send a held or refused upload again, corrected where given",
        status_code=202,
        responses={
            404: {"description": "no upload for that shipment"},
            409: {"description": "it cannot be sent as asked; says why"},
            422: {"description": "not valid, or no actor (X-Actor) where the API is open"},
        },
    )
    async def send_again(shipment_id: str, body: UploadCorrection, actor: Actor) -> dict[str, str]:
        number, code = body.tracking_number.strip(), body.carrier_code.strip()
        try:
            async with service.unit_of_work() as uow:
                await uploads.send_again(uow, shipment_id, number, code)
                await operator_audit.record(
                    uow,
                    actor,
                    operator_audit.UPLOAD_SENT_AGAIN,
                    shipment_id,
                    tracking_number=number,  # empty: as it was
                    carrier_code=code,
                )
        except LookupError as missing:
            raise HTTPException(404, str(missing)) from missing
        except uploads.UploadRefused as refused:
            raise HTTPException(409, str(refused)) from refused
        return {"status": "sent"}

    return api


def _refused_reports(service: RunningService) -> APIRouter:
    api = APIRouter(tags=["warehouse reports"])

    @api.get(
        "/refused-reports",
        summary="Warehouse reports that did not match their shipment, with why, newest first",
    )
    async def list_refused_reports(limit: int = Query(50, ge=1, le=500)) -> list[RefusedReport]:
        async with service.pool.acquire() as conn:
            rows = await store.refused_reports(conn, limit)
        return [
            RefusedReport.model_validate({**dict(row), "report": json.loads(row["report"])})
            for row in rows
        ]

    return api


def _detail(row: asyncpg.Record, history: dict[str, list[asyncpg.Record]]) -> ShipmentDetail:
    return ShipmentDetail(
        **_fields(row),
        history=[HistoryEntry.model_validate(dict(h)) for h in history.get(row["shipment_id"], [])],
    )


def _fields(row: asyncpg.Record) -> dict[str, Any]:
    return {**dict(row), "lines": json.loads(row["lines"])}
