"""Bodies no order needs: too large for the broker, or text PostgreSQL cannot hold. Each is
refused at the door with the reason, never answered 202 and lost later, and nothing stalls."""

import json

import pytest
from orderflow_contracts import topics
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_intake.domain import order_id_for
from orderflow_simulators import payloads
from orderflow_testing.system import eventually

pytestmark = pytest.mark.integration


async def test_a_body_over_the_limit_is_refused_with_413_and_nothing_is_stored(
    start_intake,
) -> None:
    intake = await start_intake(max_body_bytes=50_000)
    order = payloads.shopify_order(1, [("MUG-RED", 1)])
    order["note"] = "x" * 60_000  # a seller's note pasted a whole catalogue

    refused = await intake.post_webhook("shopify", order)

    assert refused.status_code == 413
    assert "larger than 50000 bytes" in refused.json()["detail"]
    assert await intake.db.fetchval("SELECT count(*) FROM raw_payloads") == 0
    # and intake goes on taking orders, on every channel
    taken = await intake.post_webhook("shopify", payloads.shopify_order(2, [("MUG-RED", 1)]))
    assert (taken.status_code, taken.json()["order_status"]) == (202, "accepted")


async def test_the_declared_length_is_refused_before_the_body_is_read(start_intake) -> None:
    intake = await start_intake(max_body_bytes=1_000)
    body = json.dumps(payloads.shopify_order(3, [("MUG-RED", 1)])).encode()

    refused = await intake.http.post(
        "/webhooks/shopify", content=body, headers={"Content-Length": "5000000"}
    )

    assert refused.status_code == 413


async def test_a_nul_in_a_text_field_is_refused_with_the_reason_and_kept(start_intake) -> None:
    intake = await start_intake()
    order = payloads.shopify_order(4, [("MUG-RED", 1)])
    order["shipping_address"]["address1"] = "1 Main St\u0000"

    refused = await intake.post_webhook("shopify", order)

    assert refused.status_code == 422
    assert "NUL" in refused.json()["detail"]["error"]
    kept = await intake.db.fetchrow(
        "SELECT status, error FROM raw_payloads WHERE payload_id = $1",
        refused.json()["detail"]["raw_payload_id"],
    )
    assert kept["status"] == "rejected"
    assert "NUL" in kept["error"]
    assert await intake.db.fetchval("SELECT count(*) FROM orders") == 0


async def test_a_nul_on_the_topic_is_kept_with_the_reason_and_the_partition_flows(
    start_intake,
) -> None:
    intake = await start_intake()
    broken = payloads.shopify_order(5, [("MUG-RED", 1)])
    broken["customer"]["first_name"] = "Ada\u0000"
    good = payloads.shopify_order(6, [("MUG-RED", 1)])
    key = topics.channel_order_key("shopify", "same-partition")
    await intake.publish(
        topics.MARKETPLACE_ORDERS,
        key,
        MarketplaceOrderPublished(channel="shopify", payload=broken),
        MarketplaceOrderPublished(channel="shopify", payload=good),
    )

    await intake.status_of(order_id_for("shopify", str(good["id"])), "accepted")
    kept = await eventually(
        lambda: intake.db.fetchrow("SELECT status, error FROM raw_payloads WHERE source = 'topic'")
    )
    assert kept["status"] == "rejected"
    assert "body.customer.first_name: contains a NUL character" in kept["error"]
    assert intake.service.stats.dead_lettered == 0
