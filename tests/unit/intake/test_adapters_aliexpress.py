import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from orderflow_contracts.order import Address, Customer
from orderflow_intake.adapters import ChannelLine, MalformedChannelPayload, parse
from orderflow_simulators.payloads import aliexpress_order

FIXTURE = Path(__file__).parent / "fixtures" / "aliexpress_order_info_get.json"


@pytest.fixture
def aliexpress_documented() -> dict:
    return json.loads(FIXTURE.read_text())


def test_aliexpress_numeric_order_id_is_the_external_id(aliexpress_documented):
    parsed = parse("aliexpress", aliexpress_documented)
    assert (parsed.channel, parsed.external_id) == ("aliexpress", "8187654321098765")


def test_aliexpress_child_orders_are_the_lines(aliexpress_documented):
    assert parse("aliexpress", aliexpress_documented).lines == (
        ChannelLine(channel_sku="AE-TOWEL", quantity=1, unit_price=Decimal("15.99")),
        ChannelLine(channel_sku="AE-MUG-BLUE", quantity=2, unit_price=Decimal("11.65")),
        ChannelLine(channel_sku="AE-CASE-IP15", quantity=1, unit_price=Decimal("5.00")),
    )


def test_aliexpress_lines_are_priced_before_the_order_discount(aliexpress_documented):
    lines = parse("aliexpress", aliexpress_documented).lines
    total = sum(line.unit_price * line.quantity for line in lines)
    assert total == Decimal(aliexpress_documented["init_oder_amount"]["amount"])


def test_aliexpress_child_order_list_may_come_unwrapped(aliexpress_documented):
    wrapped = aliexpress_documented["child_order_list"]["global_aeop_tp_child_order_dto"]
    aliexpress_documented["child_order_list"] = wrapped
    assert [line.channel_sku for line in parse("aliexpress", aliexpress_documented).lines] == [
        "AE-TOWEL",
        "AE-MUG-BLUE",
        "AE-CASE-IP15",
    ]


def test_aliexpress_receipt_address_maps_to_ship_to(aliexpress_documented):
    assert parse("aliexpress", aliexpress_documented).ship_to == Address(
        name="James Wilson",
        line1="742 Evergreen Terrace",
        line2="Unit 3",
        city="Springfield",
        region="Oregon",
        postal_code="97477",
        country="US",
        phone="+1 5415550123",
    )


@pytest.mark.parametrize(("written", "iso"), [("UK", "GB"), ("SRB", "RS"), ("MNE", "ME")])
def test_aliexpress_own_country_codes_become_iso(aliexpress_documented, written, iso):
    aliexpress_documented["receipt_address"]["country"] = written
    assert parse("aliexpress", aliexpress_documented).ship_to.country == iso


def test_aliexpress_customer_is_the_buyer_signer_known_by_login_id(aliexpress_documented):
    assert parse("aliexpress", aliexpress_documented).customer == Customer(
        name="James Wilson", email="", language="en", buyer_id="us1837465029abcd"
    )


def test_aliexpress_buyer_login_id_falls_back_to_buyer_info(aliexpress_documented):
    del aliexpress_documented["buyerloginid"]
    aliexpress_documented["buyer_info"]["login_id"] = "us555"
    assert parse("aliexpress", aliexpress_documented).customer.buyer_id == "us555"


def test_aliexpress_times_are_us_pacific_daylight_time(aliexpress_documented):
    placed_at = parse("aliexpress", aliexpress_documented).placed_at
    assert placed_at == datetime(2025, 6, 19, 6, 0, tzinfo=UTC)
    assert placed_at.utcoffset() == timedelta(0)


def test_aliexpress_winter_times_are_us_pacific_standard_time(aliexpress_documented):
    aliexpress_documented["gmt_create"] = "2025-01-15 10:00:00"
    assert parse("aliexpress", aliexpress_documented).placed_at == datetime(
        2025, 1, 15, 18, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("pacific", "utc"),
    [
        ("2025-03-09 01:59:59", datetime(2025, 3, 9, 9, 59, 59, tzinfo=UTC)),
        ("2025-03-09 03:00:00", datetime(2025, 3, 9, 10, 0, tzinfo=UTC)),
        ("2025-11-02 00:59:59", datetime(2025, 11, 2, 7, 59, 59, tzinfo=UTC)),
        ("2025-11-02 02:00:00", datetime(2025, 11, 2, 10, 0, tzinfo=UTC)),
    ],
)
def test_aliexpress_times_follow_the_daylight_saving_switches(aliexpress_documented, pacific, utc):
    aliexpress_documented["gmt_create"] = pacific
    assert parse("aliexpress", aliexpress_documented).placed_at == utc


