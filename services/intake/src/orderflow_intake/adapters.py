"""Each channel's order payload mapped to one parsed order. Field names follow each channel's
public API: Shopify's order webhook, Amazon SP-API's Order plus its OrderItems."""

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from orderflow_contracts.order import Address, Customer, Value
from pydantic import BaseModel, ConfigDict, Field, ValidationError


class ChannelLine(Value):
    channel_sku: str
    quantity: int
    unit_price: Decimal


class ParsedOrder(Value):
    """A channel's order in our vocabulary, before SKUs are mapped and rules applied."""

    channel: str
    external_id: str
    customer: Customer
    ship_to: Address
    lines: tuple[ChannelLine, ...]
    currency: str
    placed_at: datetime
    ship_by: datetime | None = None
    payment_captured: bool = True


class MalformedChannelPayload(ValueError):
    pass


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


# --- Shopify: the orders/create webhook body (Admin API Order resource) --------------------


class _ShopifyAddress(_Lenient):
    first_name: str | None = None
    last_name: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    province_code: str | None = None
    zip: str | None = None
    country_code: str | None = None


class _ShopifyLineItem(_Lenient):
    sku: str | None
    quantity: int = Field(gt=0)
    price: Decimal


class _ShopifyCustomer(_Lenient):
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None


class _ShopifyOrder(_Lenient):
    id: int
    email: str | None = None
    created_at: datetime
    currency: str = Field(min_length=3, max_length=3)
    financial_status: str | None = None
    customer_locale: str | None = None
    customer: _ShopifyCustomer | None = None
    shipping_address: _ShopifyAddress | None = None
    line_items: list[_ShopifyLineItem] = Field(min_length=1)


def _join(*parts: str | None) -> str:
    return " ".join(part for part in parts if part)


def parse_shopify(payload: dict[str, Any]) -> ParsedOrder:
    order = _ShopifyOrder.model_validate(payload)
    address = order.shipping_address or _ShopifyAddress()
    customer = order.customer or _ShopifyCustomer()
    return ParsedOrder(
        channel="shopify",
        external_id=str(order.id),
        customer=Customer(
            name=_join(customer.first_name, customer.last_name),
            email=order.email or customer.email or "",
            language=(order.customer_locale or "en").split("-")[0].lower(),
        ),
        ship_to=Address(
            name=_join(address.first_name, address.last_name),
            line1=address.address1 or "",
            line2=address.address2 or "",
            city=address.city or "",
            region=address.province_code or "",
            postal_code=address.zip or "",
            country=(address.country_code or "").upper(),
        ),
        lines=tuple(
            ChannelLine(channel_sku=item.sku or "", quantity=item.quantity, unit_price=item.price)
            for item in order.line_items
        ),
        currency=order.currency.upper(),
        placed_at=order.created_at.astimezone(UTC),
        payment_captured=order.financial_status in ("paid", "partially_refunded", None),
    )


# --- Amazon: SP-API Orders v0 getOrder + getOrderItems, as {"order": ..., "items": ...} ----


class _Money(_Lenient):
    CurrencyCode: str
    Amount: Decimal


class _AmazonAddress(_Lenient):
    Name: str | None = None
    AddressLine1: str | None = None
    AddressLine2: str | None = None
    City: str | None = None
    StateOrRegion: str | None = None
    PostalCode: str | None = None
    CountryCode: str | None = None


class _AmazonBuyer(_Lenient):
    BuyerEmail: str | None = None
    BuyerName: str | None = None


class _AmazonOrder(_Lenient):
    AmazonOrderId: str
    PurchaseDate: datetime
    LatestShipDate: datetime | None = None
    OrderStatus: str
    OrderTotal: _Money | None = None
    BuyerInfo: _AmazonBuyer | None = None
    ShippingAddress: _AmazonAddress | None = None


class _AmazonItem(_Lenient):
    SellerSKU: str
    QuantityOrdered: int = Field(gt=0)
    ItemPrice: _Money | None = None


class _AmazonPayload(_Lenient):
    order: _AmazonOrder
    items: list[_AmazonItem] = Field(min_length=1)


_CHINESE_SPEAKING = {"CN", "TW", "HK", "MO"}


def parse_amazon(payload: dict[str, Any]) -> ParsedOrder:
    parsed = _AmazonPayload.model_validate(payload)
    order, address = parsed.order, parsed.order.ShippingAddress or _AmazonAddress()
    buyer = order.BuyerInfo or _AmazonBuyer()
    country = (address.CountryCode or "").upper()
    # ItemPrice is the line total in SP-API: divide by quantity for the unit price.
    lines = tuple(
        ChannelLine(
            channel_sku=item.SellerSKU,
            quantity=item.QuantityOrdered,
            unit_price=(item.ItemPrice.Amount / item.QuantityOrdered)
            if item.ItemPrice
            else Decimal(0),
        )
        for item in parsed.items
    )
    return ParsedOrder(
        channel="amazon",
        external_id=order.AmazonOrderId,
        customer=Customer(
            name=buyer.BuyerName or address.Name or "",
            email=buyer.BuyerEmail or "",
            language="zh" if country in _CHINESE_SPEAKING else "en",
        ),
        ship_to=Address(
            name=address.Name or "",
            line1=address.AddressLine1 or "",
            line2=address.AddressLine2 or "",
            city=address.City or "",
            region=address.StateOrRegion or "",
            postal_code=address.PostalCode or "",
            country=country,
        ),
        lines=lines,
        currency=order.OrderTotal.CurrencyCode if order.OrderTotal else "USD",
        placed_at=order.PurchaseDate.astimezone(UTC),
        ship_by=order.LatestShipDate.astimezone(UTC) if order.LatestShipDate else None,
        payment_captured=order.OrderStatus not in ("Pending", "Canceled"),
    )


ADAPTERS: dict[str, Callable[[dict[str, Any]], ParsedOrder]] = {
    "shopify": parse_shopify,
    "amazon": parse_amazon,
}


def parse(channel: str, payload: dict[str, Any]) -> ParsedOrder:
    adapter = ADAPTERS.get(channel)
    if adapter is None:
        raise MalformedChannelPayload(f"no adapter for channel {channel!r}")
    try:
        return adapter(payload)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise MalformedChannelPayload(f"{channel} order: {field}: {first['msg']}") from error
