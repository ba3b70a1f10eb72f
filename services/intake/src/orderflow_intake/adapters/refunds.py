"""Refunds a channel reports one at a time, each with its own id, so a second partial refund is
news as much as the first (a channel's order status says only "partially refunded", once).
Each document below is posted to the channel's webhook like its orders and told apart by its
shape (or, for Shopify, its topic); none is an order. What a refund gave back and whether it
is the whole order: intake works the latter out from the refunds so far and the order's total
where the channel does not say.

- Shopify: the `refunds/create` webhook (`X-Shopify-Topic: refunds/create`), the Admin REST API
  Refund resource: `id`, `order_id` (the order's `id`) and `transactions`, each with `kind`
  (`refund`), `status` (`success`, `pending`, `failure`, `error`), `amount` (a decimal string)
  and `currency`. What it gave back is the sum of its successful refund transactions; one
  without any (a restock alone) tells nothing.
- Amazon: SP-API Finances `listFinancialEventsByOrderId`'s `payload` (or the document around
  it): `FinancialEvents.RefundEventList`, each a ShipmentEvent of one order (`AmazonOrderId`,
  `PostedDate`) whose `ShipmentItemAdjustmentList` items carry `OrderAdjustmentItemId` (the
  refund's id, Amazon has no other), `ItemChargeAdjustmentList` and `PromotionAdjustmentList`
  (signed `CurrencyAmount` with `CurrencyCode`: a refund's charges are negative, the promotion
  taken back positive). The buyer got back minus their sum; the seller's fee adjustments are
  not the buyer's money and are not read.
- Shopee: `v2.returns.get_return_detail`'s `response` (or the document around it): `return_sn`
  (the refund's id), `order_sn`, `status`, `refund_amount`, `currency`, `update_time`. Only
  `REFUND_PAID` is a refund; the other statuses of a return (requested, accepted, judging...)
  change nothing.
- TikTok Shop: the return status webhook, `type: 12`, `data` with `order_id`, `return_id`,
  `return_type` (`REFUND`, `RETURN_AND_REFUND`, `REPLACEMENT`) and `return_status`:
  `RETURN_OR_REFUND_REQUEST_COMPLETE` of a refund is one, with no amount (the webhook carries
  none). A replacement gives no money back.

AliExpress documents no refund message or refund field this adapter could verify: its refunds
are not read (its order status message `OrderClosed` cancels, as before).
"""

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Literal

from orderflow_contracts import Event
from orderflow_contracts.marketplace import MarketplaceOrderRefunded
from pydantic import Field

from orderflow_intake.adapters.base import ChannelModel, PayloadProblem, reports_malformed
from orderflow_intake.adapters.fields import Amount, CurrencyCode, UnixTimeOrUnset, UtcTimestamp

SHOPIFY_REFUND_TOPIC = "refunds/create"
Refunds = tuple[str, tuple[Event, ...], str]  # the order's external id, its refunds, the status


def _refund(
    channel: str, external_id: str, refund_id: str, **told: Any
) -> MarketplaceOrderRefunded:
    return MarketplaceOrderRefunded(
        channel=channel, external_id=external_id, refund_id=refund_id, **told
    )


# --- Shopify: refunds/create ---------------------------------------------------------------


class _ShopifyTransaction(ChannelModel):
    kind: str = ""
    status: str = ""
    amount: Amount = Decimal(0)
    currency: CurrencyCode = ""


class _ShopifyRefund(ChannelModel):
    id: int | str = Field(union_mode="left_to_right")
    order_id: int | str = Field(union_mode="left_to_right")
    transactions: list[_ShopifyTransaction] = []


@reports_malformed(
    "shopify", "refund", expected="the refunds/create webhook body: the Refund, id and order_id"
)
def shopify_refund(payload: Any) -> Refunds:
    refund = _ShopifyRefund.model_validate(payload)
    paid_back = [t for t in refund.transactions if (t.kind, t.status) == ("refund", "success")]
    currency = next((t.currency for t in paid_back if t.currency), "")
    amount = sum((t.amount for t in paid_back if t.currency in ("", currency)), Decimal(0))
    external_id = str(refund.order_id)
    if amount <= 0:
        return external_id, (), "refund"
    told = _refund(
        "shopify", external_id, str(refund.id), amount=amount, currency=currency, status="refund"
    )
    return external_id, (told,), "refund"


# --- Amazon: Finances, RefundEventList -------------------------------------------------------


_Currency = CurrencyCode  # Amazon names its field CurrencyCode too


class _AmazonMoney(ChannelModel):
    CurrencyCode: _Currency = ""
    CurrencyAmount: Decimal = Decimal(0)


class _AmazonCharge(ChannelModel):
    ChargeAmount: _AmazonMoney = _AmazonMoney()


class _AmazonPromotion(ChannelModel):
    PromotionAmount: _AmazonMoney = _AmazonMoney()


class _AmazonItemAdjustment(ChannelModel):
    OrderAdjustmentItemId: str = ""
    ItemChargeAdjustmentList: list[_AmazonCharge] = []
    PromotionAdjustmentList: list[_AmazonPromotion] = []


