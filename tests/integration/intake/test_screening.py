"""Screening on the real pipeline: each reason holds the order it should and passes the rest."""

import pytest
from orderflow_contracts import topics
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_intake.domain import order_id_for
from orderflow_simulators import payloads

from tests.integration.intake.conftest import seller_file

pytestmark = pytest.mark.integration

POWERBANK = {"sku": "POWERBANK", "weight_grams": 200, "attributes": ["lithium_battery_loose"]}
SYDNEY = {"zip": "2000", "city": "Sydney", "province_code": "NSW"}


def with_powerbank(tmp_path) -> str:
    return seller_file(
        tmp_path,
        products=lambda products: [*products, POWERBANK],
        listings=lambda listings: [
            *listings,
            {"channel": "shopify", "channel_sku": "PB-10K", "sku": "POWERBANK"},
        ],
    )


async def _place(intake, order: dict) -> str:
    external_id = str(order["id"])
    await intake.publish(
        topics.MARKETPLACE_ORDERS,
        topics.channel_order_key("shopify", external_id),
        MarketplaceOrderPublished(channel="shopify", payload=order),
    )
    return order_id_for("shopify", external_id)


async def test_restricted_goods_to_a_country_that_bans_them_are_held(start_intake, tmp_path):
    intake = await start_intake(seller_setup_file=with_powerbank(tmp_path))
    order = payloads.shopify_order(30, [("PB-10K", 1)], country="AU", address_overrides=SYDNEY)
    order_id = await _place(intake, order)
    await intake.status_of(order_id, "held")
    assert await intake.open_holds(order_id) == ["restricted_goods"]
    held = (await intake.emitted(order_id))[0]
    assert "POWERBANK (lithium_battery_loose)" in held.reasons[0].detail


async def test_the_same_goods_pass_where_they_are_allowed(start_intake, tmp_path):
    intake = await start_intake(seller_setup_file=with_powerbank(tmp_path))
    order_id = await _place(intake, payloads.shopify_order(31, [("PB-10K", 1)], country="US"))
    await intake.status_of(order_id, "accepted")


async def test_restricted_goods_rules_come_from_the_operators_file(start_intake, tmp_path):
    rules = tmp_path / "restricted.json"
    rules.write_text('{"US": ["lithium_battery_loose"]}')
    intake = await start_intake(
        seller_setup_file=with_powerbank(tmp_path), restricted_goods_rules_file=str(rules)
    )
    order_id = await _place(intake, payloads.shopify_order(32, [("PB-10K", 1)], country="US"))
    await intake.status_of(order_id, "held")
    assert await intake.open_holds(order_id) == ["restricted_goods"]


async def test_same_customer_and_items_within_a_day_is_held_as_probable_duplicate(start_intake):
    intake = await start_intake()
    first = await _place(intake, payloads.shopify_order(33, [("MUG-RED", 2)], email="a@x.org"))
    await intake.status_of(first, "accepted")
    second = await _place(intake, payloads.shopify_order(34, [("MUG-RED", 2)], email="A@x.org"))
    await intake.status_of(second, "held")
    assert await intake.open_holds(second) == ["probable_duplicate"]
    assert await intake.open_holds(first) == []


async def test_same_customer_with_other_items_or_another_customer_passes(start_intake):
    intake = await start_intake()
    first = await _place(intake, payloads.shopify_order(35, [("MUG-RED", 2)], email="a@x.org"))
    await intake.status_of(first, "accepted")
    other_items = await _place(
        intake, payloads.shopify_order(36, [("MUG-RED", 1)], email="a@x.org")
    )
    other_customer = await _place(
        intake, payloads.shopify_order(37, [("MUG-RED", 2)], email="b@x.org")
    )
    await intake.status_of(other_items, "accepted")
    await intake.status_of(other_customer, "accepted")


async def test_duplicate_rule_window_is_a_setting_and_zero_turns_it_off(start_intake):
    intake = await start_intake(duplicate_window_hours=0)
    first = await _place(intake, payloads.shopify_order(38, [("MUG-RED", 2)], email="a@x.org"))
    second = await _place(intake, payloads.shopify_order(39, [("MUG-RED", 2)], email="a@x.org"))
    await intake.status_of(first, "accepted")
    await intake.status_of(second, "accepted")
