"""Shopee: one order object of Open Platform v2 `v2.order.get_order_detail`
(`response.order_list[i]`), requested with `response_optional_fields` including
recipient_address, item_list, pay_time and buyer_username.

- The channel SKU is `model_sku` (the variation's SKU), else `item_sku` (the listing's parent
  SKU) for items without variations. Sellers often leave both empty: such a line is mapped by
  its `item_id:model_id` (model_id 0 for an item without variations).
- `model_discounted_price` is the price of one unit after the item's own promotion and before
  vouchers and coins (Shopee reports per-line subtotals only in escrow details, not here);
  prices are JSON numbers in `currency`, the currency of the order's `region` (another is
  refused); an amount finer than its minor unit is refused, never rounded.
- `recipient_address` has no street lines: `full_address` is the street address, with any
  `district` and `town` not already in it added as line 2. Its `region` is the two-letter
  country; the order's own `region` stands in when it is missing.
- `create_time`, `pay_time`, `ship_by_date` and `update_time` (the order's version) are unix
  seconds (UTC by definition).
- The promised delivery (deliver_by) is `edt_to`, the latest estimated delivery time, which
  get_order_detail returns with the optional field `edt` (Shopee documents it for Brazil only;
  elsewhere the order promises no date).
- The ship-by deadline is `ship_by_date`; before Shopee sets it (0), `days_to_ship` days from
  payment, or from creation for cash-on-delivery orders.
- UNPAID, PENDING (still being checked by Shopee) and CANCELLED orders are not paid. Cash on
  delivery orders are cleared for shipping by Shopee, so they count as paid.
- Totals: get_order_detail tells `total_amount` but not what makes it up (vouchers, coins and
  the shipping fee the buyer paid are only in `v2.payment.get_escrow_detail`), so an order
  detail alone carries no totals. A body that also carries that order's
  `response.order_income` as `order_income` does: `original_price` less `seller_discount` and
  `shopee_discount` (the goods), less `voucher_from_seller`, `voucher_from_shopee`, `coins` and
  `payment_promotion` (the discounts), plus `buyer_paid_shipping_fee`, `cross_border_tax` (tax)
  and `buyer_transaction_fee` (other) is `buyer_total_amount`, as Shopee documents it; an
  order whose totals do not add up is held.
- Shopee shares no buyer e-mail: the customer is the recipient, speaking the language of the
  destination country, known to Shopee as `buyer_user_id` (the buyer's identity for probable
  duplicates).
"""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from orderflow_contracts.order import Address, Customer, OrderTotals
from pydantic import Field

from orderflow_intake.adapters.base import (
    ChannelLine,
    ChannelModel,
    ParsedOrder,
    PayloadProblem,
    join,
    reports_malformed,
)
from orderflow_intake.adapters.fields import (
    Amount,
    CountryCode,
    CurrencyCode,
    UnixTime,
    UnixTimeOrUnset,
    exact_minor_units,
    language_for_country,
)

_UNPAID_STATUSES = {"UNPAID", "PENDING", "CANCELLED"}
# Each Shopee marketplace (the order's `region`) sells in its country's currency.
REGION_CURRENCIES = {
    "SG": "SGD",
    "MY": "MYR",
    "TH": "THB",
    "ID": "IDR",
    "VN": "VND",
    "PH": "PHP",
    "TW": "TWD",
    "BR": "BRL",
    "MX": "MXN",
    "CO": "COP",
    "CL": "CLP",
}


class _ShopeeAddress(ChannelModel):
    name: str | None = None
    phone: str | None = None
    town: str | None = None
    district: str | None = None
    city: str | None = None
    state: str | None = None
    region: CountryCode = ""
    zipcode: str | None = None
    full_address: str | None = None


class _ShopeeItem(ChannelModel):
    item_id: int | str = ""
    model_id: int | str = 0  # 0: an item without variations
    item_sku: str | None = None
    model_sku: str | None = None
    model_quantity_purchased: int = Field(gt=0)
    model_discounted_price: Amount


