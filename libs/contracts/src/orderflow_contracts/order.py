"""The canonical order: every channel's order, once normalised by intake."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

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
    buyer_id: str = Field(
        default="",
        description="the channel's own id of the buyer (Shopee buyer_user_id, AliExpress buyer"
        " login id); unique within the order's channel only",
    )


class OrderLine(Value):
    sku: str = Field(description="master SKU")
    quantity: int = Field(gt=0)
    unit_price: Decimal = Decimal("0")
    line_total: Decimal | None = Field(
        default=None,
        description="what the whole line costs, exact: the lines add up to the order's goods"
        " total even where the rounded unit_price times quantity does not; None: unit_price x"
        " quantity",
    )

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity if self.line_total is None else self.line_total


def merge_lines(
    lines: tuple[OrderLine, ...] | list[OrderLine], *, places: int | None = None
) -> tuple[OrderLine, ...]:
    """One line per SKU, in first-seen order. The line total is the exact sum of the merged
    amounts (kept only where a merged line had one); the unit price is the average paid,
    rounded half up to `places` decimals (the currency's minor unit), by default to the finest
    precision among the merged prices, so an average never grows into a 28-digit price."""
    merged: dict[str, list[OrderLine]] = {}
    for line in lines:
        merged.setdefault(line.sku, []).append(line)
    return tuple(_merged(sku, same, places) for sku, same in merged.items())


def _merged(sku: str, lines: list[OrderLine], places: int | None) -> OrderLine:
    quantity = sum(line.quantity for line in lines)
    total = sum((line.amount for line in lines), Decimal(0))
    if places is None:
        places = max(_places(line.unit_price) for line in lines)
    unit_price = (total / quantity).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    exact = any(line.line_total is not None for line in lines)
    return OrderLine(
        sku=sku, quantity=quantity, unit_price=unit_price, line_total=total if exact else None
    )


def _places(price: Decimal) -> int:
    exponent = price.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


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
    deliver_by: datetime | None = Field(
        default=None,
        description="the latest delivery the channel promised the buyer, where it says; routing"
        " weighs each carrier service's p90 transit against it",
    )
