import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from orderflow_contracts.order import Address, Customer
from orderflow_intake.adapters import ChannelLine, MalformedChannelPayload, parse
from orderflow_simulators.payloads import shopee_order

FIXTURE = Path(__file__).parent / "fixtures" / "shopee_get_order_detail.json"


@pytest.fixture
def shopee_documented() -> dict:
    return json.loads(FIXTURE.read_text())


def test_shopee_order_sn_is_the_external_id(shopee_documented):
    parsed = parse("shopee", shopee_documented)
    assert (parsed.channel, parsed.external_id) == ("shopee", "250619KX7T3QWM")


def test_shopee_lines_use_model_sku_else_item_sku_with_discounted_unit_prices(shopee_documented):
    assert parse("shopee", shopee_documented).lines == (
        ChannelLine(channel_sku="SHP-MUG-RED", quantity=2, unit_price=Decimal("24.90")),
        ChannelLine(channel_sku="SHP-LAMP", quantity=1, unit_price=Decimal("89.00")),
        ChannelLine(channel_sku="SHP-USBC-1M", quantity=3, unit_price=Decimal("9.90")),
    )


def test_shopee_float_prices_become_exact_decimals_in_minor_units(shopee_documented):
    prices = [str(line.unit_price) for line in parse("shopee", shopee_documented).lines]
    assert prices == ["24.90", "89.00", "9.90"]


def test_shopee_line_total_matches_the_documented_order_total(shopee_documented):
    lines = parse("shopee", shopee_documented).lines
    total = sum(line.unit_price * line.quantity for line in lines)
    assert total == Decimal(str(shopee_documented["total_amount"]))


def test_shopee_recipient_address_maps_to_ship_to(shopee_documented):
    assert parse("shopee", shopee_documented).ship_to == Address(
        name="Nurul Aisyah",
        line1="12, Jalan Telawi 3, Bangsar Baru, 59100 Kuala Lumpur, Wilayah Persekutuan Kuala Lumpur",
        line2="Lembah Pantai",
        city="Kuala Lumpur",
        region="Wilayah Persekutuan Kuala Lumpur",
        postal_code="59100",
        country="MY",
        phone="******789",
    )


def test_shopee_district_already_in_full_address_is_not_repeated(shopee_documented):
    shopee_documented["recipient_address"]["district"] = "Bangsar Baru"
    assert parse("shopee", shopee_documented).ship_to.line2 == ""


def test_shopee_customer_is_the_recipient_without_email_known_by_buyer_user_id(
    shopee_documented,
):
    assert parse("shopee", shopee_documented).customer == Customer(
        name="Nurul Aisyah", email="", language="en", buyer_id="395350931"
    )


def test_shopee_taiwan_order_customer_speaks_chinese(shopee_documented):
    shopee_documented["recipient_address"]["region"] = "TW"
    assert parse("shopee", shopee_documented).customer.language == "zh"


def test_shopee_country_falls_back_to_the_order_region(shopee_documented):
    del shopee_documented["recipient_address"]["region"]
    assert parse("shopee", shopee_documented).ship_to.country == "MY"


def test_shopee_times_are_unix_seconds_in_utc(shopee_documented):
    parsed = parse("shopee", shopee_documented)
    assert parsed.placed_at == datetime(2025, 6, 19, 6, 0, tzinfo=UTC)
    assert parsed.ship_by == datetime(2025, 6, 22, 6, 0, tzinfo=UTC)
    assert parsed.placed_at.utcoffset() == timedelta(0)


def test_shopee_without_ship_by_date_ships_days_to_ship_after_payment(shopee_documented):
    shopee_documented["ship_by_date"] = 0
    ship_by = parse("shopee", shopee_documented).ship_by
    assert ship_by == datetime(2025, 6, 22, 6, 1, tzinfo=UTC)


