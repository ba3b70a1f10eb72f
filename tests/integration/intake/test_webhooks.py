"""Webhooks: signed, stored before 2xx, refused with the field, into the same pipeline."""

import pytest
from orderflow_contracts import topics
from orderflow_contracts.intake import OrderAccepted, OrderCancelled
from orderflow_intake import adapters
from orderflow_intake.domain import order_id_for
from orderflow_simulators import payloads
from orderflow_testing.system import eventually

pytestmark = pytest.mark.integration


async def test_signed_shopify_order_is_stored_then_becomes_a_canonical_order(start_intake) -> None:
    intake = await start_intake()
    order = payloads.shopify_order(1, [("MUG-RED", 2)])

    response = await intake.post_webhook(
        "shopify", order, headers={"X-Shopify-Topic": "orders/create"}
    )

    assert response.status_code == 202, response.text
    answer = response.json()
    assert answer["order_id"] == order_id_for("shopify", str(order["id"]))
    assert answer["order_status"] == "accepted"
    raw = await intake.db.fetchrow(
        "SELECT * FROM raw_payloads WHERE payload_id = $1", answer["raw_payload_id"]
    )
    assert (raw["status"], raw["channel"], raw["external_id"]) == (
        "accepted",
        "shopify",
        str(order["id"]),
    )
    assert bytes(raw["body"]) == response.request.content
    assert '"x-shopify-topic": "orders/create"' in raw["headers"]
    accepted = await intake.system.read(topics.ORDERS, until=lambda seen: len(seen) >= 1)
    assert isinstance(accepted[0].event, OrderAccepted)
    assert accepted[0].event.order.order_id == answer["order_id"]
    assert accepted[0].envelope.correlation_id == f"shopify:{order['id']}"


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Shopify-Hmac-Sha256": "bm90IHRoZSBzaWduYXR1cmU="},
        {"X-Shopify-Hmac-Sha256": ""},
    ],
    ids=["wrong", "empty"],
)
async def test_bad_shopify_signature_is_refused_and_nothing_is_stored(
    start_intake, headers
) -> None:
    intake = await start_intake()
    response = await intake.post_webhook(
        "shopify", payloads.shopify_order(2, [("MUG-RED", 1)]), headers=headers
    )
    assert response.status_code == 401
    assert "X-Shopify-Hmac-Sha256" in response.json()["detail"]
    assert await intake.db.fetchval("SELECT count(*) FROM raw_payloads") == 0
    assert await intake.db.fetchval("SELECT count(*) FROM outbox") == 0


async def test_missing_signature_and_a_signature_with_another_secret_are_refused(
    start_intake,
) -> None:
    intake = await start_intake()
    order = payloads.shopify_order(3, [("MUG-RED", 1)])
    unsigned = await intake.http.post("/webhooks/shopify", json=order)
    forged = await intake.post_webhook("shopify", order, secret="not-the-shop-secret")
    other_channel = await intake.post_webhook("amazon", payloads.amazon_order(3, []), secret="x")
    assert [unsigned.status_code, forged.status_code, other_channel.status_code] == [401] * 3
    assert await intake.db.fetchval("SELECT count(*) FROM raw_payloads") == 0


async def test_webhooks_answer_503_until_their_secret_is_configured(start_intake) -> None:
    intake = await start_intake(shopify_webhook_secret=None, webhook_secret=None)
    response = await intake.post_webhook("shopify", payloads.shopify_order(4, [("MUG-RED", 1)]))
    assert response.status_code == 503
    assert "INTAKE_SHOPIFY_WEBHOOK_SECRET" in response.json()["detail"]


async def test_malformed_payload_is_refused_naming_the_field_and_kept_as_rejected(
    start_intake,
) -> None:
    intake = await start_intake()
    broken = payloads.shopify_order(5, [("MUG-RED", 1)])
    del broken["line_items"]

    response = await intake.post_webhook("shopify", broken)

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "line_items" in detail["error"]
    raw = await intake.db.fetchrow(
        "SELECT status, error, body FROM raw_payloads WHERE payload_id = $1",
        detail["raw_payload_id"],
    )
    assert raw["status"] == "rejected"
    assert "line_items" in raw["error"]
    assert bytes(raw["body"]) == response.request.content
    assert await intake.db.fetchval("SELECT count(*) FROM outbox") == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [(b"{not json", "not JSON"), (b"[1, 2]", "not a JSON object"), (b"\xff\xfe", "not UTF-8")],
)
async def test_a_body_that_is_not_a_json_object_is_refused_and_kept(
    start_intake, body, field
) -> None:
    intake = await start_intake()
    response = await intake.post_webhook("amazon", body)
    assert response.status_code == 422
    assert field in response.json()["detail"]["error"]
    assert await intake.db.fetchval("SELECT status FROM raw_payloads") == "rejected"


