from typing import Literal

from pydantic import Field

from orderflow_contracts.envelope import Event


class StockReceived(Event):
    sku: str
    location_id: str
    quantity: int = Field(gt=0)
    reference: str = Field(default="", description="the warehouse's document; dedupes re-sends")


class StockAdjusted(Event):
    """Units found or lost outside a count (damage, returns to stock, corrections)."""

    sku: str
    location_id: str
    delta: int
    reason: str
    reference: str = ""


class StockCounted(Event):
    """A cycle count: the absolute quantity on the shelf; the difference is recorded."""

    sku: str
    location_id: str
    counted: int = Field(ge=0)
    reference: str = ""


class WarehouseReported(Event):
    shipment_id: str
    order_id: str
    status: Literal["picked", "packed", "shipped", "cancelled"]
    tracking_number: str = ""
