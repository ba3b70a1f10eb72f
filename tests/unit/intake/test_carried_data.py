"""What the seller and the warehouse need reaches the canonical order: the recipient's phone,
what the buyer asked per line (engraving text), the marketplace's order number and the totals;
totals that do not add up hold the order with both figures."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from orderflow_contracts.order import LineProperty
from orderflow_intake.adapters import parse
from orderflow_intake.domain import canonicalise

FIXTURE = Path(__file__).parent / "fixtures" / "shopify_orders_create_eur.json"
LISTED = {"MUG-BLUE": ("MUG-BLUE", 1), "TOWEL-BATH": ("TOWEL-BATH", 1)}


@pytest.fixture
def shopify_eur() -> dict:
    return json.loads(FIXTURE.read_text())


def engraved(order: dict, *texts: str) -> dict:
    """The mug line split into one line per engraving, as Shopify sends them."""
    mug = order["line_items"][0]
    order["line_items"][0:1] = [
        {
            **mug,
            "id": mug["id"] + n,
            "quantity": 1,
            "properties": [{"name": "Engraving", "value": t}],
        }
        for n, t in enumerate(texts)
    ]
    order["line_items"][-1]["properties"] = [{"name": "Gift note", "value": "Happy birthday"}]
    return order


def test_line_properties_reach_the_canonical_line(shopify_eur):
    order, _ = canonicalise(parse("shopify", engraved(shopify_eur, "Ada")), LISTED)
    mug, towel = order.lines
    assert mug.properties == (LineProperty(name="Engraving", value="Ada"),)
    assert towel.properties == (LineProperty(name="Gift note", value="Happy birthday"),)


def test_lines_merged_into_one_sku_keep_each_property_for_its_units(shopify_eur):
    payload = engraved(shopify_eur, "Ada", "Grace")
    order, _ = canonicalise(parse("shopify", payload), LISTED)
    mug = order.lines[0]
    assert (mug.sku, mug.quantity) == ("MUG-BLUE", 2)
    assert mug.properties == (
        LineProperty(name="Engraving", value="Ada", units=1),
        LineProperty(name="Engraving", value="Grace", units=1),
    )


def test_the_phone_and_the_order_number_are_carried(shopify_eur):
    order, _ = canonicalise(parse("shopify", shopify_eur), LISTED)
    assert (order.ship_to.phone, order.order_number) == ("+49 30 5555 0100", "#1042")


def test_totals_that_do_not_add_up_hold_the_order_with_both_figures(shopify_eur):
    shopify_eur["total_price"] = "95.72"
    order, reasons = canonicalise(parse("shopify", shopify_eur), LISTED)
    assert order.totals is not None and order.totals.total == Decimal("95.72")
    assert [(reason.code, reason.detail) for reason in reasons] == [
        (
            "totals_do_not_add_up",
            "the shopify order's total 95.72 EUR is not goods 89.80 - discounts 8.98 +"
            " shipping 4.90 tax included + other 0 = 85.72",
        )
    ]


def test_totals_that_add_up_hold_nothing(shopify_eur):
    assert canonicalise(parse("shopify", shopify_eur), LISTED)[1] == []


def test_amazon_customization_and_gift_message_reach_the_line():
    """SP-API OrderItem.BuyerInfo: Amazon Custom's CustomizedURL (the ZIP holding the engraving
    text) and GiftMessageText, as Shopify's line item properties are carried."""
    payload = json.loads((FIXTURE.parent / "amazon_jp_multi_quantity.json").read_text())
    url = "https://zme-caps.amazon.com/t/example-customization/1"
    payload["items"][0]["BuyerInfo"] = {
        "BuyerCustomizedInfo": {"CustomizedURL": url},
        "GiftMessageText": "For Ada",
    }
    listed = {"AMZ-MUG-RED": ("MUG-RED", 1), "AMZ-TOWEL": ("TOWEL-BATH", 1)}
    order, _ = canonicalise(parse("amazon", payload), listed)
    mug, towel = order.lines
    assert mug.properties == (
        LineProperty(name="Customization", value=url),
        LineProperty(name="Gift message", value="For Ada"),
    )
    assert towel.properties == ()
