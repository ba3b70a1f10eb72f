"""Each channel's documented fixture becomes exactly this canonical order: every field, amounts as
Decimal in the currency's minor unit, ISO codes, UTC instants and the ship-by deadline. The
expected orders are written out by hand from the fixtures, not computed."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from orderflow_contracts.order import Address, CanonicalOrder, Customer, OrderLine, OrderTotals
from orderflow_intake.adapters import parse
from orderflow_intake.domain import canonicalise, order_id_for

FIXTURES = Path(__file__).parent / "fixtures"


def _line(sku: str, quantity: int, unit_price: str, line_total: str) -> OrderLine:
    return OrderLine(
        sku=sku, quantity=quantity, unit_price=Decimal(unit_price), line_total=Decimal(line_total)
    )


SHOPIFY = CanonicalOrder(
    order_id=order_id_for("shopify", "5847362910473"),
    channel="shopify",
    external_id="5847362910473",
    customer=Customer(name="Lena Müller", email="lena.mueller@example.de", language="de"),
    ship_to=Address(
        name="Lena Müller",
        line1="Invalidenstraße 117",
        line2="3. OG",
        city="Berlin",
        region="BE",
        postal_code="10115",
        country="DE",
        phone="+49 30 5555 0100",
    ),
    # Unit prices before the SUMMER10 code, which Shopify does not apportion to lines here.
    lines=(
        _line("MUG-BLUE", 3, "19.95", "59.85"),
        _line("TOWEL-BATH", 1, "29.95", "29.95"),
    ),
    currency="EUR",
    placed_at=datetime(2025, 6, 19, 6, 0, tzinfo=UTC),  # 08:00 at +02:00
    ship_by=None,
    order_number="#1042",
    # 89.80 - 8.98 + 4.90 (DHL Paket) = 85.72, the 13.69 VAT included.
    totals=OrderTotals(
        goods=Decimal("89.80"),
        discounts=Decimal("8.98"),
        shipping=Decimal("4.90"),
        tax=Decimal("13.69"),
        tax_included=True,
        total=Decimal("85.72"),
    ),
)

AMAZON = CanonicalOrder(
    order_id=order_id_for("amazon", "503-4172956-8301427"),
    channel="amazon",
    external_id="503-4172956-8301427",
    customer=Customer(
        name="Sato Hanako", email="k3x9m2p8q1w7@marketplace.amazon.co.jp", language="ja"
    ),
    ship_to=Address(
        name="Sato Hanako",
        line1="1-2-3 Shibuya",
        line2="Shibuya Mark City 10F",
        city="Shibuya-ku",
        region="Tokyo",
        postal_code="150-0002",
        country="JP",
        phone="+81 3-5555-0100",
    ),
    # ItemPrice is the whole line: 1000 JPY for 3 (333 each, rounded), 2999 for 2 (1499.5 -> 1500).
    lines=(
        _line("MUG-RED", 3, "333", "1000"),
        _line("TOWEL-BATH", 2, "1500", "2999"),
    ),
    currency="JPY",
    placed_at=datetime(2025, 6, 19, 6, 0, tzinfo=UTC),
    ship_by=datetime(2025, 6, 21, 14, 59, 59, tzinfo=UTC),
    deliver_by=datetime(2025, 6, 24, 14, 59, 59, tzinfo=UTC),  # LatestDeliveryDate
    # 1000 + 2999 - 300 (PromotionDiscount) = 3699, prices with tax on Amazon.co.jp.
    totals=OrderTotals(
        goods=Decimal("3999"),
        discounts=Decimal("300"),
        shipping=Decimal("0"),
        tax=Decimal("0"),
        tax_included=True,
        total=Decimal("3699"),
    ),
)

SHOPEE = CanonicalOrder(
    order_id=order_id_for("shopee", "250619KX7T3QWM"),
    channel="shopee",
    external_id="250619KX7T3QWM",
    customer=Customer(name="Nurul Aisyah", email="", language="en", buyer_id="395350931"),
    ship_to=Address(
        name="Nurul Aisyah",
        line1="12, Jalan Telawi 3, Bangsar Baru, 59100 Kuala Lumpur,"
        " Wilayah Persekutuan Kuala Lumpur",
        line2="Lembah Pantai",
        city="Kuala Lumpur",
        region="Wilayah Persekutuan Kuala Lumpur",
        postal_code="59100",
        country="MY",
        phone="******789",  # as Shopee masks it
    ),
    # model_discounted_price per unit; the lines add up to total_amount 168.50.
    lines=(
        _line("MUG-RED", 2, "24.90", "49.80"),
        _line("LAMP-DESK", 1, "89.00", "89.00"),
        _line("CABLE-USBC", 3, "9.90", "29.70"),
    ),
    currency="MYR",
    placed_at=datetime(2025, 6, 19, 6, 0, tzinfo=UTC),  # create_time 1750312800
    ship_by=datetime(2025, 6, 22, 6, 0, tzinfo=UTC),  # ship_by_date 1750572000
    deliver_by=datetime(2025, 6, 27, 6, 0, tzinfo=UTC),  # edt_to 1751004000
)

TIKTOK = CanonicalOrder(
    order_id=order_id_for("tiktok", "576486316948492461"),
    channel="tiktok",
    external_id="576486316948492461",
    customer=Customer(name="Maria Garcia", email="v2f3k9x8p1q7@scs2.tiktok.com", language="en"),
    ship_to=Address(
        name="Maria Garcia",
        line1="1199 Coleman Ave",
        line2="Apt 204",
        city="San Jose",
        region="California",
        postal_code="95110",
        country="US",
        phone="(+1)408*****00",  # as TikTok Shop masks it
    ),
    # One line item per unit: two red mugs at 12.49 and a cable at 5.99, sub_total 30.97.
    lines=(
        _line("MUG-RED", 2, "12.49", "24.98"),
        _line("CABLE-USBC", 1, "5.99", "5.99"),
    ),
    currency="USD",
    placed_at=datetime(2025, 6, 19, 6, 0, tzinfo=UTC),  # create_time 1750312800
    ship_by=datetime(2025, 6, 21, 23, 59, 59, tzinfo=UTC),  # rts_sla_time 1750550399
    deliver_by=datetime(2025, 6, 27, 6, 0, tzinfo=UTC),  # delivery_due_time 1751004000
    # sub_total 30.97 (after 7.00 of discounts), free shipping, 2.56 tax added: 33.53.
    totals=OrderTotals(
        goods=Decimal("30.97"),
        shipping=Decimal("0"),
        tax=Decimal("2.56"),
        other=Decimal("0"),
        total=Decimal("33.53"),
    ),
)

ALIEXPRESS = CanonicalOrder(
    order_id=order_id_for("aliexpress", "8187654321098765"),
    channel="aliexpress",
    external_id="8187654321098765",
    customer=Customer(name="James Wilson", email="", language="en", buyer_id="us1837465029abcd"),
    ship_to=Address(
        name="James Wilson",
        line1="742 Evergreen Terrace",
        line2="Unit 3",
        city="Springfield",
        region="Oregon",
        postal_code="97477",
        country="US",
        phone="+1 5415550123",  # phone_country and mobile_no
    ),
    # product_price is the unit price before the order's 3.00 discount.
    lines=(
        _line("TOWEL-BATH", 1, "15.99", "15.99"),
        _line("MUG-BLUE", 2, "11.65", "23.30"),
        _line("CASE-IP15", 1, "5.00", "5.00"),
    ),
    currency="USD",
    placed_at=datetime(2025, 6, 19, 6, 0, tzinfo=UTC),  # 2025-06-18 23:00:00 US Pacific (PDT)
    # paid 23:01:30 PDT, plus the longest goods_prepare_time (5 days)
    ship_by=datetime(2025, 6, 24, 6, 1, 30, tzinfo=UTC),
    # 15.99 + 2 x 11.65 + 5.00 = 44.29, less the 3.00 discount, free shipping: 41.29.
    totals=OrderTotals(
        goods=Decimal("44.29"),
        discounts=Decimal("3.00"),
        shipping=Decimal("0.00"),
        total=Decimal("41.29"),
    ),
)

CASES = {
    "shopify": (
        "shopify_orders_create_eur.json",
        {"MUG-BLUE": ("MUG-BLUE", 1), "TOWEL-BATH": ("TOWEL-BATH", 1)},
        SHOPIFY,
    ),
    "amazon": (
        "amazon_jp_multi_quantity.json",
        {"AMZ-MUG-RED": ("MUG-RED", 1), "AMZ-TOWEL": ("TOWEL-BATH", 1)},
        AMAZON,
    ),
    "shopee": (
        "shopee_get_order_detail.json",
        {
            "SHP-MUG-RED": ("MUG-RED", 1),
            "SHP-LAMP": ("LAMP-DESK", 1),
            "SHP-USBC-1M": ("CABLE-USBC", 1),
        },
        SHOPEE,
    ),
    "tiktok": (
        "tiktok_get_order_detail.json",
        {"TTS-MUG-RED": ("MUG-RED", 1), "TTS-USBC": ("CABLE-USBC", 1)},
        TIKTOK,
    ),
    "aliexpress": (
        "aliexpress_order_info_get.json",
        {
            "AE-TOWEL": ("TOWEL-BATH", 1),
            "AE-MUG-BLUE": ("MUG-BLUE", 1),
            "AE-CASE-IP15": ("CASE-IP15", 1),
        },
        ALIEXPRESS,
    ),
}


@pytest.mark.parametrize("channel", sorted(CASES))
def test_documented_fixture_becomes_exactly_the_expected_canonical_order(channel):
    fixture, listings, expected = CASES[channel]
    payload = json.loads((FIXTURES / fixture).read_text())

    order, reasons = canonicalise(parse(channel, payload), listings)

    assert reasons == []
    assert order == expected
    # Equality compares Decimals by value and instants across zones: the JSON form also pins
    # the minor-unit digits ("19.95", not "19.950") and the UTC zone of every instant.
    assert order.model_dump_json() == expected.model_dump_json()
    assert order.placed_at.tzinfo == UTC
    assert order.ship_by is None or order.ship_by.tzinfo == UTC
    for line in order.lines:
        assert isinstance(line.unit_price, Decimal) and isinstance(line.line_total, Decimal)
