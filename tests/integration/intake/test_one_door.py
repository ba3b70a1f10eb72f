"""Every channel document is read once and taken the same way, whichever door it came through:
the marketplace topic takes the channels' update notifications like the webhook does, a poll
keeps the order of the documents for one order, and a re-parsed body is taken as it was sent."""

import pytest
from orderflow_contracts import topics
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_intake import adapters
from orderflow_intake.domain import order_id_for
from orderflow_simulators import payloads

from tests.integration.intake.test_channel_update_webhooks import notification

pytestmark = pytest.mark.integration

OPS = {"X-Actor": "mei@seller.example"}


def published(channel: str, payload: dict) -> MarketplaceOrderPublished:
    return MarketplaceOrderPublished(channel=channel, payload=payload)


async def test_an_update_notification_on_the_topic_is_taken_like_a_webhook(start_intake) -> None:
    intake = await start_intake()
    order = payloads.shopee_order(40, [("SHP-MUG-RED", 1)])
    external_id = payloads.external_id("shopee", order)
    key = topics.channel_order_key("shopee", external_id)

    await intake.publish(
        topics.MARKETPLACE_ORDERS,
        key,
        published("shopee", order),  # one poll: the order is taken before its cancellation
        published("shopee", notification("shopee", external_id, "CANCELLED")),
    )

    order_id = order_id_for("shopee", external_id)
    await intake.status_of(order_id, "cancelled")
    await intake.settled()
    assert [type(e).__name__ for e in await intake.emitted(order_id)] == [
        "OrderAccepted",
        "OrderCancelled",
    ]


async def test_a_notification_before_its_order_in_one_poll_is_parked_then_applied(
    start_intake,
) -> None:
    intake = await start_intake()
    order = payloads.shopee_order(41, [("SHP-MUG-RED", 1)], status="UNPAID")
    external_id = payloads.external_id("shopee", order)
    key = topics.channel_order_key("shopee", external_id)

    await intake.publish(
        topics.MARKETPLACE_ORDERS,
        key,
        published("shopee", notification("shopee", external_id, "READY_TO_SHIP")),
        published("shopee", order),
    )

    order_id = order_id_for("shopee", external_id)
    await intake.status_of(order_id, "accepted")  # unpaid, but the paid push came first
    await intake.settled()
    assert await intake.db.fetchval("SELECT count(*) FROM parked_updates") == 0


async def test_a_reparsed_shopify_cancellation_still_cancels(start_intake, monkeypatch) -> None:
    intake = await start_intake()
    order = payloads.shopify_order(42, [("MUG-RED", 1)])
    order_id = order_id_for("shopify", str(order["id"]))

    def broken_adapter(channel, payload):
        raise adapters.MalformedChannelPayload("shopify order: line_items.0.price: a bug")

    with monkeypatch.context() as patched:
        patched.setattr(adapters, "parse", broken_adapter)
        refused = await intake.post_webhook(
            "shopify", order, headers={"X-Shopify-Topic": "orders/cancelled"}
        )
    assert refused.status_code == 422
    payload_id = refused.json()["detail"]["raw_payload_id"]

    reparsed = await intake.http.post(f"/raw-payloads/{payload_id}/reparse", headers=OPS)

    assert reparsed.json()["status"] == "accepted"
    assert (await intake.order_row(order_id))["status"] == "cancelled"
    await intake.settled()
    assert [type(e).__name__ for e in await intake.emitted(order_id)] == [
        "OrderAccepted",
        "OrderCancelled",
    ]