class _AmazonRefundEvent(ChannelModel):
    AmazonOrderId: str = Field(min_length=1)
    PostedDate: UtcTimestamp | None = None
    ShipmentItemAdjustmentList: list[_AmazonItemAdjustment] = []


class _AmazonFinancialEvents(ChannelModel):
    RefundEventList: list[_AmazonRefundEvent] = Field(min_length=1)


class _AmazonFinances(ChannelModel):
    FinancialEvents: _AmazonFinancialEvents


def _amazon_refund(event: _AmazonRefundEvent) -> MarketplaceOrderRefunded | None:
    items = event.ShipmentItemAdjustmentList
    moneys = [c.ChargeAmount for i in items for c in i.ItemChargeAdjustmentList]
    moneys += [p.PromotionAmount for i in items for p in i.PromotionAdjustmentList]
    currency = next((money.CurrencyCode for money in moneys if money.CurrencyCode), "")
    amount = -sum((money.CurrencyAmount for money in moneys), Decimal(0))
    ids = sorted(i.OrderAdjustmentItemId for i in items if i.OrderAdjustmentItemId)
    refund_id = "+".join(ids) or (event.PostedDate.isoformat() if event.PostedDate else "")
    if amount <= 0 or not refund_id:
        return None
    return _refund("amazon", event.AmazonOrderId, refund_id, amount=amount, currency=currency)


@reports_malformed(
    "amazon",
    "financial events",
    expected="listFinancialEventsByOrderId's payload: FinancialEvents with its RefundEventList",
)
def amazon_refunds(payload: Any) -> Refunds:
    document = payload.get("payload", payload)
    events = _AmazonFinances.model_validate(document).FinancialEvents.RefundEventList
    orders = {event.AmazonOrderId for event in events}
    if len(orders) > 1:
        raise PayloadProblem(
            "FinancialEvents.RefundEventList", f"refunds of several orders ({', '.join(orders)})"
        )
    refunds = tuple(told for event in events if (told := _amazon_refund(event)))
    return events[0].AmazonOrderId, refunds, "refunded"


# --- Shopee: a return's detail ---------------------------------------------------------------


class _ShopeeReturn(ChannelModel):
    return_sn: str | int = Field(union_mode="left_to_right")
    order_sn: str = Field(min_length=1)
    status: str = Field(min_length=1)
    refund_amount: Amount | None = None
    currency: CurrencyCode = ""
    update_time: UnixTimeOrUnset = None


@reports_malformed("shopee", "return", expected="v2.returns.get_return_detail's response")
def shopee_refund(payload: Any) -> Refunds:
    detail = _ShopeeReturn.model_validate(payload.get("response", payload))
    if detail.status != "REFUND_PAID":
        return detail.order_sn, (), detail.status
    told = _refund(
        "shopee",
        detail.order_sn,
        str(detail.return_sn),
        amount=detail.refund_amount,
        currency=detail.currency,
        status=detail.status,
    )
    return detail.order_sn, (told,), detail.status


# --- TikTok Shop: return status webhook (type 12) ---------------------------------------------

TIKTOK_REFUND_TYPES = {"REFUND", "RETURN_AND_REFUND"}


class _TikTokReturn(ChannelModel):
    order_id: str = Field(min_length=1)
    return_id: str = Field(min_length=1)
    return_type: str = ""
    return_status: str = Field(min_length=1)
    update_time: UnixTimeOrUnset = None


class _TikTokReturnWebhook(ChannelModel):
    type: Literal[12]
    data: _TikTokReturn


@reports_malformed("tiktok", "webhook", expected="a webhook of type 12 (return status change)")
def tiktok_refund(payload: Any) -> Refunds:
    data = _TikTokReturnWebhook.model_validate(payload).data
    done = data.return_status == "RETURN_OR_REFUND_REQUEST_COMPLETE"
    if not done or data.return_type not in TIKTOK_REFUND_TYPES:
        return data.order_id, (), data.return_status
    told = _refund("tiktok", data.order_id, data.return_id, status=data.return_status)
    return data.order_id, (told,), data.return_status


# --- which documents are refunds -------------------------------------------------------------


def _has(field: str, wrapper: str) -> Callable[[dict[str, Any]], bool]:
    def shape(body: dict[str, Any]) -> bool:
        inner = body.get(wrapper)
        return field in body or (isinstance(inner, dict) and field in inner)

    return shape


_SHAPES: Mapping[str, tuple[Callable[[dict[str, Any]], bool], Callable[[Any], Refunds]]] = {
    "amazon": (_has("FinancialEvents", "payload"), amazon_refunds),
    "shopee": (_has("return_sn", "response"), shopee_refund),
    "tiktok": (lambda body: body.get("type") == 12 and "data" in body, tiktok_refund),
}


def is_refund(channel: str, payload: Any, shopify_topic: str = "") -> bool:
    """Whether the document tells refunds (a refund, a return's), not an order."""
    if channel == "shopify":
        return shopify_topic == SHOPIFY_REFUND_TOPIC
    shape = _SHAPES.get(channel)
    return isinstance(payload, dict) and shape is not None and shape[0](payload)


def parse_refunds(channel: str, payload: Any) -> Refunds:
    """The order's external id, the refunds the document tells, and the channel's status."""
    if channel == "shopify":
        return shopify_refund(payload)
    return _SHAPES[channel][1](payload)
