"""Amazon: SP-API Orders v0, getOrder's `payload` (an Order) and getOrderItems'
`payload.OrderItems`, side by side as `{"order": {...}, "items": [...]}`.

- `ItemPrice` is the price of the whole line (unit price x QuantityOrdered): it is kept as the
  line total, exact, so the lines add up to OrderTotal; the unit price is ItemPrice /
  QuantityOrdered rounded half up to the currency's minor unit (1000 JPY / 3 -> 333, line
  total 1000). `PromotionDiscount` is not apportioned, as for Shopify's discount codes.
- The currency is `OrderTotal.CurrencyCode`; pending orders carry no OrderTotal, so the first
  ItemPrice's currency stands in, then the currency of the `MarketplaceId` (SP-API's table of
  marketplace ids, one country each). Otherwise the currency is unknown ("") and intake holds
  the order: a later payment capture re-reads this same payload, and no currency is invented.
  A currency other than the marketplace's (a JPY price on the US marketplace) is refused, and
  so is a line priced in another currency than the order, or an amount finer than the
  currency's minor unit (a fractional JPY amount is never rounded).
- SP-API documents every date as ISO 8601 in UTC, so a date without a zone is read as UTC.
- Totals: the items' ItemPrice less PromotionDiscount and ShippingDiscount, plus ShippingPrice
  and, on Amazon.com and Amazon.ca where prices exclude tax, ItemTax and ShippingTax, is
  OrderTotal; an order whose totals do not add up is held. The ShippingAddress's Phone is
  carried for the carrier.
- A line is the OrderItem's `SellerSKU`; one without (SP-API documents it as optional) is
  mapped by its `ASIN` (PUT /listings/amazon/items/{ASIN}).
- What the buyer asked per line (the OrderItem's `BuyerInfo`, returned with getOrderItems
  under a restricted data token): `BuyerCustomizedInfo.CustomizedURL` (Amazon Custom: a ZIP with
  the customization's text and choices, e.g. engraving) becomes the line property
  `Customization`, `GiftMessageText` the property `Gift message`.
- `LatestShipDate` is the ship-by deadline, `LatestDeliveryDate` the latest delivery promised
  to the buyer (deliver_by); `LastUpdateDate` the order's version.
- Pending (not yet charged), PendingAvailability (pre-orders) and Canceled orders are not paid.
"""

from decimal import Decimal
from typing import Any

from orderflow_contracts.order import Address, Customer, LineProperty, OrderTotals
from pydantic import Field

from orderflow_intake.adapters import fields
from orderflow_intake.adapters.base import (
    ChannelLine,
    ChannelModel,
    ParsedOrder,
    PayloadProblem,
    reports_malformed,
)
from orderflow_intake.adapters.fields import (
    UtcTimestamp,
    exact_minor_units,
    in_minor_units,
    language_for_country,
)

_UNPAID_STATUSES = {"Pending", "PendingAvailability", "Canceled"}

# SP-API's marketplace ids (developer-docs.amazon.com/sp-api/docs/marketplace-ids), each one
# country, with that country's currency.
MARKETPLACE_CURRENCIES = {
    "A2EUQ1WTGCTBG2": "CAD",
    "ATVPDKIKX0DER": "USD",
    "A1AM78C64UM0Y8": "MXN",
    "A2Q3Y263D00KWC": "BRL",
    "A28R8C7NBKEWEA": "EUR",  # Ireland
    "A1RKKUPIHCS9HS": "EUR",  # Spain
    "A1F83G8C2ARO7P": "GBP",
    "A13V1IB3VIYZZH": "EUR",  # France
    "AMEN7PMS3EDWL": "EUR",  # Belgium
    "A1805IZSGTT6HS": "EUR",  # Netherlands
    "A1PA6795UKMFR9": "EUR",  # Germany
    "APJ6JRA9NG5V4": "EUR",  # Italy
    "A2NODRKZP88ZB9": "SEK",
    "AE08WJ6YKNBMC": "ZAR",
    "A1C3SOZRARQ6R3": "PLN",
    "ARBP9OOSHTCHU": "EGP",
    "A33AVAJ2PDY3EV": "TRY",
    "A17E79C6D8DWNP": "SAR",
    "A2VIGQ35RCS4UG": "AED",
    "A21TJRUUN4KGV": "INR",
    "A19VAU5U5O7RUS": "SGD",
    "A39IBJ37TRP1C6": "AUD",
    "A1VC38T7YXB528": "JPY",
}


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
    Phone: str | None = None


class _AmazonBuyer(ChannelModel):
    BuyerEmail: str | None = None
    BuyerName: str | None = None


class _AmazonOrder(ChannelModel):
    AmazonOrderId: str = Field(min_length=1)
    PurchaseDate: UtcTimestamp
    LatestShipDate: UtcTimestamp | None = None
    LatestDeliveryDate: UtcTimestamp | None = None
    LastUpdateDate: UtcTimestamp | None = None
    OrderStatus: str
    MarketplaceId: str | None = None
    OrderTotal: _Money | None = None
    BuyerInfo: _AmazonBuyer | None = None
    ShippingAddress: _AmazonAddress | None = None


