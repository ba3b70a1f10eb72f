import uuid
from decimal import Decimal
from importlib import import_module
from pathlib import Path

import pytest
from orderflow_contracts.order import OrderLine
from orderflow_contracts.setup import SellerSetup
from orderflow_intake.adapters import parse_amazon, parse_shopify
from orderflow_intake.domain import canonicalise, order_id_for
from orderflow_simulators.payloads import amazon_order, shopify_order

SELLER_JSON = Path(import_module("orderflow_simulators").__file__).parent / "seller.json"


def listings_for(channel: str) -> dict[str, tuple[str, int]]:
    setup = SellerSetup.load(SELLER_JSON)
    return {
        item.channel_sku: (item.sku, item.quantity)
        for item in setup.listings
        if item.channel == channel
    }


def codes(reasons):
    return [reason.code for reason in reasons]


def test_accepts_clean_shopify_order_without_hold_reasons():
    parsed = parse_shopify(shopify_order(1, [("MUG-RED", 2)]))
    order, reasons = canonicalise(parsed, listings_for("shopify"))
    assert reasons == []
    assert order.lines == (
        OrderLine(
            sku="MUG-RED", quantity=2, unit_price=Decimal("19.90"), line_total=Decimal("39.80")
        ),
    )


def test_maps_amazon_channel_sku_to_master_sku():
    parsed = parse_amazon(amazon_order(1, [("AMZ-LAMP", 1), ("AMZ-USBC", 2)]))
    order, reasons = canonicalise(parsed, listings_for("amazon"))
    assert reasons == []
    assert [(line.sku, line.quantity) for line in order.lines] == [
        ("LAMP-DESK", 1),
        ("CABLE-USBC", 2),
    ]


def test_multipack_listing_multiplies_quantity_and_divides_unit_price():
    parsed = parse_amazon(amazon_order(1, [("AMZ-TOWEL-3PK", 2)], price="29.97"))
    order, reasons = canonicalise(parsed, {"AMZ-TOWEL-3PK": ("TOWEL-BATH", 3)})
    assert reasons == []
    assert order.lines == (
        OrderLine(
            sku="TOWEL-BATH", quantity=6, unit_price=Decimal("9.99"), line_total=Decimal("59.94")
        ),
    )


def test_holds_order_with_unmapped_sku():
    parsed = parse_shopify(shopify_order(1, [("MUG-RED", 1), ("NOT-LISTED", 1)]))
    _, reasons = canonicalise(parsed, listings_for("shopify"))
    assert codes(reasons) == ["unknown_sku"]
    assert "'NOT-LISTED'" in reasons[0].detail
    assert "shopify" in reasons[0].detail


def test_unmapped_lines_are_left_out_of_the_canonical_order():
    parsed = parse_shopify(shopify_order(1, [("MUG-RED", 1), ("NOT-LISTED", 4)]))
    order, _ = canonicalise(parsed, listings_for("shopify"))
    assert [line.sku for line in order.lines] == ["MUG-RED"]


def test_listings_of_another_channel_do_not_map():
    parsed = parse_amazon(amazon_order(1, [("MUG-RED", 1)]))
    _, reasons = canonicalise(parsed, listings_for("amazon"))
    assert codes(reasons) == ["unknown_sku"]


def test_holds_order_with_missing_postal_code():
    parsed = parse_shopify(shopify_order(1, [("MUG-RED", 1)], address_overrides={"zip": None}))
    _, reasons = canonicalise(parsed, listings_for("shopify"))
    assert codes(reasons) == ["incomplete_address"]
    assert reasons[0].detail == "missing postal_code"


def test_whitespace_only_address_fields_count_as_missing():
    payload = shopify_order(
        1, [("MUG-RED", 1)], address_overrides={"city": "  ", "address1": "", "country_code": None}
    )
    _, reasons = canonicalise(parse_shopify(payload), listings_for("shopify"))
    assert codes(reasons) == ["incomplete_address"]
    assert reasons[0].detail == "missing line1, city, country"


