"""AliExpress: the order detail of `aliexpress.solution.order.info.get` (`result.data`, a
GlobalAeopTpOrderDetailDto), the seller-side successor of
`aliexpress.trade.new.redefining.findorderbyid`, which has the same fields.

- A line without a `sku_code` is mapped by `product_id:sku_id` (the product id alone when
  there is no sku_id): PUT /listings/aliexpress/items/{id}.
- Lines come from `child_order_list`: `sku_code` (the seller's SKU), `product_count` (listing
  units; a lot's pieces are the listing's business, `lot_num` is not multiplied in) and
  `product_price` {amount, currency_code}, the unit price. Order-level discounts
  (`child_order_discount_info`, coupons) are not apportioned, as for Shopify and Amazon.
  AliExpress's TOP JSON wraps lists in an object named after the element type
  (`{"global_aeop_tp_child_order_dto": [...]}`); the bare list is accepted too.
- The currency is `order_amount.currency_code`, else the first product price's.
- Totals: the products less `order_discount_info`, plus `logistics_amount`, is `order_amount`;
  an order whose totals do not add up is held. The receipt address's `phone_country` and
  `mobile_no` (else `phone_area` and `phone_number`) are the recipient's phone.
- AliExpress shares no buyer e-mail: the buyer is known by its login id, `buyerloginid`, else
  `buyer_info.login_id` (the buyer's identity for probable duplicates).
- `receipt_address`: `contact_person`, `address` (else `detail_address`), `address2`, `city`,
  `province`, `zip`, `country`. AliExpress writes UK for the United Kingdom and SRB / MNE for
  Serbia / Montenegro: they become GB, RS and ME.
- `gmt_create`, `gmt_pay_success` and `gmt_modified` (the order's version) are "yyyy-MM-dd HH:mm:ss" in US Pacific time, as the API
  documents; the older compact form "yyyyMMddHHmmssSSS-0700" carries its own offset.
- AliExpress gives a handling time, not a deadline: `goods_prepare_time` days per child order,
  counted from payment. The ship-by deadline is `gmt_pay_success` plus the longest of them, and
  None before payment. The order detail documents no promised delivery date: deliver_by stays
  None (routing falls back on its own promise per channel and country).
- Not paid: PLACE_ORDER_SUCCESS (awaiting payment), RISK_CONTROL (payment under AliExpress's
  risk check, not to be shipped yet), or a `fund_status` other than PAY_SUCCESS.
"""

import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from orderflow_contracts.order import Address, Customer, OrderTotals
from pydantic import BeforeValidator, Field

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
    CurrencyCode,
    UsPacificTimestamp,
    country_code,
    exact_minor_units,
    language_for_country,
)

_UNPAID_STATUSES = {"PLACE_ORDER_SUCCESS", "RISK_CONTROL"}
_COUNTRY_ALIASES = {"UK": "GB", "SRB": "RS", "MNE": "ME"}
_COMPACT_TIME = re.compile(r"(\d{14})\d{3}([+-]\d{4})")


def _aliexpress_country(value: object) -> object:
    if isinstance(value, str):
        value = _COUNTRY_ALIASES.get(value.strip().upper(), value)
    return country_code(value)


def _compact_time(value: object) -> object:
    match = _COMPACT_TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return value
    return datetime.strptime("".join(match.groups()), "%Y%m%d%H%M%S%z")


def _unwrapped_list(value: object) -> object:
    if isinstance(value, dict) and len(value) == 1:
        return next(iter(value.values()))
    return value