def test_shopee_cash_on_delivery_handling_time_runs_from_creation(shopee_documented):
    shopee_documented.update(ship_by_date=0, cod=True, pay_time=0)
    assert parse("shopee", shopee_documented).ship_by == datetime(2025, 6, 22, 6, 0, tzinfo=UTC)


def test_shopee_unpaid_order_has_no_ship_by(shopee_documented):
    shopee_documented.update(ship_by_date=0, pay_time=0, order_status="UNPAID")
    parsed = parse("shopee", shopee_documented)
    assert (parsed.ship_by, parsed.payment_captured) == (None, False)


@pytest.mark.parametrize(
    ("status", "captured"),
    [
        ("UNPAID", False),
        ("PENDING", False),
        ("CANCELLED", False),
        ("READY_TO_SHIP", True),
        ("PROCESSED", True),
        ("INVOICE_PENDING", True),
        ("IN_CANCEL", True),
    ],
)
def test_shopee_payment_is_captured_unless_unpaid_pending_or_cancelled(
    shopee_documented, status, captured
):
    shopee_documented["order_status"] = status
    assert parse("shopee", shopee_documented).payment_captured is captured


def test_shopee_vietnamese_dong_prices_have_no_minor_unit(shopee_documented):
    shopee_documented["region"] = shopee_documented["recipient_address"]["region"] = "VN"
    shopee_documented["currency"] = "VND"
    shopee_documented["item_list"][0]["model_discounted_price"] = 149500.4
    with pytest.raises(MalformedChannelPayload, match=r"149500\.4 VND is finer than VND.s minor"):
        parse("shopee", shopee_documented)


def test_shopee_simulator_payload_parses():
    parsed = parse("shopee", shopee_order(5, [("SHP-MUG-RED", 2), ("SHP-LAMP", 1)], country="SG"))
    assert parsed.lines == (
        ChannelLine(channel_sku="SHP-MUG-RED", quantity=2, unit_price=Decimal("24.90")),
        ChannelLine(channel_sku="SHP-LAMP", quantity=1, unit_price=Decimal("24.90")),
    )
    assert (parsed.ship_to.country, parsed.currency, parsed.payment_captured) == ("SG", "SGD", True)
    assert parsed.ship_by is not None and parsed.ship_by > parsed.placed_at


def _drop(payload: dict, *path) -> None:
    *parents, last = path
    for key in parents:
        payload = payload[key]
    del payload[last]


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda p: _drop(p, "order_sn"), "order_sn"),
        (lambda p: p.update(order_sn=""), "order_sn"),
        (lambda p: p.update(currency="RM"), "currency"),
        (lambda p: _drop(p, "create_time"), "create_time"),
        (lambda p: p.update(create_time="2025-06-19"), "create_time"),
        (lambda p: p.update(create_time=10**13), "create_time"),
        (lambda p: p.update(ship_by_date=-5), "ship_by_date"),
        (lambda p: _drop(p, "order_status"), "order_status"),
        (lambda p: p.update(item_list=[]), "item_list"),
        (
            lambda p: p["item_list"][1].update(model_quantity_purchased=0),
            "item_list.1.model_quantity_purchased",
        ),
        (
            lambda p: p["item_list"][2].update(model_discounted_price=-1),
            "item_list.2.model_discounted_price",
        ),
        (
            lambda p: p["item_list"][0].update(model_discounted_price="NaN"),
            "item_list.0.model_discounted_price",
        ),
        (
            lambda p: _drop(p, "item_list", 0, "model_discounted_price"),
            "item_list.0.model_discounted_price",
        ),
        (lambda p: p["recipient_address"].update(region="Malaysia"), "recipient_address.region"),
        (lambda p: p.update(days_to_ship=10**9), "days_to_ship"),
    ],
)
def test_malformed_shopee_payload_names_the_wrong_field(shopee_documented, mutate, field):
    mutate(shopee_documented)
    with pytest.raises(MalformedChannelPayload, match=rf"^shopee order: {field}: "):
        parse("shopee", shopee_documented)
