"""The API's response models (OpenAPI's schemas)."""

from datetime import datetime
from typing import Any

from orderflow_contracts.inventory import ChannelAvailability, LocationLevel
from pydantic import BaseModel, Field


class SkuStock(BaseModel):
    sku: str
    available: int
    locations: list[LocationLevel]
    channels: list[ChannelAvailability]


class LocationStock(BaseModel):
    location_id: str
    stock: list[dict[str, Any]]


class ReservationLine(BaseModel):
    shipment_id: str
    sku: str
    location_id: str
    quantity: int
    committed: bool
    released: bool


class Reservation(BaseModel):
    order_id: str
    attempt: int
    status: str
    channel: str
    created_at: datetime
    updated_at: datetime
    lines: list[ReservationLine]
    backorders: list[dict[str, Any]]


class LedgerEntry(BaseModel):
    id: int
    sku: str
    location_id: str
    kind: str
    reference: str
    on_hand_delta: int
    reserved_delta: int
    reason: str
    at: datetime


class Alert(BaseModel):
    id: int
    sku: str
    kind: str
    detail: dict[str, Any]
    raised_at: datetime


class Reconciliation(BaseModel):
    balanced: bool
    differences: list[dict[str, Any]]


class Replayed(BaseModel):
    replayed: int
    still_held: int


class AuditEntry(BaseModel):
    audit_id: int
    actor: str = Field(description="the API key's operator (X-Actor where the API is open)")
    action: str
    sku: str | None
    location_id: str | None
    channel: str | None
    at: datetime
    detail: dict[str, Any] = Field(description="the change: the body put, held event ids")
