"""Shopify: the body of the orders/create webhook, which is the Admin REST API Order resource.

- `line_items[].price` is the unit price before order-level discounts (`discount_allocations`
  and `discount_codes` are not apportioned to lines), in the shop currency `currency`.
- `created_at` is ISO 8601 with the shop's UTC offset; Shopify always sends the offset, so a
  timestamp without one is refused rather than guessed.
- Shopify has no ship-by deadline nor promised delivery date: `ship_by` and `deliver_by` stay
  None.
- Carried for the seller and the warehouse: `name` (#1001, the order number), the shipping
  address's `phone` (else the order's), each line's `properties` (engraving text), and the
  totals: `total_line_items_price` less `total_discounts`, plus `shipping_lines` prices,
  `total_tax` (unless `taxes_included`) and `total_tip_received`, is `total_price`; an order
  whose totals do not add up is held.
- `updated_at` is the order's version: an orders/updated older than the last one applied is
  recorded and ignored.
- Payment is captured for `financial_status` paid or partially_refunded (or absent, as in
  orders created through the API without a transaction); pending, authorized, voided and
  refunded orders are not.
- `customer_locale` is the buyer's language; without one, the destination's (DE: de, JP: ja,
  BR: pt...), else English.
"""

from decimal import Decimal
from typing import Any

from orderflow_contracts import Event
from orderflow_contracts.marketplace import (
    MarketplaceAddressChanged,
    MarketplaceOrderCancelled,
    MarketplacePaymentChanged,
)
from orderflow_contracts.order import Address, Customer, LineProperty, OrderTotals
from pydantic import Field

from orderflow_intake.adapters.base import (
    ChannelLine,
    ChannelModel,
    ParsedOrder,
    join,
    reports_malformed,
)
from orderflow_intake.adapters.fields import (
    Amount,
    CountryCode,
    CurrencyCode,
    ZonedTimestamp,
    exact_minor_units,
    language_for_country,
)

_CAPTURED_STATUSES = {"paid", "partially_refunded", None}


class _ShopifyAddress(ChannelModel):
    first_name: str | None = None
    last_name: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    province_code: str | None = None
    zip: str | None = None
    country_code: CountryCode = ""
    phone: str | None = None


class _ShopifyProperty(ChannelModel):
    name: str
    value: str | int | float | bool | None = None


class _ShopifyShippingLine(ChannelModel):
    price: Amount


class _ShopifyLineItem(ChannelModel):
    sku: str | None
    quantity: int = Field(gt=0)
    price: Amount
    properties: list[_ShopifyProperty] | None = None


class _ShopifyCustomer(ChannelModel):
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None


class _ShopifyOrder(ChannelModel):
    id: int
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    created_at: ZonedTimestamp
    updated_at: ZonedTimestamp | None = None
    currency: CurrencyCode
    financial_status: str | None = None
    cancelled_at: str | None = None
    cancel_reason: str | None = None
    customer_locale: str | None = None
    customer: _ShopifyCustomer | None = None
    shipping_address: _ShopifyAddress | None = None
    line_items: list[_ShopifyLineItem] = Field(min_length=1)
    shipping_lines: list[_ShopifyShippingLine] = []
    total_line_items_price: Amount | None = None
    total_discounts: Amount = Decimal(0)
    total_tax: Amount = Decimal(0)
    taxes_included: bool = False
    total_tip_received: Amount = Decimal(0)
    total_price: Amount | None = None


def _ship_to(address: _ShopifyAddress, order_phone: str | None) -> Address:
    return Address(
        phone=address.phone or order_phone or "",
        name=join(address.first_name, address.last_name),
        line1=address.address1 or "",
        line2=address.address2 or "",
        city=address.city or "",
        region=address.province_code or "",
        postal_code=address.zip or "",
        country=address.country_code,
    )


def _customer(order: _ShopifyOrder) -> Customer:
    customer = order.customer or _ShopifyCustomer()
    return Customer(
        name=join(customer.first_name, customer.last_name),
        email=order.email or customer.email or "",
        language=(order.customer_locale or "").split("-")[0].lower()
        or language_for_country((order.shipping_address or _ShopifyAddress()).country_code),
    )


def _line(index: int, item: _ShopifyLineItem, currency: str) -> ChannelLine:
    return ChannelLine(
        channel_sku=item.sku or "",
        quantity=item.quantity,
        unit_price=exact_minor_units(item.price, currency, f"line_items.{index}.price"),
        properties=tuple(
            LineProperty(name=prop.name, value="" if prop.value is None else str(prop.value))
            for prop in item.properties or ()
        ),
    )


def _totals(order: _ShopifyOrder) -> OrderTotals | None:
    if order.total_line_items_price is None or order.total_price is None:
        return None
    return OrderTotals(
        goods=order.total_line_items_price,
        discounts=order.total_discounts,
        shipping=sum((line.price for line in order.shipping_lines), Decimal(0)),
        tax=order.total_tax,
        tax_included=order.taxes_included,
        other=order.total_tip_received,
        total=order.total_price,
    )


@reports_malformed(
    "shopify",
    expected="the orders/create webhook body: the Order itself, id and line_items at the top",
)
def parse_shopify(payload: Any) -> ParsedOrder:
    order = _ShopifyOrder.model_validate(payload)
    return ParsedOrder(
        channel="shopify",
        external_id=str(order.id),
        customer=_customer(order),
        ship_to=_ship_to(order.shipping_address or _ShopifyAddress(), order.phone),
        lines=tuple(_line(i, item, order.currency) for i, item in enumerate(order.line_items)),
        order_number=order.name or "",
        totals=_totals(order),
        currency=order.currency,
        placed_at=order.created_at,
        payment_captured=order.financial_status in _CAPTURED_STATUSES,
        cancelled=(order.cancel_reason or "") if order.cancelled_at else None,
        version=order.updated_at,
    )


def shopify_topic_updates(
    topic: str, payload: dict[str, Any], order: ParsedOrder
) -> tuple[Event, ...]:
    """Shopify posts its updates as the whole order under another `X-Shopify-Topic`: the
    updates intake applies after the order itself. orders/cancelled cancels; orders/paid and
    orders/updated carry the payment, and orders/updated the shipping address when the body has
    one (intake applies it only where it differs from the last one Shopify sent)."""
    key = {"channel": "shopify", "external_id": order.external_id, "version": order.version}
    if topic == "orders/cancelled":
        return (MarketplaceOrderCancelled(**key, reason=str(payload.get("cancel_reason") or "")),)
    if topic not in ("orders/updated", "orders/paid"):
        return ()
    payment = MarketplacePaymentChanged(
        **key,
        captured=order.payment_captured,
        status=str(payload.get("financial_status") or ""),
    )
    if topic == "orders/updated" and payload.get("shipping_address"):
        return (MarketplaceAddressChanged(**key, ship_to=order.ship_to), payment)
    return (payment,)
