"""The channels' own update notifications, recognised by their shape and read as the updates
intake understands: each fixture follows its channel's documented notification."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from orderflow_contracts.marketplace import MarketplaceOrderCancelled, MarketplacePaymentChanged
from orderflow_intake.adapters import MalformedChannelPayload, is_update, read
from orderflow_intake.adapters.updates import ChannelUpdate

FIXTURES = Path(__file__).parent / "fixtures"

NOTIFICATIONS = {
    "amazon": "amazon_order_change_notification.json",
    "shopee": "shopee_push_order_status.json",
    "tiktok": "tiktok_webhook_order_status_change.json",
    "aliexpress": "aliexpress_order_status_message.json",
}
ORDERS = {
    "amazon": "amazon_jp_multi_quantity.json",
    "shopee": "shopee_get_order_detail.json",
    "tiktok": "tiktok_get_order_detail.json",
    "aliexpress": "aliexpress_order_info_get.json",
}


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def _cancelled(
    channel: str, external_id: str, reason: str, version: datetime
) -> MarketplaceOrderCancelled:
    return MarketplaceOrderCancelled(
        channel=channel, external_id=external_id, reason=reason, version=version
    )


def _unix(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        (
            "amazon",
            ChannelUpdate(
                "amazon",
                "503-4172956-8301427",
                "Canceled",
                (
                    _cancelled(
                        "amazon",
                        "503-4172956-8301427",
                        "BuyerCancelled",
                        datetime(2025, 6, 19, 9, 12, 38, tzinfo=UTC),  # TimeOfOrderChange
                    ),
                ),
            ),
        ),
        (
            "shopee",
            ChannelUpdate(
                "shopee",
                "250619KX7T3QWM",
                "CANCELLED",
                (_cancelled("shopee", "250619KX7T3QWM", "CANCELLED on shopee", _unix(1750320000)),),
            ),
        ),
        (
            "tiktok",
            ChannelUpdate(
                "tiktok",
                "576486316948492461",
                "CANCELLED",
                (
                    _cancelled(
                        "tiktok", "576486316948492461", "CANCELLED on tiktok", _unix(1750320000)
                    ),
                ),
            ),
        ),
        (
            "aliexpress",
            ChannelUpdate(
                "aliexpress",
                "8187654321098765",
                "OrderClosed",
                (
                    _cancelled(
                        "aliexpress",
                        "8187654321098765",
                        "OrderClosed on aliexpress",
                        _unix(1750320001),  # the message's timestamp
                    ),
                ),
            ),
        ),
    ],
)
def test_documented_cancellation_notification_becomes_a_marketplace_cancellation(channel, expected):
    payload = fixture(NOTIFICATIONS[channel])
    assert is_update(channel, payload)
    update = read(channel, payload)
    assert update.kind == "update"
    assert (update.channel, update.external_id, update.status) == (
        expected.channel,
        expected.external_id,
        expected.status,
    )
    assert [event.model_dump() for event in update.updates] == [
        event.model_dump() for event in expected.events
    ]
    assert [type(event) for event in update.updates] == [MarketplaceOrderCancelled]


@pytest.mark.parametrize("channel", sorted(ORDERS))
def test_the_channels_order_documents_are_not_update_notifications(channel):
    assert not is_update(channel, fixture(ORDERS[channel]))


def test_shopify_bodies_are_never_update_notifications():
    assert not is_update("shopify", fixture(NOTIFICATIONS["shopee"]))


def _set_status(channel: str, payload: dict, status: str) -> dict:
    if channel == "amazon":
        payload["Payload"]["OrderChangeNotification"]["Summary"]["OrderStatus"] = status
    elif channel == "shopee":
        payload["data"]["status"] = status
    elif channel == "tiktok":
        payload["data"]["order_status"] = status
    else:
        payload["data"]["orderStatus"] = status
    return payload


@pytest.mark.parametrize(
    ("channel", "status", "captured"),
    [
        ("amazon", "Unshipped", True),
        ("amazon", "Shipped", True),
        ("shopee", "READY_TO_SHIP", True),
        ("shopee", "COMPLETED", True),
        ("tiktok", "AWAITING_SHIPMENT", True),
        ("tiktok", "ON_HOLD", True),
        ("aliexpress", "WAIT_SELLER_SEND_GOODS", True),
        ("aliexpress", "PaymentAuthorized", True),
        ("aliexpress", "paymentFailedEvent", False),
    ],
)
def test_a_paid_status_or_a_failed_payment_becomes_a_payment_change(channel, status, captured):
    update = read(channel, _set_status(channel, fixture(NOTIFICATIONS[channel]), status))
    assert update.kind == "update"
    [event] = update.updates
    assert isinstance(event, MarketplacePaymentChanged)
    assert (event.channel, event.external_id, event.captured, event.status) == (
        channel,
        update.external_id,
        captured,
        status,
    )


@pytest.mark.parametrize(
    ("channel", "status"),
    [
        ("amazon", "Pending"),
        ("shopee", "UNPAID"),
        ("shopee", "IN_CANCEL"),  # the buyer asks; the seller has not decided
        ("shopee", "TO_RETURN"),
        ("tiktok", "UNPAID"),
        ("aliexpress", "PLACE_ORDER_SUCCESS"),
    ],
)
def test_other_statuses_change_nothing(channel, status):
    update = read(channel, _set_status(channel, fixture(NOTIFICATIONS[channel]), status))
    assert update.kind == "update"
    assert (update.status, update.updates) == (status, ())


def test_amazon_buyer_requested_cancellation_is_a_request_not_a_cancellation():
    payload = fixture(NOTIFICATIONS["amazon"])
    change = payload["Payload"]["OrderChangeNotification"]
    change["OrderChangeType"] = "BuyerRequestedChange"
    change["OrderChangeTrigger"]["ChangeReason"] = "BuyerRequestedCancel"
    change["Summary"]["OrderStatus"] = "Unshipped"
    update = read("amazon", payload)
    assert update.kind == "update" and update.updates == ()


def _drop(payload: dict, *path: str) -> dict:
    *parents, last = path
    target = payload
    for key in parents:
        target = target[key]
    del target[last]
    return payload


@pytest.mark.parametrize(
    ("channel", "mutate", "message"),
    [
        (
            "amazon",
            lambda p: _drop(p, "Payload", "OrderChangeNotification", "AmazonOrderId"),
            r"^amazon notification: Payload\.OrderChangeNotification\.AmazonOrderId: ",
        ),
        (
            "amazon",
            lambda p: p.update(NotificationType="ANY_OFFER_CHANGED"),
            r"^amazon notification: NotificationType: .*ORDER_CHANGE",
        ),
        ("shopee", lambda p: _drop(p, "data", "ordersn"), r"^shopee push: data\.ordersn: "),
        ("shopee", lambda p: p.update(code=4), r"^shopee push: code: .*3"),
        ("tiktok", lambda p: _drop(p, "data", "order_id"), r"^tiktok webhook: data\.order_id: "),
        ("tiktok", lambda p: p.update(type=3), r"^tiktok webhook: type: .*1"),
        (
            "aliexpress",
            lambda p: p["data"].update(orderId="AE-1"),
            r"^aliexpress message: data\.orderId: ",
        ),
        (
            "aliexpress",
            lambda p: _drop(p, "data", "orderStatus"),
            r"^aliexpress message: data\.orderStatus: ",
        ),
    ],
)
def test_a_malformed_notification_names_the_wrong_field(channel, mutate, message):
    payload = fixture(NOTIFICATIONS[channel])
    mutate(payload)
    with pytest.raises(MalformedChannelPayload, match=message):
        read(channel, payload)
