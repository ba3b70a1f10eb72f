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
    phone: str = Field(
        default="",
        description="the recipient's phone, as the channel gives it (maybe masked): carriers"
        " print it on the label and call it on delivery",
    )


class Customer(Value):
    name: str = ""
    email: str = ""
    language: str = Field(default="en", description="BCP 47 language tag, e.g. en, zh")
    buyer_id: str = Field(
        default="",
        description="the channel's own id of the buyer (Shopee buyer_user_id, AliExpress buyer"
        " login id); unique within the order's channel only",
    )


class LineProperty(Value):
    """What the buyer asked for a line (Shopify line item properties: engraving text, a gift
    note), for the warehouse."""

    name: str
    value: str
    units: int = Field(
        default=0, ge=0, description="how many of the line's units it is for; 0: every unit"
    )


class OrderLine(Value):
    sku: str = Field(description="master SKU")
    quantity: int = Field(gt=0)
    unit_price: Decimal = Decimal("0")
    properties: tuple[LineProperty, ...] = Field(
        default=(), description="what the buyer asked for these units (engraving text...)"
    )
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
        sku=sku,
        quantity=quantity,
        unit_price=unit_price,
        line_total=total if exact else None,
        properties=_merged_properties(lines),
    )


def _merged_properties(lines: list[OrderLine]) -> tuple[LineProperty, ...]:
    """Each merged line's properties, kept for the units they were asked for."""
    if len(lines) == 1:
        return lines[0].properties
    return tuple(
        prop if prop.units else prop.model_copy(update={"units": line.quantity})
        for line in lines
        for prop in line.properties
    )


def _places(price: Decimal) -> int:
    exponent = price.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


class OrderTotals(Value):
    """What the buyer pays, as the channel tells it, exact, in the order's currency."""

    goods: Decimal = Field(description="the lines, after their own discounts")
    discounts: Decimal = Field(default=Decimal(0), description="order-level discounts")
    shipping: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    tax_included: bool = Field(default=False, description="tax is part of goods and shipping")
    other: Decimal = Field(
        default=Decimal(0),
        description="other charges the channel adds (TikTok Shop's fees, Shopify's tips)",
    )
    total: Decimal

    @property
    def expected_total(self) -> Decimal:
        """What goods, discounts, shipping, tax and other charges add up to."""
        tax = Decimal(0) if self.tax_included else self.tax
        return self.goods - self.discounts + self.shipping + tax + self.other


class CanonicalOrder(Value):
    order_id: str
    channel: str
    external_id: str
    order_number: str = Field(
        default="",
        description="the marketplace's own order number the buyer and seller see (Shopify's"
        " name, #1001); empty where it is the external id",
    )
    customer: Customer
    ship_to: Address
    lines: tuple[OrderLine, ...]
    currency: str = Field(default="USD", description="ISO 4217")
    placed_at: datetime
    ship_by: datetime | None = None
    totals: OrderTotals | None = Field(
        default=None, description="None where the channel's payload does not tell them"
    )
    deliver_by: datetime | None = Field(
        default=None,
        description="the latest delivery the channel promised the buyer, where it says; routing"
        " weighs each carrier service's p90 transit against it",
    )
