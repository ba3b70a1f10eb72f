"""Screening rules as data: restricted goods per destination, probable duplicates."""

from datetime import UTC, datetime, timedelta

from orderflow_contracts.order import Address, CanonicalOrder, Customer, OrderLine
from orderflow_contracts.setup import Product
from orderflow_intake.screening import (
    RestrictedGoods,
    ScreeningRules,
    duplicate_reason,
    packaged_restricted_goods,
)

T0 = datetime(2026, 11, 1, 12, tzinfo=UTC)
DAY = timedelta(hours=24)


def order(
    order_id: str = "o1",
    *,
    country: str = "US",
    email: str = "ada@example.com",
    lines: tuple[tuple[str, int], ...] = (("MUG-RED", 1),),
    placed_at: datetime = T0,
) -> CanonicalOrder:
    return CanonicalOrder(
        order_id=order_id,
        channel="shopify",
        external_id=f"ext-{order_id}",
        customer=Customer(name="Ada", email=email),
        ship_to=Address(name="Ada", line1="1 Main St", city="X", country=country),
        lines=tuple(OrderLine(sku=sku, quantity=qty) for sku, qty in lines),
        placed_at=placed_at,
    )


RULES = RestrictedGoods.from_json(
    '{"_comment": "x", "AU": ["lithium_battery_loose"], "sg": ["e_cigarette"]}'
)
ATTRIBUTES = {"POWERBANK": frozenset({"lithium_battery_loose"}), "MUG-RED": frozenset()}


def test_restricted_goods_for_the_destination_are_held_naming_sku_and_attribute():
    reasons = RULES.reasons(order(country="AU", lines=(("POWERBANK", 1),)), ATTRIBUTES)
    assert [r.code for r in reasons] == ["restricted_goods"]
    assert "POWERBANK (lithium_battery_loose)" in reasons[0].detail
    assert "AU" in reasons[0].detail


def test_the_same_goods_to_a_country_that_allows_them_pass():
    assert RULES.reasons(order(country="US", lines=(("POWERBANK", 1),)), ATTRIBUTES) == []


def test_goods_without_restricted_attributes_pass_everywhere():
    assert RULES.reasons(order(country="AU"), ATTRIBUTES) == []
    assert RULES.reasons(order(country="AU", lines=(("UNKNOWN", 1),)), ATTRIBUTES) == []


def test_country_codes_in_the_table_are_matched_in_any_case():
    vape = {"VAPE": frozenset({"e_cigarette"})}
    assert RULES.reasons(order(country="SG", lines=(("VAPE", 1),)), vape)


def test_packaged_table_restricts_something_and_names_countries_in_upper_case():
    table = packaged_restricted_goods().by_country
    assert table and all(country == country.upper() and len(country) == 2 for country in table)


def test_product_attributes_come_from_the_seller_setup():
    products = [Product(sku="POWERBANK", weight_grams=200, attributes=("lithium_battery_loose",))]
    assert ScreeningRules.attributes_of(products)["POWERBANK"] == frozenset(
        {"lithium_battery_loose"}
    )


def test_same_customer_and_items_within_the_window_is_a_probable_duplicate():
    first, second = order("o1"), order("o2", placed_at=T0 + timedelta(hours=3))
    reason = duplicate_reason(second, [first], DAY)
    assert reason is not None and reason.code == "probable_duplicate"
    assert "ext-o1" in reason.detail


def test_email_is_compared_without_case_or_spaces():
    assert duplicate_reason(order("o2", email=" ADA@example.com"), [order("o1")], DAY)


def test_same_items_after_the_window_pass():
    later = order("o2", placed_at=T0 + DAY + timedelta(minutes=1))
    assert duplicate_reason(later, [order("o1")], DAY) is None


def test_different_items_or_quantities_pass():
    assert duplicate_reason(order("o2", lines=(("MUG-RED", 2),)), [order("o1")], DAY) is None
    assert duplicate_reason(order("o2", lines=(("MUG-BLUE", 1),)), [order("o1")], DAY) is None


def test_different_customer_passes():
    assert duplicate_reason(order("o2", email="grace@example.com"), [order("o1")], DAY) is None


def test_an_order_without_email_or_with_the_rule_off_passes():
    assert duplicate_reason(order("o2", email=""), [order("o1", email="")], DAY) is None
    assert duplicate_reason(order("o2"), [order("o1")], timedelta(0)) is None


def test_an_order_is_not_a_duplicate_of_itself():
    assert duplicate_reason(order("o1"), [order("o1")], DAY) is None
