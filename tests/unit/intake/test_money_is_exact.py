"""Money stays exact: an amount finer than its currency's minor unit (ISO 4217) is refused with
the field, never rounded; the currency is checked against the marketplace's."""

import json
from pathlib import Path

import pytest
from orderflow_intake.adapters import MalformedChannelPayload, parse

FIXTURES = Path(__file__).parent / "fixtures"


def documented(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def refusal(channel: str, payload: dict) -> str:
    with pytest.raises(MalformedChannelPayload) as refused:
        parse(channel, payload)
    return str(refused.value)


def test_a_fractional_jpy_price_is_refused_not_rounded(shopify_documented):
    shopify_documented["currency"] = "JPY"
    shopify_documented["line_items"][0]["price"] = "25.99"
    assert refusal("shopify", shopify_documented) == (
        "shopify order: line_items.0.price: 25.99 JPY is finer than JPY's minor unit"
        " (0 decimal places, ISO 4217): refused, not rounded"
    )


def test_a_fractional_jpy_amazon_item_price_is_refused():
    order = documented("amazon_jp_multi_quantity.json")
    order["items"][0]["ItemPrice"]["Amount"] = "1000.5"
    assert "items.0.ItemPrice.Amount: 1000.5 JPY is finer" in refusal("amazon", order)


@pytest.mark.parametrize(
    ("channel", "name", "path"),
    [
        ("tiktok", "tiktok_get_order_detail.json", ("line_items", 0, "sale_price")),
        ("aliexpress", "aliexpress_order_info_get.json", None),
    ],
)
def test_a_cent_fraction_is_refused_on_every_channel(channel, name, path):
    order = documented(name)
    if channel == "tiktok":
        order["line_items"][0]["sale_price"] = "12.345"
        expected = "line_items.0.sale_price: 12.345 USD is finer"
    else:
        children = order["child_order_list"]
        children = children.get("global_aeop_tp_child_order_dto", children)
        children[0]["product_price"]["amount"] = "12.345"
        expected = "child_order_list.0.product_price.amount: 12.345 USD is finer"
    assert expected in refusal(channel, order)


def test_amounts_with_trailing_zeros_are_exact():
    order = documented("amazon_jp_multi_quantity.json")
    order["items"][0]["ItemPrice"]["Amount"] = "1000.00"
    assert parse("amazon", order).lines[0].line_total == 1000


def test_an_amazon_us_order_priced_in_jpy_is_refused(amazon_documented):
    # A pending order has no OrderTotal: the item price's currency used to stand in unchecked.
    del amazon_documented["order"]["OrderTotal"]
    amazon_documented["order"]["MarketplaceId"] = "ATVPDKIKX0DER"  # Amazon.com
    for item in amazon_documented["items"]:
        item["ItemPrice"]["CurrencyCode"] = "JPY"
    assert refusal("amazon", amazon_documented) == (
        "amazon order: items.0.ItemPrice.CurrencyCode: JPY is not the currency of marketplace"
        " ATVPDKIKX0DER (USD)"
    )


def test_an_amazon_order_total_in_another_currency_than_its_marketplace_is_refused():
    order = documented("amazon_jp_multi_quantity.json")  # Amazon.co.jp
    order["order"]["OrderTotal"]["CurrencyCode"] = "USD"
    for item in order["items"]:
        item["ItemPrice"]["CurrencyCode"] = "USD"
    assert "order.OrderTotal.CurrencyCode: USD is not the currency of marketplace" in refusal(
        "amazon", order
    )


def test_a_shopee_order_in_another_currency_than_its_region_is_refused():
    order = documented("shopee_get_order_detail.json")  # Shopee MY
    order["currency"] = "SGD"
    assert (
        refusal("shopee", order)
        == "shopee order: currency: SGD is not the currency of Shopee MY (MYR)"
    )
