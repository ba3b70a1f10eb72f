"""The channels' own update notifications, posted to their webhook endpoint, become the
marketplace updates: stored first, then cancellation or payment on the order, parked when early,
refused naming the field when malformed."""

import copy
import json
from pathlib import Path

import pytest
from orderflow_intake.domain import order_id_for
from orderflow_simulators import payloads

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parents[2] / "unit" / "intake" / "fixtures"
LISTED = {
    "amazon": "AMZ-MUG-RED",
    "shopee": "SHP-MUG-RED",
    "tiktok": "TTS-MUG-RED",
    "aliexpress": "AE-MUG-RED",
}


def notification(channel: str, external_id: str, status: str) -> dict:
    """The channel's documented notification (the unit fixtures) about another order."""
    name = {
        "amazon": "amazon_order_change_notification.json",
        "shopee": "shopee_push_order_status.json",
        "tiktok": "tiktok_webhook_order_status_change.json",
        "aliexpress": "aliexpress_order_status_message.json",
    }[channel]
    body = copy.deepcopy(json.loads((FIXTURES / name).read_text()))
    if channel == "amazon":
        change = body["Payload"]["OrderChangeNotification"]
        change["AmazonOrderId"], change["Summary"]["OrderStatus"] = external_id, status
    elif channel == "shopee":
        body["data"].update(ordersn=external_id, status=status)
    elif channel == "tiktok":
        body["data"].update(order_id=external_id, order_status=status)
    else:
        body["data"].update(orderId=int(external_id), orderStatus=status)
    return body


CANCELLED = {
    "amazon": "Canceled",
    "shopee": "CANCELLED",
    "tiktok": "CANCELLED",
    "aliexpress": "OrderClosed",
}


@pytest.mark.parametrize("channel", sorted(LISTED))
async def test_cancellation_notification_cancels_the_order(start_intake, channel) -> None:
    intake = await start_intake()
    order = payloads.BUILDERS[channel](30, [(LISTED[channel], 1)])
    external_id = payloads.external_id(channel, order)
    order_id = order_id_for(channel, external_id)
    assert (await intake.post_webhook(channel, order)).status_code == 202
    await intake.status_of(order_id, "accepted")

    answer = await intake.post_webhook(
        channel, notification(channel, external_id, CANCELLED[channel])
    )

    assert answer.status_code == 202, answer.text
    assert answer.json() == {
        "raw_payload_id": answer.json()["raw_payload_id"],
        "channel": channel,
        "external_id": external_id,
        "order_id": order_id,
        "kind": "update",
        "order_status": "cancelled",
        "update_status": CANCELLED[channel],
    }
    await intake.settled()
    events = await intake.emitted(order_id)
    assert [type(event).__name__ for event in events] == ["OrderAccepted", "OrderCancelled"]
    raw = await intake.db.fetchrow(
        "SELECT status, kind, external_id, body FROM raw_payloads WHERE payload_id = $1",
        answer.json()["raw_payload_id"],
    )
    assert (raw["status"], raw["kind"], raw["external_id"]) == ("accepted", "update", external_id)
    assert bytes(raw["body"]) == answer.request.content


async def test_paid_push_before_its_unpaid_order_is_parked_and_releases_it_on_arrival(
    start_intake,
) -> None:
    intake = await start_intake()
    order = payloads.shopee_order(31, [("SHP-MUG-RED", 1)], status="UNPAID")
    external_id = payloads.external_id("shopee", order)

    paid = await intake.post_webhook("shopee", notification("shopee", external_id, "READY_TO_SHIP"))
    assert (paid.status_code, paid.json()["order_status"]) == (202, None)
    assert await intake.db.fetchval("SELECT count(*) FROM parked_updates") == 1
    arrived = await intake.post_webhook("shopee", order)

    order_id = order_id_for("shopee", external_id)
    assert arrived.json()["order_status"] == "accepted"
    assert await intake.db.fetchval("SELECT count(*) FROM parked_updates") == 0
    await intake.settled()
    assert [type(e).__name__ for e in await intake.emitted(order_id)] == ["OrderAccepted"]


async def test_failed_payment_message_holds_an_accepted_order(start_intake) -> None:
    intake = await start_intake()
    order = payloads.aliexpress_order(32, [("AE-MUG-RED", 1)])
    external_id = payloads.external_id("aliexpress", order)
    order_id = order_id_for("aliexpress", external_id)
    await intake.post_webhook("aliexpress", order)
    await intake.status_of(order_id, "accepted")

    failed = notification("aliexpress", external_id, "paymentFailedEvent")
    assert (await intake.post_webhook("aliexpress", failed)).status_code == 202

    await intake.status_of(order_id, "held")
    assert await intake.open_holds(order_id) == ["payment_not_captured"]


async def test_malformed_notification_is_refused_naming_the_field_and_kept(start_intake) -> None:
    intake = await start_intake()
    push = notification("tiktok", "576486316948490033", "CANCELLED")
    del push["data"]["order_id"]

    answer = await intake.post_webhook("tiktok", push)

    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert detail["error"].startswith("tiktok webhook: data.order_id: ")
    raw = await intake.db.fetchrow(
        "SELECT status, kind FROM raw_payloads WHERE payload_id = $1", detail["raw_payload_id"]
    )
    assert (raw["status"], raw["kind"]) == ("rejected", "update")
    assert await intake.db.fetchval("SELECT count(*) FROM outbox") == 0