class _CustomizedInfo(ChannelModel):
    CustomizedURL: str | None = None


class _ItemBuyerInfo(ChannelModel):
    BuyerCustomizedInfo: _CustomizedInfo | None = None
    GiftMessageText: str | None = None


class _AmazonItem(ChannelModel):
    ASIN: str = ""
    SellerSKU: str | None = None
    QuantityOrdered: int = Field(gt=0)
    ItemPrice: _Money | None = None
    ShippingPrice: _Money | None = None
    ItemTax: _Money | None = None
    ShippingTax: _Money | None = None
    PromotionDiscount: _Money | None = None
    ShippingDiscount: _Money | None = None
    BuyerInfo: _ItemBuyerInfo | None = None


class _AmazonPayload(ChannelModel):
    order: _AmazonOrder
    items: list[_AmazonItem] = Field(min_length=1)


def _currency(parsed: _AmazonPayload) -> str:
    marketplace_id = (parsed.order.MarketplaceId or "").strip()
    marketplace = MARKETPLACE_CURRENCIES.get(marketplace_id, "")
    prices = [
        (f"items.{index}.ItemPrice.CurrencyCode", item.ItemPrice.CurrencyCode)
        for index, item in enumerate(parsed.items)
        if item.ItemPrice
    ]
    if parsed.order.OrderTotal:
        prices.insert(0, ("order.OrderTotal.CurrencyCode", parsed.order.OrderTotal.CurrencyCode))
    if not prices:
        return marketplace
    field, currency = prices[0]
    if marketplace and currency != marketplace:
        raise PayloadProblem(
            field,
            f"{currency} is not the currency of marketplace {marketplace_id} ({marketplace})",
        )
    return currency


def _line(index: int, item: _AmazonItem, currency: str) -> ChannelLine:
    price = item.ItemPrice
    if price and price.CurrencyCode != currency:
        raise PayloadProblem(
            f"items.{index}.ItemPrice.CurrencyCode",
            f"{price.CurrencyCode} differs from the order currency {currency}",
        )
    amount_field = f"items.{index}.ItemPrice.Amount"
    line_total = exact_minor_units(price.Amount if price else Decimal(0), currency, amount_field)
    sku = (item.SellerSKU or "").strip()
    return ChannelLine(
        channel_sku=sku,
        channel_item_id="" if sku else item.ASIN.strip(),
        quantity=item.QuantityOrdered,
        unit_price=in_minor_units(line_total / item.QuantityOrdered, currency),
        line_total=line_total,
        properties=_asked_for(item.BuyerInfo),
    )


def _asked_for(buyer: _ItemBuyerInfo | None) -> tuple[LineProperty, ...]:
    """What the buyer asked for the line: Amazon Custom's customization (the URL of its ZIP,
    which holds the text and choices) and the gift message."""
    if buyer is None:
        return ()
    customized = buyer.BuyerCustomizedInfo.CustomizedURL if buyer.BuyerCustomizedInfo else None
    asked = [("Customization", customized), ("Gift message", buyer.GiftMessageText)]
    return tuple(LineProperty(name=name, value=value) for name, value in asked if value)


# Where item prices exclude tax (OrderTotal adds ItemTax and ShippingTax): North America.
_TAX_ADDED = {"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"}


def _sum(items: list[_AmazonItem], *names: str) -> Decimal:
    moneys = [getattr(item, name) for item in items for name in names]
    return sum((money.Amount for money in moneys if money is not None), Decimal(0))


def _totals(parsed: _AmazonPayload, currency: str) -> OrderTotals | None:
    """Pending orders carry no OrderTotal, nor totals then."""
    total = parsed.order.OrderTotal
    if total is None:
        return None
    items = parsed.items
    for index, item in enumerate(items):
        for name in ("ShippingPrice", "ItemTax", "ShippingTax", "PromotionDiscount"):
            money = getattr(item, name)
            if money is not None and money.CurrencyCode != currency:
                raise PayloadProblem(
                    f"items.{index}.{name}.CurrencyCode",
                    f"{money.CurrencyCode} differs from the order currency {currency}",
                )
    return OrderTotals(
        goods=_sum(items, "ItemPrice"),
        discounts=_sum(items, "PromotionDiscount", "ShippingDiscount"),
        shipping=_sum(items, "ShippingPrice"),
        tax=_sum(items, "ItemTax", "ShippingTax"),
        tax_included=(parsed.order.MarketplaceId or "").strip() not in _TAX_ADDED,
        total=total.Amount,
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
        phone=address.Phone or "",
    )


@reports_malformed(
    "amazon",
    expected='{"order": getOrder\'s payload, "items": getOrderItems\' payload.OrderItems}',
)
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
        deliver_by=order.LatestDeliveryDate,
        payment_captured=order.OrderStatus not in _UNPAID_STATUSES,
        cancelled="" if order.OrderStatus == "Canceled" else None,
        version=order.LastUpdateDate,
        totals=_totals(parsed, currency),
    )
