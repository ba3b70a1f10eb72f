import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from orderflow_contracts.order import Address, Customer
from orderflow_intake.adapters import ChannelLine, MalformedChannelPayload, parse
from orderflow_simulators.payloads import tiktok_order

FIXTURE = Path(__file__).parent / "fixtures" / "tiktok_get_order_detail.json"


@pytest.fixture
def tiktok_documented() -> dict:
    return json.loads(FIXTURE.read_text())


def test_tiktok_order_id_is_the_external_id(tiktok_documented):
    parsed = parse("tiktok", tiktok_documented)
    assert (parsed.channel, parsed.external_id) == ("tiktok", "576486316948492461")


def test_tiktok_identical_units_become_one_line_with_their_count(tiktok_documented):
    assert parse("tiktok", tiktok_documented).lines == (
        ChannelLine(channel_sku="TTS-MUG-RED", quantity=2, unit_price=Decimal("12.49")),
        ChannelLine(channel_sku="TTS-USBC", quantity=1, unit_price=Decimal("5.99")),
    )


def test_tiktok_lines_add_up_to_the_documented_sub_total(tiktok_documented):
    lines = parse("tiktok", tiktok_documented).lines
    total = sum(line.unit_price * line.quantity for line in lines)
    assert total == Decimal(tiktok_documented["payment"]["sub_total"])


def test_tiktok_units_of_one_sku_at_different_prices_stay_apart(tiktok_documented):
    tiktok_documented["line_items"][1]["sale_price"] = "14.99"
    assert [
        (line.quantity, line.unit_price) for line in parse("tiktok", tiktok_documented).lines
    ] == [
        (1, Decimal("12.49")),
        (1, Decimal("14.99")),
        (1, Decimal("5.99")),
    ]


def test_tiktok_unit_cancelled_on_its_own_is_left_out(tiktok_documented):
    tiktok_documented["line_items"][0]["display_status"] = "CANCELLED"
    assert [
        (line.channel_sku, line.quantity) for line in parse("tiktok", tiktok_documented).lines
    ] == [
        ("TTS-MUG-RED", 1),
        ("TTS-USBC", 1),
    ]


def test_tiktok_cancelled_order_keeps_its_lines(tiktok_documented):
    tiktok_documented["status"] = "CANCELLED"
    for item in tiktok_documented["line_items"]:
        item["display_status"] = "CANCELLED"
    parsed = parse("tiktok", tiktok_documented)
    assert [line.quantity for line in parsed.lines] == [2, 1]
    assert parsed.payment_captured is False


def test_tiktok_recipient_address_uses_district_levels(tiktok_documented):
    assert parse("tiktok", tiktok_documented).ship_to == Address(
        name="Maria Garcia",
        line1="1199 Coleman Ave",
        line2="Apt 204",
        city="San Jose",
        region="California",
        postal_code="95110",
        country="US",
        phone="(+1)408*****00",
    )


def test_tiktok_city_is_the_deepest_level_when_none_is_named_city(tiktok_documented):
    tiktok_documented["recipient_address"]["district_info"] = [
        {"address_level_name": "Country", "address_name": "United Kingdom", "address_level": "L0"},
        {"address_level_name": "Country", "address_name": "England", "address_level": "L1"},
        {"address_level_name": "County", "address_name": "Greater London", "address_level": "L2"},
        {"address_level_name": "District", "address_name": "Camden", "address_level": "L3"},
    ]
    ship_to = parse("tiktok", tiktok_documented).ship_to
    assert (ship_to.city, ship_to.region) == ("Camden", "England")


def test_tiktok_customer_has_the_buyer_email(tiktok_documented):
    assert parse("tiktok", tiktok_documented).customer == Customer(
        name="Maria Garcia", email="v2f3k9x8p1q7@scs2.tiktok.com", language="en"
    )


def test_tiktok_ship_by_is_the_ready_to_ship_deadline(tiktok_documented):
    parsed = parse("tiktok", tiktok_documented)
    assert parsed.placed_at == datetime(2025, 6, 19, 6, 0, tzinfo=UTC)
    assert parsed.ship_by == datetime(2025, 6, 21, 23, 59, 59, tzinfo=UTC)
    assert parsed.ship_by.utcoffset() == timedelta(0)


def test_tiktok_ship_by_falls_back_to_shipping_due_time(tiktok_documented):
    tiktok_documented["rts_sla_time"] = 0
    assert parse("tiktok", tiktok_documented).ship_by == datetime(2025, 6, 22, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "captured"),
    [
        ("UNPAID", False),
        ("CANCELLED", False),
        ("ON_HOLD", True),
        ("AWAITING_SHIPMENT", True),
        ("AWAITING_COLLECTION", True),
        ("IN_TRANSIT", True),
    ],
)
def test_tiktok_payment_is_captured_unless_unpaid_or_cancelled(tiktok_documented, status, captured):
    tiktok_documented["status"] = status
    assert parse("tiktok", tiktok_documented).payment_captured is captured


def test_tiktok_simulator_payload_parses():
    parsed = parse("tiktok", tiktok_order(3, [("TTS-LAMP", 2), ("TTS-TOWEL", 1)], country="GB"))
    assert parsed.lines == (
        ChannelLine(channel_sku="TTS-LAMP", quantity=2, unit_price=Decimal("19.90")),
        ChannelLine(channel_sku="TTS-TOWEL", quantity=1, unit_price=Decimal("19.90")),
    )
    assert (parsed.currency, parsed.ship_to.country, parsed.ship_to.city) == ("GBP", "GB", "London")
    assert parsed.ship_by is not None and parsed.ship_by - parsed.placed_at == timedelta(days=2)


def _drop(payload: dict, *path) -> None:
    *parents, last = path
    for key in parents:
        payload = payload[key]
    del payload[last]


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda p: _drop(p, "id"), "id"),
        (lambda p: p.update(id=576486316948492461), "id"),
        (lambda p: _drop(p, "status"), "status"),
        (lambda p: p.update(create_time=True), "create_time"),
        (lambda p: p.update(rts_sla_time="soon"), "rts_sla_time"),
        (lambda p: _drop(p, "payment"), "payment"),
        (lambda p: p["payment"].update(currency="dollars"), "payment.currency"),
        (lambda p: p.update(line_items=[]), "line_items"),
        (lambda p: _drop(p, "line_items", 2, "sale_price"), "line_items.2.sale_price"),
        (lambda p: p["line_items"][0].update(sale_price="12,49"), "line_items.0.sale_price"),
        (lambda p: p["line_items"][1].update(currency="EUR"), "line_items.1.currency"),
        (
            lambda p: p["recipient_address"].update(region_code="USA"),
            "recipient_address.region_code",
        ),
    ],
)
def test_malformed_tiktok_payload_names_the_wrong_field(tiktok_documented, mutate, field):
    mutate(tiktok_documented)
    with pytest.raises(MalformedChannelPayload, match=rf"^tiktok order: {field}: "):
        parse("tiktok", tiktok_documented)
