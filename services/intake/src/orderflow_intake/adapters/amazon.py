"""Amazon: SP-API Orders v0, getOrder's `payload` (an Order) and getOrderItems'
`payload.OrderItems`, side by side as `{"order": {...}, "items": [...]}`.

- `ItemPrice` is the price of the whole line (unit price x QuantityOrdered), so the unit price
  is ItemPrice / QuantityOrdered rounded half up to the currency's minor unit.
  `PromotionDiscount` is not apportioned, as for Shopify's discount codes.
- The currency is `OrderTotal.CurrencyCode`; pending orders carry no OrderTotal, so the first
  ItemPrice's currency stands in, then USD (a pending order is held for payment anyway). A line
  priced in another currency than the order is refused.
- SP-API documents every date as ISO 8601 in UTC, so a date without a zone is read as UTC.
- `LatestShipDate` is the ship-by deadline.
- Pending (not yet charged), PendingAvailability (pre-orders) and Canceled orders are not paid.
"""

from decimal import Decimal
from typing import Any

from orderflow_contracts.order import Address, Customer
from pydantic import Field

from orderflow_intake.adapters import fields
from orderflow_intake.adapters.base import (
    ChannelLine,
    ChannelModel,
    ParsedOrder,
    PayloadProblem,
    reports_malformed,
)
from orderflow_intake.adapters.fields import UtcTimestamp, in_minor_units, language_for_country

_UNPAID_STATUSES = {"Pending", "PendingAvailability", "Canceled"}


class _Money(ChannelModel):
    # Field names are SP-API's own, hence the qualified types.
    CurrencyCode: fields.CurrencyCode
    Amount: fields.Amount


class _AmazonAddress(ChannelModel):
    Name: str | None = None
    AddressLine1: str | None = None
    AddressLine2: str | None = None
    City: str | None = None
    StateOrRegion: str | None = None
    PostalCode: str | None = None
    CountryCode: fields.CountryCode = ""


class _AmazonBuyer(ChannelModel):
    BuyerEmail: str | None = None
    BuyerName: str | None = None


class _AmazonOrder(ChannelModel):
    AmazonOrderId: str = Field(min_length=1)
    PurchaseDate: UtcTimestamp
    LatestShipDate: UtcTimestamp | None = None
    OrderStatus: str
    OrderTotal: _Money | None = None
    BuyerInfo: _AmazonBuyer | None = None
    ShippingAddress: _AmazonAddress | None = None


class _AmazonItem(ChannelModel):
    SellerSKU: str
    QuantityOrdered: int = Field(gt=0)
    ItemPrice: _Money | None = None


class _AmazonPayload(ChannelModel):
    order: _AmazonOrder
    items: list[_AmazonItem] = Field(min_length=1)


def _currency(parsed: _AmazonPayload) -> str:
    if parsed.order.OrderTotal:
        return parsed.order.OrderTotal.CurrencyCode
    prices = [item.ItemPrice for item in parsed.items if item.ItemPrice]
    return prices[0].CurrencyCode if prices else "USD"


def _line(index: int, item: _AmazonItem, currency: str) -> ChannelLine:
    price = item.ItemPrice
    if price and price.CurrencyCode != currency:
        raise PayloadProblem(
            f"items.{index}.ItemPrice.CurrencyCode",
            f"{price.CurrencyCode} differs from the order currency {currency}",
        )
    line_total = price.Amount if price else Decimal(0)
    return ChannelLine(
        channel_sku=item.SellerSKU,
        quantity=item.QuantityOrdered,
        unit_price=in_minor_units(line_total / item.QuantityOrdered, currency),
    )


def _ship_to(address: _AmazonAddress) -> Address:
    return Address(
        name=address.Name or "",
        line1=address.AddressLine1 or "",
        line2=address.AddressLine2 or "",
        city=address.City or "",
        region=address.StateOrRegion or "",
        postal_code=address.PostalCode or "",
        country=address.CountryCode,
    )


@reports_malformed("amazon")
def parse_amazon(payload: Any) -> ParsedOrder:
    parsed = _AmazonPayload.model_validate(payload)
    order, address = parsed.order, parsed.order.ShippingAddress or _AmazonAddress()
    buyer = order.BuyerInfo or _AmazonBuyer()
    currency = _currency(parsed)
    return ParsedOrder(
        channel="amazon",
        external_id=order.AmazonOrderId,
        customer=Customer(
            name=buyer.BuyerName or address.Name or "",
            email=buyer.BuyerEmail or "",
            language=language_for_country(address.CountryCode),
        ),
        ship_to=_ship_to(address),
        lines=tuple(_line(index, item, currency) for index, item in enumerate(parsed.items)),
        currency=currency,
        placed_at=order.PurchaseDate,
        ship_by=order.LatestShipDate,
        payment_captured=order.OrderStatus not in _UNPAID_STATUSES,
    )
