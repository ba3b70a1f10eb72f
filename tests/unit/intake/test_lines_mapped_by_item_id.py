"""A line without a seller SKU is mapped by the channel's own id of what it sells, on every
channel whose lines can lack one: Shopee item_id:model_id, Amazon ASIN, TikTok Shop sku_id,
AliExpress product_id:sku_id. Its unknown_sku hold names the id and where to map it."""

import json
from pathlib import Path

import pytest
from orderflow_intake.adapters import parse
from orderflow_intake.domain import canonicalise

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def amazon() -> tuple[dict, str]:
    payload = fixture("amazon_jp_multi_quantity.json")
    payload["items"] = payload["items"][:1]
    del payload["items"][0]["SellerSKU"]
    payload["order"].pop("OrderTotal", None)
    return payload, payload["items"][0]["ASIN"]


def tiktok() -> tuple[dict, str]:
    payload = fixture("tiktok_get_order_detail.json")
    first = payload["line_items"][0]
    payload["line_items"] = [
        item for item in payload["line_items"] if item["sku_id"] == first["sku_id"]
    ]
    for item in payload["line_items"]:
        item["seller_sku"] = ""
    payload.pop("payment")
    payload["payment"] = {"currency": first.get("currency", "USD")}
    return payload, first["sku_id"]


def aliexpress() -> tuple[dict, str]:
    payload = fixture("aliexpress_order_info_get.json")
    children = payload["child_order_list"]
    listed = children["global_aeop_tp_child_order_dto"] if isinstance(children, dict) else children
    child = listed[0]
    child["sku_code"] = ""
    child["sku_id"] = "12000036456789012"
    payload["child_order_list"] = [child]
    payload.pop("order_amount", None)
    return payload, f"{child['product_id']}:12000036456789012"


@pytest.mark.parametrize(
    ("channel", "build"), [("amazon", amazon), ("tiktok", tiktok), ("aliexpress", aliexpress)]
)
def test_a_line_without_a_seller_sku_is_mapped_by_the_channels_item_id(channel, build):
    payload, item_id = build()
    [line] = parse(channel, payload).lines
    assert (line.channel_sku, line.channel_item_id) == ("", item_id)

    _, reasons = canonicalise(parse(channel, payload), {})
    [unknown] = [reason for reason in reasons if reason.code == "unknown_sku"]
    assert f"PUT /listings/{channel}/items/{item_id}" in unknown.detail

    mapped, reasons = canonicalise(parse(channel, payload), {}, by_item={item_id: ("MUG-RED", 1)})
    assert [master.sku for master in mapped.lines] == ["MUG-RED"]
    assert "unknown_sku" not in [reason.code for reason in reasons]


def test_a_line_with_a_seller_sku_is_mapped_by_it_not_by_the_item_id():
    payload = fixture("tiktok_get_order_detail.json")
    assert all(line.channel_item_id == "" for line in parse("tiktok", payload).lines)