class _OrderIncome(ChannelModel):
    """get_escrow_detail's `response.order_income`: what the buyer paid, itemised."""

    buyer_total_amount: Amount
    original_price: Amount
    seller_discount: Amount = Decimal(0)
    shopee_discount: Amount = Decimal(0)
    voucher_from_seller: Amount = Decimal(0)
    voucher_from_shopee: Amount = Decimal(0)
    coins: Amount = Decimal(0)
    payment_promotion: Amount = Decimal(0)
    buyer_paid_shipping_fee: Amount = Decimal(0)
    buyer_transaction_fee: Amount = Decimal(0)
    cross_border_tax: Amount = Decimal(0)

    def totals(self) -> OrderTotals:
        return OrderTotals(
            goods=self.original_price - self.seller_discount - self.shopee_discount,
            discounts=self.voucher_from_seller
            + self.voucher_from_shopee
            + self.coins
            + self.payment_promotion,
            shipping=self.buyer_paid_shipping_fee,
            tax=self.cross_border_tax,
            other=self.buyer_transaction_fee,
            total=self.buyer_total_amount,
        )


class _ShopeeOrder(ChannelModel):
    order_sn: str = Field(min_length=1)
    buyer_user_id: int | str | None = None
    region: CountryCode = ""
    currency: CurrencyCode
    cod: bool = False
    order_status: str
    cancel_reason: str | None = None
    create_time: UnixTime
    update_time: UnixTimeOrUnset = None
    pay_time: UnixTimeOrUnset = None
    ship_by_date: UnixTimeOrUnset = None
    edt_to: UnixTimeOrUnset = None
    days_to_ship: int | None = Field(default=None, ge=0, le=365)
    recipient_address: _ShopeeAddress | None = None
    item_list: list[_ShopeeItem] = Field(min_length=1)
    order_income: _OrderIncome | None = None


def _ship_to(address: _ShopeeAddress, order_region: str) -> Address:
    street = address.full_address or ""
    extra = (part for part in (address.district, address.town) if part and part not in street)
    return Address(
        name=address.name or "",
        line1=street,
        line2=join(*extra, separator=", "),
        city=address.city or "",
        region=address.state or "",
        postal_code=address.zipcode or "",
        country=address.region or order_region,
        phone=address.phone or "",
    )


def _ship_by(order: _ShopeeOrder) -> datetime | None:
    if order.ship_by_date or order.days_to_ship is None:
        return order.ship_by_date
    handling_starts = order.create_time if order.cod else order.pay_time
    return handling_starts + timedelta(days=order.days_to_ship) if handling_starts else None


def _line(index: int, item: _ShopeeItem, currency: str) -> ChannelLine:
    price_field = f"item_list.{index}.model_discounted_price"
    sku = item.model_sku or item.item_sku or ""
    return ChannelLine(
        channel_sku=sku,
        channel_item_id="" if sku or not item.item_id else f"{item.item_id}:{item.model_id or 0}",
        quantity=item.model_quantity_purchased,
        unit_price=exact_minor_units(item.model_discounted_price, currency, price_field),
    )


@reports_malformed("shopee", expected="one order of get_order_detail's response.order_list")
def parse_shopee(payload: Any) -> ParsedOrder:
    order = _ShopeeOrder.model_validate(payload)
    expected = REGION_CURRENCIES.get(order.region, order.currency)
    if order.currency != expected:
        raise PayloadProblem(
            "currency",
            f"{order.currency} is not the currency of Shopee {order.region} ({expected})",
        )
    ship_to = _ship_to(order.recipient_address or _ShopeeAddress(), order.region)
    return ParsedOrder(
        channel="shopee",
        external_id=order.order_sn,
        customer=Customer(
            name=ship_to.name,
            language=language_for_country(ship_to.country),
            buyer_id=str(order.buyer_user_id or "").strip(),
        ),
        ship_to=ship_to,
        lines=tuple(_line(i, item, order.currency) for i, item in enumerate(order.item_list)),
        currency=order.currency,
        placed_at=order.create_time,
        ship_by=_ship_by(order),
        deliver_by=order.edt_to,
        payment_captured=order.order_status not in _UNPAID_STATUSES,
        cancelled=(order.cancel_reason or "") if order.order_status == "CANCELLED" else None,
        version=order.update_time,
        totals=_totals(order),
    )


def _totals(order: _ShopeeOrder) -> OrderTotals | None:
    income = order.order_income
    if income is None:
        return None
    for name, amount in income:
        exact_minor_units(amount, order.currency, f"order_income.{name}")
    return income.totals()
