"""The delivery date a channel promised the buyer reaches the canonical order as deliver_by,
from each channel's documented field; Shopify and AliExpress document none."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from orderflow_intake.adapters import parse
from orderflow_intake.domain import canonicalise
from orderflow_simulators import payloads

FIXTURES = Path(__file__).parent / "fixtures"
PROMISED = datetime(2026, 3, 20, 18, 0, tzinfo=UTC)


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def deliver_by(channel: str, payload: dict) -> datetime | None:
    order, _ = canonicalise(parse(channel, payload), {})
    return order.deliver_by


def test_amazon_latest_delivery_date():
    payload = fixture("amazon_jp_multi_quantity.json")
    assert deliver_by("amazon", payload) == datetime(2025, 6, 24, 14, 59, 59, tzinfo=UTC)
    del payload["order"]["LatestDeliveryDate"]
    assert deliver_by("amazon", payload) is None


def test_shopee_latest_estimated_delivery_not_the_earliest():
    payload = fixture("shopee_get_order_detail.json")
    assert deliver_by("shopee", payload) == datetime.fromtimestamp(1751004000, UTC)
    payload["edt_to"] = int(PROMISED.timestamp())
    assert deliver_by("shopee", payload) == PROMISED


def test_tiktok_delivery_due_time():
    payload = fixture("tiktok_get_order_detail.json")
    assert deliver_by("tiktok", payload) == datetime.fromtimestamp(1751004000, UTC)
    payload["delivery_due_time"] = int(PROMISED.timestamp())
    assert deliver_by("tiktok", payload) == PROMISED


@pytest.mark.parametrize(
    ("channel", "name"),
    [
        ("shopify", "shopify_orders_create_eur.json"),
        ("aliexpress", "aliexpress_order_info_get.json"),
    ],
)
def test_no_promise_told_none_invented(channel, name):
    assert deliver_by(channel, fixture(name)) is None


@pytest.mark.parametrize(
    "make", [payloads.amazon_order, payloads.shopee_order, payloads.tiktok_order]
)
def test_the_simulated_marketplaces_promise_a_date_after_the_ship_by(make):
    order, _ = canonicalise(parse(make.__name__.split("_")[0], make(7, [("MUG", 1)])), {})
    assert order.deliver_by is not None
    assert order.ship_by is not None and order.deliver_by > order.ship_by
