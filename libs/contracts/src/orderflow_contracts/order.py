"""The canonical order: every channel's order, once normalised by intake."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Address(Value):
    name: str = ""
    line1: str = ""
    line2: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = Field(default="", description="ISO 3166-1 alpha-2")


class Customer(Value):
    name: str = ""
    email: str = ""
    language: str = Field(default="en", description="BCP 47 language tag, e.g. en, zh")


class OrderLine(Value):
    sku: str = Field(description="master SKU")
    quantity: int = Field(gt=0)
    unit_price: Decimal = Decimal("0")


def merge_lines(lines: tuple[OrderLine, ...] | list[OrderLine]) -> tuple[OrderLine, ...]:
    """One line per SKU, in first-seen order; the unit price becomes the average paid."""
    quantities: dict[str, int] = {}
    totals: dict[str, Decimal] = {}
    for line in lines:
        quantities[line.sku] = quantities.get(line.sku, 0) + line.quantity
        totals[line.sku] = totals.get(line.sku, Decimal(0)) + line.unit_price * line.quantity
    return tuple(
        OrderLine(sku=sku, quantity=quantity, unit_price=totals[sku] / quantity)
        for sku, quantity in quantities.items()
    )


class CanonicalOrder(Value):
    order_id: str
    channel: str
    external_id: str
    customer: Customer
    ship_to: Address
    lines: tuple[OrderLine, ...]
    currency: str = Field(default="USD", description="ISO 4217")
    placed_at: datetime
    ship_by: datetime | None = None
