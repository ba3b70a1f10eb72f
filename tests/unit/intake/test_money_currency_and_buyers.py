"""Money in minor units that adds up, no invented currency, the buyer's identity where a
channel shares no e-mail, and a destination that must be a country."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from orderflow_contracts.order import Address, CanonicalOrder, Customer, OrderLine, merge_lines
from orderflow_intake.adapters import parse, parse_amazon, parse_shopify
from orderflow_intake.domain import canonicalise, split_amount
from orderflow_intake.screening import customer_key, duplicate_reason
from orderflow_simulators.payloads import shopify_order

FIXTURES = Path(__file__).parent / "fixtures"


def documented(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())  # type: ignore[no-any-return]


def codes(reasons: list[Any]) -> list[str]:
    return [reason.code for reason in reasons]


# --- money ------------------------------------------------------------------------------------


def test_bundle_price_is_split_in_cents_and_the_remainder_cent_is_kept():
    parsed = parse_shopify(shopify_order(1, [("GIFT-SET", 1)], price="10.00"))
    trio = (("MUG-RED", 1), ("MUG-BLUE", 1), ("LAMP-DESK", 1))
    order, _ = canonicalise(parsed, {"GIFT-SET": trio})
    assert [str(line.unit_price) for line in order.lines] == ["3.34", "3.33", "3.33"]
    assert sum(line.amount for line in order.lines) == Decimal("10.00")


def test_bundle_with_uneven_components_adds_up_to_what_the_buyer_paid():
    parsed = parse_shopify(shopify_order(1, [("MUG-SET", 1)], price="10.00"))
    order, _ = canonicalise(parsed, {"MUG-SET": (("MUG-RED", 2), ("MUG-BLUE", 1))})
    assert [(line.line_total, line.unit_price) for line in order.lines] == [
        (Decimal("6.67"), Decimal("3.34")),
        (Decimal("3.33"), Decimal("3.33")),
    ]
    assert sum(line.amount for line in order.lines) == Decimal("10.00")


def test_lines_of_one_sku_at_mixed_prices_merge_into_a_price_in_cents():
    payload = shopify_order(1, [("MUG-RED", 1), ("MUG-RED-2", 2)])
    payload["line_items"][0]["price"], payload["line_items"][1]["price"] = "10.00", "10.01"
    listings = {"MUG-RED": ("MUG-RED", 1), "MUG-RED-2": ("MUG-RED", 1)}
    order, _ = canonicalise(parse_shopify(payload), listings)
    assert order.lines == (
        OrderLine(
            sku="MUG-RED", quantity=3, unit_price=Decimal("10.01"), line_total=Decimal("30.02")
        ),
    )


def test_merge_lines_rounds_the_average_to_the_prices_own_precision_by_default():
    merged = merge_lines(
        [
            OrderLine(sku="A", quantity=1, unit_price=Decimal("10.00")),
            OrderLine(sku="A", quantity=2, unit_price=Decimal("10.01")),
        ]
    )
    assert [str(line.unit_price) for line in merged] == ["10.01"]
    assert merged[0].line_total is None


def test_amazon_yen_lines_keep_their_exact_totals_through_to_the_canonical_order():
    payload = documented("amazon_jp_multi_quantity.json")
    parsed = parse("amazon", payload)
    listings = {"AMZ-MUG-RED": ("MUG-RED", 1), "AMZ-TOWEL": ("TOWEL-BATH", 1)}
    order, _ = canonicalise(parsed, listings)
    item_prices = sum(Decimal(item["ItemPrice"]["Amount"]) for item in payload["items"])
    assert sum(line.amount for line in order.lines) == item_prices == Decimal("3999")
    assert order.lines[0].line_total == Decimal("1000")
    assert order.lines[0].unit_price == Decimal("333")


@given(
    cents=st.integers(0, 10**9),
    weights=st.lists(st.integers(1, 50), min_size=1, max_size=6),
    places=st.sampled_from([0, 2, 3]),
)
def test_split_amount_never_loses_or_invents_a_minor_unit(cents, weights, places):
    amount = Decimal(cents).scaleb(-places)
    shares = split_amount(amount, weights, places)
    assert sum(shares) == amount
    assert all(share.as_tuple().exponent == -places for share in shares)
    per_weight = [share / weight for share, weight in zip(shares, weights, strict=True)]
    assert max(per_weight) - min(per_weight) <= Decimal(1).scaleb(-places)


# --- Amazon: no invented currency ---------------------------------------------------------------


def _pending_without_prices(payload: dict[str, Any]) -> dict[str, Any]:
    payload["order"]["OrderStatus"] = "Pending"
    del payload["order"]["OrderTotal"]
    for item in payload["items"]:
        del item["ItemPrice"]
    return payload


def test_amazon_pending_order_without_prices_takes_the_currency_of_its_marketplace():
    parsed = parse_amazon(_pending_without_prices(documented("amazon_jp_multi_quantity.json")))
    assert parsed.currency == "JPY"


@pytest.mark.parametrize("marketplace", [None, "A0UNKNOWNMARKET"])
def test_amazon_order_without_prices_or_known_marketplace_is_held_for_its_currency(
    amazon_documented, marketplace
):
    payload = _pending_without_prices(amazon_documented)
    payload["order"]["MarketplaceId"] = marketplace
    parsed = parse_amazon(payload).model_copy(update={"payment_captured": True})
    assert parsed.currency == ""
    _, reasons = canonicalise(parsed, {"CBA_OTF_1": ("MUG-RED", 1), "CBA_OTF_5": ("LAMP", 1)})
    assert codes(reasons) == ["unknown_currency"]


# --- probable duplicates: the buyer, not only the e-mail --------------------------------------

T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)


def order(order_id: str, channel: str, customer: Customer) -> CanonicalOrder:
    return CanonicalOrder(
        order_id=order_id,
        channel=channel,
        external_id=f"ext-{order_id}",
        customer=customer,
        ship_to=Address(name="Ada", line1="1 Main St", city="X", country="SG"),
        lines=(OrderLine(sku="MUG-RED", quantity=1),),
        placed_at=T0,
    )


@pytest.mark.parametrize("channel", ["shopee", "aliexpress"])
def test_same_channel_buyer_without_email_ordering_the_same_items_is_a_probable_duplicate(channel):
    first = order("o1", channel, Customer(name="Nurul", buyer_id="395350931"))
    second = order("o2", channel, Customer(name="N. Aisyah", buyer_id="395350931"))
    reason = duplicate_reason(second, [first], timedelta(hours=24))
    assert reason is not None and reason.code == "probable_duplicate"


def test_buyer_ids_of_different_channels_are_different_buyers():
    first = order("o1", "shopee", Customer(buyer_id="42"))
    second = order("o2", "aliexpress", Customer(buyer_id="42"))
    assert duplicate_reason(second, [first], timedelta(hours=24)) is None


def test_customer_key_is_the_email_first_then_the_channel_buyer_id():
    assert customer_key("tiktok", Customer(email=" Ada@X.example ", buyer_id="1")) == (
        "ada@x.example"
    )
    assert customer_key("shopee", Customer(buyer_id=" 7 ")) == "shopee:7"
    assert customer_key("shopee", Customer()) == ""


# --- the destination must be a country -----------------------------------------------------------


@pytest.mark.parametrize("country", ["XX", "UK", "de", "USA"])
def test_address_with_a_country_that_is_not_iso_3166_is_held_as_unknown_country(country):
    parsed = parse_shopify(shopify_order(1, [("MUG-RED", 1)], country="DE"))
    changed = parsed.model_copy(
        update={"ship_to": parsed.ship_to.model_copy(update={"country": country})}
    )
    _, reasons = canonicalise(changed, {"MUG-RED": ("MUG-RED", 1)})
    assert codes(reasons) == ["unknown_country"]
    assert repr(country) in reasons[0].detail
