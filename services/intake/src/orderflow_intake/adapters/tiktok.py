"""TikTok Shop: one order object of the 202309 Get Order Detail API
(`GET /order/202309/orders`, `data.orders[i]`).

- Each of `line_items` is one unit (the 202309 API has no quantity field): identical units,
  same `seller_sku` and `sale_price`, become one line with their count as quantity, in the order
  they first appear.
- A unit whose `display_status` is CANCELLED (cancelled on its own, before shipping) is left
  out, unless every unit is: a cancelled order keeps its lines.
- A unit without a `seller_sku` is mapped by TikTok's `sku_id` (else `product_id`):
  PUT /listings/tiktok/items/{sku_id}.
- `sale_price` is what the buyer pays for the unit after seller and platform discounts; amounts
  are decimal strings in `payment.currency`. A line item in another currency is refused.
- `recipient_address.district_info` lists the administrative levels (L0 country, L1 state or
  province, then county/city/district depending on the market): the region is L1 and the city
  is the level named City, Town or Post town, else the deepest level below L1.
  `address_line1`, else `address_detail`, is the street; `address_line2..4` are line 2.
  `region_code` is the two-letter country.
- `create_time`, `rts_sla_time`, `shipping_due_time` and `update_time` (the order's version)
  are unix seconds. The ship-by deadline
  is `rts_sla_time` (by when the parcel must be ready to ship, which TikTok scores as late
  dispatch), else `shipping_due_time`. The latest delivery (deliver_by) is `delivery_due_time`:
  an order not DELIVERED by then is cancelled by TikTok Shop.
- Totals: `payment.sub_total` (after discounts) plus `shipping_fee`, `tax` and the fees is
  `total_amount`; an order whose totals do not add up is held. The recipient's
  `phone_number` is carried for the carrier.
- UNPAID and CANCELLED orders are not paid. ON_HOLD orders are paid (TikTok only keeps the
  buyer's cancellation window open), so they count as paid.
"""

from collections import Counter
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
from orderflow_intake.adapters.iso import minor_units

_UNPAID_STATUSES = {"UNPAID", "CANCELLED"}
_CITY_LEVEL_NAMES = {"city", "town", "post town"}


class _DistrictLevel(ChannelModel):
    address_level: str = ""
    address_level_name: str = ""
    address_name: str = ""


class _TikTokAddress(ChannelModel):
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    address_detail: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    address_line4: str | None = None
    postal_code: str | None = None
    region_code: CountryCode = ""
    phone_number: str | None = None
    district_info: list[_DistrictLevel] = []


class _TikTokLineItem(ChannelModel):
    seller_sku: str | None = None
    sku_id: int | str | None = None
    product_id: int | str | None = None
    sale_price: Amount
    currency: CurrencyCode | None = None
    display_status: str | None = None


class _TikTokPayment(ChannelModel):
    currency: CurrencyCode
    sub_total: Amount | None = None
    shipping_fee: Amount = Decimal(0)
    tax: Amount = Decimal(0)
    retail_delivery_fee: Amount = Decimal(0)
    small_order_fee: Amount = Decimal(0)
    buyer_service_fee: Amount = Decimal(0)
    handling_fee: Amount = Decimal(0)
    item_insurance_fee: Amount = Decimal(0)
    shipping_insurance_fee: Amount = Decimal(0)
    total_amount: Amount | None = None

    def totals(self) -> OrderTotals | None:
        """sub_total is after the seller's and TikTok's discounts; tax is added."""
        if self.sub_total is None or self.total_amount is None:
            return None
        fees = (
            self.retail_delivery_fee,
            self.small_order_fee,
            self.buyer_service_fee,
            self.handling_fee,
            self.item_insurance_fee,
            self.shipping_insurance_fee,
        )
        return OrderTotals(
            goods=self.sub_total,
            shipping=self.shipping_fee,
            tax=self.tax,
            other=sum(fees, Decimal(0)),
            total=self.total_amount,
        )