def _digits(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


AliExpressCountry = Annotated[str, BeforeValidator(_aliexpress_country)]
AliExpressTime = Annotated[UsPacificTimestamp, BeforeValidator(_compact_time)]
AliExpressId = Annotated[str, BeforeValidator(_digits), Field(pattern=r"^\d+$")]


class _Money(ChannelModel):
    amount: Amount
    currency_code: CurrencyCode


class _ReceiptAddress(ChannelModel):
    contact_person: str | None = None
    address: str | None = None
    address2: str | None = None
    detail_address: str | None = None
    city: str | None = None
    province: str | None = None
    zip: str | None = None
    country: AliExpressCountry = ""
    phone_country: str | None = None
    mobile_no: str | None = None
    phone_area: str | None = None
    phone_number: str | None = None


class _ChildOrder(ChannelModel):
    sku_code: str | None = None
    product_id: int | str | None = None
    sku_id: int | str | None = None
    product_count: int = Field(gt=0)
    product_price: _Money
    goods_prepare_time: int | None = Field(default=None, ge=0, le=365)


class _BuyerInfo(ChannelModel):
    login_id: str | None = None


class _AliExpressOrder(ChannelModel):
    id: AliExpressId
    gmt_create: AliExpressTime
    gmt_pay_success: AliExpressTime | None = None
    gmt_modified: AliExpressTime | None = None
    order_status: str
    fund_status: str | None = None
    order_amount: _Money | None = None
    order_discount_info: _Money | None = None
    logistics_amount: _Money | None = None
    buyer_signer_fullname: str | None = None
    buyerloginid: str | None = None
    buyer_info: _BuyerInfo | None = None
    receipt_address: _ReceiptAddress | None = None
    child_order_list: Annotated[
        list[_ChildOrder], BeforeValidator(_unwrapped_list), Field(min_length=1)
    ]


def _ship_to(address: _ReceiptAddress) -> Address:
    return Address(
        name=address.contact_person or "",
        line1=address.address or address.detail_address or "",
        line2=address.address2 or "",
        city=address.city or "",
        region=address.province or "",
        postal_code=address.zip or "",
        country=address.country,
        phone=_phone(address),
    )


def _phone(address: _ReceiptAddress) -> str:
    """The mobile number, else the phone (area and number), after the country calling code."""
    number = join(address.mobile_no) or join(address.phone_area, address.phone_number)
    return join(address.phone_country, number) if number else ""


def _line(index: int, child: _ChildOrder, currency: str) -> ChannelLine:
    price = child.product_price
    if price.currency_code != currency:
        raise PayloadProblem(
            f"child_order_list.{index}.product_price.currency_code",
            f"{price.currency_code} differs from the order currency {currency}",
        )
    sku = (child.sku_code or "").strip()
    return ChannelLine(
        channel_sku=sku,
        channel_item_id="" if sku else _item_id(child),
        quantity=child.product_count,
        unit_price=exact_minor_units(
            price.amount, currency, f"child_order_list.{index}.product_price.amount"
        ),
    )


def _item_id(child: _ChildOrder) -> str:
    """A line without a seller SKU: AliExpress's `product_id:sku_id` (the product alone when
    the line tells no sku_id)."""
    product, sku = str(child.product_id or "").strip(), str(child.sku_id or "").strip()
    if not product:
        return ""
    return f"{product}:{sku}" if sku else product


def _totals(order: _AliExpressOrder, currency: str) -> OrderTotals | None:
    """The products (product_price x product_count) less order_discount_info, plus
    logistics_amount, is order_amount."""
    if order.order_amount is None:
        return None
    extras = {
        "order_discount_info": order.order_discount_info,
        "logistics_amount": order.logistics_amount,
    }
    for name, money in extras.items():
        if money is not None and money.currency_code != currency:
            raise PayloadProblem(
                f"{name}.currency_code",
                f"{money.currency_code} differs from the order currency {currency}",
            )
    children = order.child_order_list
    return OrderTotals(
        goods=sum((c.product_price.amount * c.product_count for c in children), Decimal(0)),
        discounts=order.order_discount_info.amount if order.order_discount_info else Decimal(0),
        shipping=order.logistics_amount.amount if order.logistics_amount else Decimal(0),
        total=order.order_amount.amount,
    )


def _ship_by(order: _AliExpressOrder) -> datetime | None:
    handling_days = [c.goods_prepare_time for c in order.child_order_list]
    known_days = [days for days in handling_days if days is not None]
    if order.gmt_pay_success is None or not known_days:
        return None
    return order.gmt_pay_success + timedelta(days=max(known_days))


def _paid(order: _AliExpressOrder) -> bool:
    funds_ok = order.fund_status in (None, "PAY_SUCCESS")
    return funds_ok and order.order_status not in _UNPAID_STATUSES


def _buyer_login_id(order: _AliExpressOrder) -> str:
    info = order.buyer_info or _BuyerInfo()
    return join(order.buyerloginid) or join(info.login_id)


@reports_malformed(
    "aliexpress", expected="the order detail of aliexpress.solution.order.info.get (result.data)"
)
def parse_aliexpress(payload: Any) -> ParsedOrder:
    order = _AliExpressOrder.model_validate(payload)
    ship_to = _ship_to(order.receipt_address or _ReceiptAddress())
    children = order.child_order_list
    currency = (order.order_amount or children[0].product_price).currency_code
    return ParsedOrder(
        channel="aliexpress",
        external_id=order.id,
        customer=Customer(
            name=join(order.buyer_signer_fullname) or ship_to.name,
            language=language_for_country(ship_to.country),
            buyer_id=_buyer_login_id(order),
        ),
        ship_to=ship_to,
        lines=tuple(_line(index, child, currency) for index, child in enumerate(children)),
        currency=currency,
        placed_at=order.gmt_create,
        ship_by=_ship_by(order),
        payment_captured=_paid(order),
        totals=_totals(order, currency),
        version=order.gmt_modified,
    )
