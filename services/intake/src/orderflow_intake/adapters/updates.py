"""The channels' own order-update notifications, posted to the same webhook endpoint as their
orders, as the marketplace updates intake understands (cancellation, payment). Shopify is not
here: it posts the whole order under another `X-Shopify-Topic` (adapters/shopify.py).

A body is an update notification, not an order, by its shape (an order document has none of
these top-level fields):
- Amazon: `NotificationType` (SP-API Notifications; `ORDER_CHANGE` is the one read).
- Shopee: `code` and `data` (Open Platform push; code 3, order status push, is the one read).
- TikTok Shop: `type` and `data` (webhooks; type 1, order status change, is the one read).
- AliExpress: `message_type` and `data` (open platform message push, `data.orderId` and
  `data.orderStatus`).

Each maps its channel's order status to an update: cancelled -> MarketplaceOrderCancelled, paid
(the first status after payment, or any later one) -> MarketplacePaymentChanged(captured=True),
a failed payment -> captured=False; every other status (awaiting payment, a buyer's cancellation
request the seller still has to decide, returns) changes nothing. None of these notifications
carries the shipping address, so none becomes an address change.

Each tells the time of the change, the version its updates carry (Amazon
`OrderChangeTrigger.TimeOfOrderChange`, else `EventTime`; Shopee and TikTok Shop
`data.update_time`; AliExpress the message's `timestamp`): a payment update older than the
order's version is recorded and ignored.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from orderflow_contracts import Event
from orderflow_contracts.marketplace import MarketplaceOrderCancelled, MarketplacePaymentChanged
from pydantic import Field

from orderflow_intake.adapters.aliexpress import AliExpressId
from orderflow_intake.adapters.base import ChannelModel, reports_malformed
from orderflow_intake.adapters.fields import UnixTimeOrUnset, UtcTimestamp


@dataclass(frozen=True)
class ChannelUpdate:
    """What a notification says about one channel order; no events when it changes nothing."""

    channel: str
    external_id: str
    status: str
    events: tuple[Event, ...]
    version: datetime | None = None


CANCELLED = "cancelled"
PAID = "paid"
PAYMENT_FAILED = "payment_failed"


def _update(
    channel: str,
    external_id: str,
    status: str,
    meaning: Mapping[str, str],
    version: datetime | None,
    reason: str = "",
) -> ChannelUpdate:
    news = meaning.get(status)
    key = {"channel": channel, "external_id": external_id, "version": version}
    events: tuple[Event, ...] = ()
    if news == CANCELLED:
        events = (MarketplaceOrderCancelled(**key, reason=reason or f"{status} on {channel}"),)
    elif news in (PAID, PAYMENT_FAILED):
        events = (MarketplacePaymentChanged(**key, captured=news == PAID, status=status),)
    return ChannelUpdate(channel, external_id, status, events, version)


# --- Amazon: SP-API ORDER_CHANGE -------------------------------------------------------------

AMAZON_STATUSES = {
    "Canceled": CANCELLED,
    "Unshipped": PAID,
    "PartiallyShipped": PAID,
    "Shipped": PAID,
}


class _AmazonTrigger(ChannelModel):
    ChangeReason: str | None = None
    TimeOfOrderChange: UtcTimestamp | None = None


class _AmazonSummary(ChannelModel):
    OrderStatus: str = Field(min_length=1)


class _AmazonOrderChange(ChannelModel):
    AmazonOrderId: str = Field(min_length=1)
    OrderChangeType: str
    OrderChangeTrigger: _AmazonTrigger | None = None
    Summary: _AmazonSummary


class _AmazonPayload(ChannelModel):
    OrderChangeNotification: _AmazonOrderChange


class _AmazonNotification(ChannelModel):
    NotificationType: Literal["ORDER_CHANGE"]
    EventTime: UtcTimestamp | None = None
    Payload: _AmazonPayload


@reports_malformed("amazon", "notification", expected="an SP-API ORDER_CHANGE notification")
def amazon_update(payload: Any) -> ChannelUpdate:
    """OrderStatusChange maps its Summary.OrderStatus; BuyerRequestedChange (the buyer asks to
    cancel, the seller decides) changes nothing here."""
    notification = _AmazonNotification.model_validate(payload)
    change = notification.Payload.OrderChangeNotification
    status = change.Summary.OrderStatus
    trigger = change.OrderChangeTrigger or _AmazonTrigger()
    version = trigger.TimeOfOrderChange or notification.EventTime
    if change.OrderChangeType != "OrderStatusChange":
        return ChannelUpdate("amazon", change.AmazonOrderId, status, (), version)
    reason = trigger.ChangeReason or ""
    return _update("amazon", change.AmazonOrderId, status, AMAZON_STATUSES, version, reason)


# --- Shopee: push code 3, order status -------------------------------------------------------

SHOPEE_STATUSES = {
    "CANCELLED": CANCELLED,
    "READY_TO_SHIP": PAID,
    "PROCESSED": PAID,
    "RETRY_SHIP": PAID,
    "SHIPPED": PAID,
    "TO_CONFIRM_RECEIVE": PAID,
    "COMPLETED": PAID,
}


class _ShopeeOrderStatus(ChannelModel):
    ordersn: str = Field(min_length=1)
    status: str = Field(min_length=1)
    update_time: UnixTimeOrUnset = None


class _ShopeePush(ChannelModel):
    code: Literal[3]
    data: _ShopeeOrderStatus


@reports_malformed("shopee", "push", expected="an Open Platform push, code 3 (order status)")
def shopee_update(payload: Any) -> ChannelUpdate:
    push = _ShopeePush.model_validate(payload)
    data = push.data
    return _update("shopee", data.ordersn, data.status, SHOPEE_STATUSES, data.update_time)


# --- TikTok Shop: webhook type 1, order status change ----------------------------------------

TIKTOK_STATUSES = {
    "CANCELLED": CANCELLED,
    "ON_HOLD": PAID,
    "AWAITING_SHIPMENT": PAID,
    "PARTIALLY_SHIPPING": PAID,
    "AWAITING_COLLECTION": PAID,
    "IN_TRANSIT": PAID,
    "DELIVERED": PAID,
    "COMPLETED": PAID,
}


class _TikTokOrderStatus(ChannelModel):
    order_id: str = Field(min_length=1)
    order_status: str = Field(min_length=1)
    update_time: UnixTimeOrUnset = None


class _TikTokWebhook(ChannelModel):
    type: Literal[1]
    data: _TikTokOrderStatus


@reports_malformed("tiktok", "webhook", expected="a webhook of type 1 (order status change)")
def tiktok_update(payload: Any) -> ChannelUpdate:
    webhook = _TikTokWebhook.model_validate(payload)
    data = webhook.data
    return _update("tiktok", data.order_id, data.order_status, TIKTOK_STATUSES, data.update_time)


# --- AliExpress: order status message ----------------------------------------------------------

ALIEXPRESS_STATUSES = {
    "OrderClosed": CANCELLED,
    "PaymentAuthorized": PAID,
    "WAIT_SELLER_SEND_GOODS": PAID,
    "paymentFailedEvent": PAYMENT_FAILED,
}


class _AliExpressOrderStatus(ChannelModel):
    orderId: AliExpressId
    orderStatus: str = Field(min_length=1)


class _AliExpressMessage(ChannelModel):
    message_type: int
    timestamp: UnixTimeOrUnset = None
    data: _AliExpressOrderStatus


@reports_malformed("aliexpress", "message", expected="an order status message (data.orderId)")
def aliexpress_update(payload: Any) -> ChannelUpdate:
    message = _AliExpressMessage.model_validate(payload)
    data = message.data
    return _update(
        "aliexpress", data.orderId, data.orderStatus, ALIEXPRESS_STATUSES, message.timestamp
    )


# --- which bodies are notifications ------------------------------------------------------------

_SHAPES: Mapping[str, tuple[Callable[[dict[str, Any]], bool], Callable[[Any], ChannelUpdate]]] = {
    "amazon": (lambda body: "NotificationType" in body, amazon_update),
    "shopee": (lambda body: {"code", "data"} <= body.keys(), shopee_update),
    "tiktok": (lambda body: {"type", "data"} <= body.keys(), tiktok_update),
    "aliexpress": (lambda body: "message_type" in body, aliexpress_update),
}


def is_update(channel: str, payload: Any) -> bool:
    """Whether the body is one of the channel's update notifications rather than an order."""
    shape = _SHAPES.get(channel)
    return isinstance(payload, dict) and shape is not None and shape[0](payload)


def parse_update(channel: str, payload: Any) -> ChannelUpdate:
    """The update a notification tells; MalformedChannelPayload naming the field otherwise."""
    return _SHAPES[channel][1](payload)