def test_aliexpress_compact_time_keeps_its_own_offset(aliexpress_documented):
    aliexpress_documented["gmt_create"] = "20250618230000000-0700"
    assert parse("aliexpress", aliexpress_documented).placed_at == datetime(
        2025, 6, 19, 6, 0, tzinfo=UTC
    )


def test_aliexpress_ship_by_is_payment_plus_the_longest_handling_time(aliexpress_documented):
    assert parse("aliexpress", aliexpress_documented).ship_by == datetime(
        2025, 6, 24, 6, 1, 30, tzinfo=UTC
    )


def test_aliexpress_unpaid_order_has_no_ship_by_and_no_payment(aliexpress_documented):
    del aliexpress_documented["gmt_pay_success"]
    aliexpress_documented.update(order_status="PLACE_ORDER_SUCCESS", fund_status="NOT_PAY")
    parsed = parse("aliexpress", aliexpress_documented)
    assert (parsed.ship_by, parsed.payment_captured) == (None, False)


@pytest.mark.parametrize(
    ("order_status", "fund_status", "captured"),
    [
        ("WAIT_SELLER_SEND_GOODS", "PAY_SUCCESS", True),
        ("WAIT_SELLER_SEND_GOODS", None, True),
        ("RISK_CONTROL", "PAY_SUCCESS", False),
        ("PLACE_ORDER_SUCCESS", None, False),
        ("WAIT_SELLER_SEND_GOODS", "WAIT_SELLER_CHECK", False),
    ],
)
def test_aliexpress_payment_needs_pay_success_outside_risk_control(
    aliexpress_documented, order_status, fund_status, captured
):
    aliexpress_documented.update(order_status=order_status, fund_status=fund_status)
    assert parse("aliexpress", aliexpress_documented).payment_captured is captured


def test_aliexpress_simulator_payload_parses():
    parsed = parse("aliexpress", aliexpress_order(9, [("AE-USBC", 3)], country="FR"))
    assert parsed.lines == (
        ChannelLine(channel_sku="AE-USBC", quantity=3, unit_price=Decimal("12.50")),
    )
    assert (parsed.currency, parsed.ship_to.country, parsed.payment_captured) == ("USD", "FR", True)
    assert abs(parsed.placed_at - datetime.now(UTC)) < timedelta(minutes=5)
    assert parsed.ship_by == parsed.placed_at + timedelta(days=3)


def _children(payload: dict) -> list:
    return payload["child_order_list"]["global_aeop_tp_child_order_dto"]


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda p: p.pop("id"), "id"),
        (lambda p: p.update(id="AE-123"), "id"),
        (lambda p: p.update(gmt_create="18/06/2025 23:00"), "gmt_create"),
        (lambda p: p.update(gmt_create="1999-12-31 15:00:00"), "gmt_create"),
        (lambda p: p.pop("order_status"), "order_status"),
        (
            lambda p: p.update(child_order_list={"global_aeop_tp_child_order_dto": []}),
            "child_order_list",
        ),
        (lambda p: _children(p)[1].update(product_count=0), "child_order_list.1.product_count"),
        (
            lambda p: _children(p)[0]["product_price"].pop("amount"),
            "child_order_list.0.product_price.amount",
        ),
        (
            lambda p: _children(p)[2]["product_price"].update(currency_code="EUR"),
            "child_order_list.2.product_price.currency_code",
        ),
        (lambda p: p["order_amount"].update(currency_code="US$"), "order_amount.currency_code"),
        (lambda p: p["receipt_address"].update(country="Spain"), "receipt_address.country"),
    ],
)
def test_malformed_aliexpress_payload_names_the_wrong_field(aliexpress_documented, mutate, field):
    mutate(aliexpress_documented)
    with pytest.raises(MalformedChannelPayload, match=rf"^aliexpress order: {field}: "):
        parse("aliexpress", aliexpress_documented)
