"""A channel payload on marketplace.orders that no adapter can read is kept like a refused
webhook body: in the raw store, rejected with the field, listed for operators, and parsed again
into an order once the adapter is fixed."""

import json

import pytest
from orderflow_contracts import topics
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_intake import adapters
from orderflow_intake.domain import order_id_for
from orderflow_simulators import payloads
from orderflow_testing.system import eventually

pytestmark = pytest.mark.integration

OPS = {"X-Actor": "mei@seller.example"}


async def _rows_when(intake, count: int) -> list:
    """The raw payloads kept from the topic, once there are this many."""
    rows = await intake.db.fetch(
        "SELECT * FROM raw_payloads WHERE source = 'topic' ORDER BY payload_id"
    )
    return rows if len(rows) >= count else []


@pytest.mark.parametrize("channel", ["shopify", "amazon", "shopee", "tiktok", "aliexpress"])
async def test_malformed_topic_payload_is_kept_as_rejected_naming_the_field(
    start_intake, channel
) -> None:
    intake = await start_intake()
    broken = payloads.BUILDERS[channel](1, [])  # no lines: every channel requires one
    good = payloads.BUILDERS[channel](2, [(_listed(channel), 1)])
    key = topics.channel_order_key(channel, "same-partition")
    await intake.publish(
        topics.MARKETPLACE_ORDERS,
        key,
        MarketplaceOrderPublished(channel=channel, payload=broken),
        MarketplaceOrderPublished(channel=channel, payload=good),
    )

    await intake.status_of(order_id_for(channel, payloads.external_id(channel, good)), "accepted")
    [kept] = await eventually(lambda: _rows_when(intake, 1))
    assert (kept["channel"], kept["status"], kept["external_id"]) == (channel, "rejected", None)
    assert kept["error"].startswith(f"{channel} order: ")
    assert _lines_field(channel) in kept["error"]
    assert json.loads(bytes(kept["body"])) == broken
    listed = (await intake.http.get("/raw-payloads", params={"status": "rejected"})).json()
    assert [(item["payload_id"], item["source"]) for item in listed] == [
        (kept["payload_id"], "topic")
    ]
    assert await intake.db.fetchval("SELECT count(*) FROM orders") == 1


async def test_topic_payload_refused_by_a_broken_adapter_becomes_an_order_after_the_fix(
    start_intake, monkeypatch
) -> None:
    intake = await start_intake()
    order = payloads.shopee_order(3, [("SHP-MUG-RED", 1)])
    external_id = payloads.external_id("shopee", order)

    def broken_adapter(channel, payload):
        raise adapters.MalformedChannelPayload("shopee order: item_list.0.model_sku: a bug")

    with monkeypatch.context() as patched:
        patched.setattr(adapters, "parse", broken_adapter)
        await intake.publish_order("shopee", order, external_id)
        [kept] = await eventually(lambda: _rows_when(intake, 1))
    assert kept["error"] == "shopee order: item_list.0.model_sku: a bug"

    reparsed = await intake.http.post(f"/raw-payloads/{kept['payload_id']}/reparse", headers=OPS)

    assert reparsed.json() == {"status": "accepted", "external_id": external_id, "error": None}
    await intake.status_of(order_id_for("shopee", external_id), "accepted")
    again = await intake.http.post(f"/raw-payloads/{kept['payload_id']}/reparse", headers=OPS)
    assert again.status_code == 409


def _listed(channel: str) -> str:
    return {
        "shopify": "MUG-RED",
        "amazon": "AMZ-MUG-RED",
        "shopee": "SHP-MUG-RED",
        "tiktok": "TTS-MUG-RED",
        "aliexpress": "AE-MUG-RED",
    }[channel]


def _lines_field(channel: str) -> str:
    return {
        "shopify": "line_items",
        "amazon": "items",
        "shopee": "item_list",
        "tiktok": "line_items",
        "aliexpress": "child_order_list",
    }[channel]
