"""Shopee's totals: get_order_detail alone does not itemise what the buyer paid, so it carries
none; with get_escrow_detail's order_income for the same order they are carried, and an order
whose totals do not add up is held with both figures."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from orderflow_contracts.order import OrderTotals
from orderflow_intake.adapters import MalformedChannelPayload, parse
from orderflow_intake.domain import canonicalise

FIXTURE = Path(__file__).parent / "fixtures" / "shopee_get_order_detail.json"
# The fixture's items: 2 x 29.90 + 89.00 + 3 x 9.90 before the seller's 10.00 discount, i.e.
# 168.50 as their model_discounted_price says; a 5.00 seller voucher, 1.50 in coins, 4.90
# shipping paid by the buyer.
ORDER_INCOME = {
    "escrow_amount": 150.12,
    "buyer_total_amount": 166.9,
    "original_price": 178.5,
    "seller_discount": 10,
    "shopee_discount": 0,
    "voucher_from_seller": 5,
    "voucher_from_shopee": 0,
    "coins": 1.5,
    "buyer_paid_shipping_fee": 4.9,
    "buyer_transaction_fee": 0,
    "cross_border_tax": 0,
    "payment_promotion": 0,
    "commission_fee": 8.43,
}


def shopee(**income: object) -> dict:
    order = json.loads(FIXTURE.read_text())
    if income:
        order["order_income"] = {**ORDER_INCOME, **income}
    return order


def test_an_order_detail_alone_carries_no_totals():
    assert parse("shopee", shopee()).totals is None


def test_the_escrow_details_order_income_is_carried_and_adds_up():
    parsed = parse("shopee", shopee(voucher_from_seller=5))
    assert parsed.totals == OrderTotals(
        goods=Decimal("168.5"),
        discounts=Decimal("6.5"),
        shipping=Decimal("4.9"),
        total=Decimal("166.9"),
    )
    _, reasons = canonicalise(parsed, {})
    assert "totals_do_not_add_up" not in [reason.code for reason in reasons]


def test_totals_that_do_not_add_up_hold_the_order_with_both_figures():
    _, reasons = canonicalise(parse("shopee", shopee(coins=0)), {})
    [held] = [reason for reason in reasons if reason.code == "totals_do_not_add_up"]
    assert "166.9" in held.detail and "168.4" in held.detail


def test_an_amount_finer_than_the_currency_is_refused_naming_it():
    with pytest.raises(MalformedChannelPayload, match=r"order_income\.coins"):
        parse("shopee", shopee(coins=1.505))