# Two SKUs each channel lists in the demo seller setup: the order, and another order.
LISTED = {
    "shopify": ("MUG-RED", "MUG-BLUE"),
    "amazon": ("AMZ-MUG-RED", "AMZ-MUG-BLUE"),
    "shopee": ("SHP-MUG-RED", "SHP-MUG-BLUE"),
    "tiktok": ("TTS-MUG-RED", "TTS-MUG-BLUE"),
    "aliexpress": ("AE-MUG-RED", "AE-MUG-BLUE"),
}


@pytest.mark.parametrize("channel", sorted(LISTED))
async def test_same_order_posted_twice_and_published_on_the_topic_is_one_order(
    start_intake, channel
) -> None:
    intake = await start_intake()
    sku, other_sku = LISTED[channel]
    order = payloads.BUILDERS[channel](6, [(sku, 1)])
    external_id = payloads.external_id(channel, order)
    first = await intake.post_webhook(channel, order)
    second = await intake.post_webhook(channel, order)
    await intake.publish_order(channel, order, external_id)
    other = payloads.BUILDERS[channel](7, [(other_sku, 1)])
    await intake.post_webhook(channel, other)

    assert [first.status_code, second.status_code] == [202, 202], first.text
    assert first.json()["order_id"] == second.json()["order_id"]
    await eventually(lambda: intake.db.fetchval("SELECT count(*) = 1 FROM inbox"))  # the topic's
    await intake.settled()
    events = await intake.system.read(topics.ORDERS, until=lambda seen: len(seen) >= 2)
    order_ids = [m.event.order.order_id for m in events if isinstance(m.event, OrderAccepted)]
    assert sorted(order_ids) == sorted(
        [
            order_id_for(channel, external_id),
            order_id_for(channel, payloads.external_id(channel, other)),
        ]
    )
    rows = await intake.db.fetch("SELECT channel, external_id FROM orders")
    assert sorted((row["channel"], row["external_id"]) for row in rows) == sorted(
        [(channel, external_id), (channel, payloads.external_id(channel, other))]
    )
    assert await intake.db.fetchval("SELECT count(*) FROM raw_payloads") == 3


async def test_other_channels_take_signed_orders_too(start_intake) -> None:
    intake = await start_intake()
    order = payloads.amazon_order(8, [("AMZ-LAMP", 1)])
    response = await intake.post_webhook("amazon", order)
    assert response.status_code == 202, response.text
    await intake.status_of(response.json()["order_id"], "accepted")


async def test_a_rejected_payload_is_parsed_again_after_its_adapter_is_fixed(
    start_intake, monkeypatch
) -> None:
    intake = await start_intake()
    order = payloads.shopify_order(9, [("MUG-RED", 1)])

    def broken_adapter(channel, payload):
        raise adapters.MalformedChannelPayload("shopify order: line_items.0.price: a bug")

    with monkeypatch.context() as patched:
        patched.setattr(adapters, "parse", broken_adapter)
        refused = await intake.post_webhook("shopify", order)
    assert refused.status_code == 422
    payload_id = refused.json()["detail"]["raw_payload_id"]

    no_actor = await intake.http.post(f"/raw-payloads/{payload_id}/reparse")
    reparsed = await intake.http.post(
        f"/raw-payloads/{payload_id}/reparse", headers={"X-Actor": "ops@seller"}
    )
    again = await intake.http.post(
        f"/raw-payloads/{payload_id}/reparse", headers={"X-Actor": "ops@seller"}
    )

    assert no_actor.status_code == 422
    assert reparsed.json() == {"status": "accepted", "external_id": str(order["id"]), "error": None}
    assert again.status_code == 409
    await intake.status_of(order_id_for("shopify", str(order["id"])), "accepted")
    listed = await intake.http.get("/raw-payloads", params={"status": "accepted"})
    assert [item["payload_id"] for item in listed.json()] == [payload_id]


async def test_shopify_cancellation_webhook_cancels_the_order(start_intake) -> None:
    intake = await start_intake()
    order = payloads.shopify_order(10, [("MUG-RED", 1)])
    created = await intake.post_webhook("shopify", order)
    order_id = created.json()["order_id"]
    await intake.status_of(order_id, "accepted")
    order["cancel_reason"] = "customer"
    cancelled = await intake.post_webhook(
        "shopify", order, headers={"X-Shopify-Topic": "orders/cancelled"}
    )
    assert cancelled.status_code == 202
    await intake.status_of(order_id, "cancelled")
    events = await intake.system.read(topics.ORDERS, until=lambda seen: len(seen) >= 2)
    assert isinstance(events[1].event, OrderCancelled)
    assert events[1].event.reason == "customer"