class _TikTokOrder(ChannelModel):
    id: str = Field(min_length=1)
    status: str
    cancel_reason: str | None = None
    create_time: UnixTime
    update_time: UnixTimeOrUnset = None
    rts_sla_time: UnixTimeOrUnset = None
    shipping_due_time: UnixTimeOrUnset = None
    delivery_due_time: UnixTimeOrUnset = None
    buyer_email: str | None = None
    payment: _TikTokPayment
    recipient_address: _TikTokAddress | None = None
    line_items: list[_TikTokLineItem] = Field(min_length=1)


def _levels_below_state(levels: list[_DistrictLevel]) -> list[_DistrictLevel]:
    return [level for level in levels if level.address_level not in ("L0", "L1")]


def _city(levels: list[_DistrictLevel]) -> str:
    below_state = _levels_below_state(levels)
    named = [lvl for lvl in below_state if lvl.address_level_name.lower() in _CITY_LEVEL_NAMES]
    chosen = named or below_state[-1:]
    return chosen[0].address_name if chosen else ""


def _state(levels: list[_DistrictLevel]) -> str:
    return next((level.address_name for level in levels if level.address_level == "L1"), "")


def _ship_to(address: _TikTokAddress) -> Address:
    return Address(
        name=address.name or join(address.first_name, address.last_name),
        line1=address.address_line1 or address.address_detail or "",
        line2=join(
            address.address_line2, address.address_line3, address.address_line4, separator=", "
        ),
        city=_city(address.district_info),
        region=_state(address.district_info),
        postal_code=address.postal_code or "",
        country=address.region_code,
        phone=address.phone_number or "",
    )


def _still_ordered(items: list[_TikTokLineItem]) -> list[_TikTokLineItem]:
    ordered = [item for item in items if item.display_status != "CANCELLED"]
    return ordered or items


def _minor(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def _lines(items: list[_TikTokLineItem], currency: str) -> tuple[ChannelLine, ...]:
    for index, item in enumerate(items):
        if item.currency not in (None, currency):
            raise PayloadProblem(
                f"line_items.{index}.currency",
                f"{item.currency} differs from the order currency {currency}",
            )
        exact_minor_units(item.sale_price, currency, f"line_items.{index}.sale_price")
    units: Counter[tuple[str, str, Decimal]] = Counter(
        (item.seller_sku or "", _item_id(item), item.sale_price.quantize(_minor(currency)))
        for item in _still_ordered(items)
    )
    return tuple(
        ChannelLine(channel_sku=sku, channel_item_id=item_id, quantity=count, unit_price=price)
        for (sku, item_id, price), count in units.items()
    )


def _item_id(item: _TikTokLineItem) -> str:
    """A unit without a seller SKU: TikTok's own id of the variation sold (sku_id, unique across
    the shop), else of the product."""
    if (item.seller_sku or "").strip():
        return ""
    return str(item.sku_id or item.product_id or "").strip()


@reports_malformed("tiktok", expected="one order of Get Order Detail's data.orders")
def parse_tiktok(payload: Any) -> ParsedOrder:
    order = _TikTokOrder.model_validate(payload)
    ship_to = _ship_to(order.recipient_address or _TikTokAddress())
    currency = order.payment.currency
    return ParsedOrder(
        channel="tiktok",
        external_id=order.id,
        customer=Customer(
            name=ship_to.name,
            email=order.buyer_email or "",
            language=language_for_country(ship_to.country),
        ),
        ship_to=ship_to,
        lines=_lines(order.line_items, currency),
        currency=currency,
        placed_at=order.create_time,
        ship_by=order.rts_sla_time or order.shipping_due_time,
        deliver_by=order.delivery_due_time,
        payment_captured=order.status not in _UNPAID_STATUSES,
        cancelled=(order.cancel_reason or "") if order.status == "CANCELLED" else None,
        version=order.update_time,
        totals=order.payment.totals(),
    )
