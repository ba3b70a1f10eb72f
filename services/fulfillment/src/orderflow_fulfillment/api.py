"""fulfillment's HTTP API: shipments, each one's history, an order's shipments."""

import json
from datetime import datetime
from typing import Any

import asyncpg
from fastapi import APIRouter, HTTPException, Query
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_contracts.order import OrderLine
from orderflow_runtime import RunningService
from pydantic import BaseModel, Field

from orderflow_fulfillment import store


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
    created_at: datetime
    updated_at: datetime


class ShipmentDetail(ShipmentView):
    history: list[HistoryEntry] = Field(description="oldest first")


class RefusedReport(BaseModel):
    shipment_id: str
    order_id: str
    status: str
    tracking_number: str
    reason: str
    correlation_id: str
    received_at: datetime


def router(service: RunningService) -> APIRouter:
    api = APIRouter(tags=["shipments"])

    @api.get(
        "/shipments/{shipment_id}",
        summary="One shipment and its history",
        responses={404: {"description": "no such shipment"}},
    )
    async def shipment(shipment_id: str) -> ShipmentDetail:
        async with service.pool.acquire() as conn:
            found = await store.shipments(conn, shipment_id=shipment_id)
            if not found:
                raise HTTPException(404, f"no shipment {shipment_id}")
            history = await store.history(conn, [shipment_id])
        return _detail(found[0], history)

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

    @api.get("/refused-reports", summary="Warehouse reports that matched no shipment, newest first")
    async def list_refused_reports(limit: int = Query(50, ge=1, le=500)) -> list[RefusedReport]:
        async with service.pool.acquire() as conn:
            rows = await store.refused_reports(conn, limit)
        return [RefusedReport.model_validate(dict(row)) for row in rows]

    return api


def _detail(row: asyncpg.Record, history: dict[str, list[asyncpg.Record]]) -> ShipmentDetail:
    return ShipmentDetail(
        **_fields(row),
        history=[HistoryEntry.model_validate(dict(h)) for h in history.get(row["shipment_id"], [])],
    )


def _fields(row: asyncpg.Record) -> dict[str, Any]:
    return {**dict(row), "lines": json.loads(row["lines"])}