def test_order_without_region_is_not_held():
    parsed = parse_shopify(shopify_order(1, [("MUG-RED", 1)], country="SG"))
    assert parsed.ship_to.region == ""
    _, reasons = canonicalise(parsed, listings_for("shopify"))
    assert reasons == []


def test_holds_order_whose_payment_is_not_captured(shopify_documented):
    _, reasons = canonicalise(parse_shopify(shopify_documented), {"IPOD2008PINK": ("IPOD", 1)})
    assert codes(reasons) == ["payment_not_captured"]


def test_holds_pending_amazon_order_for_payment():
    payload = amazon_order(1, [("AMZ-MUG-RED", 1)])
    payload["order"]["OrderStatus"] = "Pending"
    _, reasons = canonicalise(parse_amazon(payload), listings_for("amazon"))
    assert codes(reasons) == ["payment_not_captured"]


def test_reports_every_hold_reason_at_once():
    payload = shopify_order(1, [("NOPE", 1)], address_overrides={"zip": ""})
    payload["financial_status"] = "pending"
    _, reasons = canonicalise(parse_shopify(payload), listings_for("shopify"))
    assert codes(reasons) == ["unknown_sku", "incomplete_address", "payment_not_captured"]


def test_canonical_order_keeps_identity_customer_address_currency_and_times(amazon_documented):
    parsed = parse_amazon(amazon_documented)
    order, reasons = canonicalise(
        parsed, {"CBA_OTF_1": ("MUG-RED", 1), "CBA_OTF_5": ("LAMP-DESK", 1)}
    )
    assert reasons == []
    assert order.order_id == order_id_for("amazon", "902-3159896-1390916")
    assert (order.channel, order.external_id) == ("amazon", "902-3159896-1390916")
    assert order.customer == parsed.customer
    assert order.ship_to == parsed.ship_to
    assert order.currency == "USD"
    assert (order.placed_at, order.ship_by) == (parsed.placed_at, parsed.ship_by)
    assert order.lines == (
        OrderLine(
            sku="MUG-RED", quantity=2, unit_price=Decimal("24.99"), line_total=Decimal("49.98")
        ),
        OrderLine(
            sku="LAMP-DESK", quantity=1, unit_price=Decimal("12.50"), line_total=Decimal("12.50")
        ),
    )


def test_order_id_is_stable_for_the_same_marketplace_order():
    assert order_id_for("amazon", "902-3159896-1390916") == order_id_for(
        "amazon", "902-3159896-1390916"
    )


def test_order_id_is_a_uuid():
    assert uuid.UUID(order_id_for("shopify", "820982911946154508")).version == 5


@pytest.mark.parametrize(
    ("other_channel", "other_id"),
    [("shopify", "902-3159896-1390916"), ("amazon", "902-3159896-1390917")],
)
def test_order_id_differs_by_channel_and_external_id(other_channel, other_id):
    assert order_id_for("amazon", "902-3159896-1390916") != order_id_for(other_channel, other_id)


def test_redelivered_payload_canonicalises_to_the_same_order_id():
    payload = amazon_order(5, [("AMZ-MUG-RED", 1)])
    first, _ = canonicalise(parse_amazon(payload), listings_for("amazon"))
    again, _ = canonicalise(parse_amazon(payload), listings_for("amazon"))
    assert first.order_id == again.order_id


def test_lines_of_one_master_sku_become_one_line_at_the_average_price():
    parsed = parse_shopify(shopify_order(1, [("MUG-RED", 1), ("MUG-RED", 3)], price="10.00"))
    order, _ = canonicalise(parsed, listings_for("shopify"))
    assert [(ln.sku, ln.quantity, ln.unit_price) for ln in order.lines] == [
        ("MUG-RED", 4, Decimal("10"))
    ]
