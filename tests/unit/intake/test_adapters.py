import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from orderflow_contracts.order import Address, Customer
from orderflow_intake import adapters
from orderflow_intake.adapters import (
    CHANNELS,
    ChannelLine,
    MalformedChannelPayload,
    ParsedOrder,
    parse,
    parse_amazon,
    parse_shopify,
)
from orderflow_simulators.payloads import amazon_order, shopify_order

FIXTURES = Path(__file__).parent / "fixtures"


def documented(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


# --- Shopify: the documented orders/create webhook body ---------------------------------------


def test_shopify_documented_order_keeps_its_id_as_external_id(shopify_documented):
    assert parse_shopify(shopify_documented).external_id == "820982911946154508"


def test_shopify_documented_order_is_placed_at_utc_midnight(shopify_documented):
    placed_at = parse_shopify(shopify_documented).placed_at
    assert placed_at == datetime(2022, 1, 1, 0, 0, tzinfo=UTC)
    assert placed_at.utcoffset() == timedelta(0)


def test_shopify_documented_order_lines_carry_sku_quantity_and_decimal_price(shopify_documented):
    assert parse_shopify(shopify_documented).lines == (
        ChannelLine(channel_sku="IPOD2008PINK", quantity=1, unit_price=Decimal("199.00")),
        ChannelLine(channel_sku="IPOD2008PINK", quantity=1, unit_price=Decimal("199.00")),
    )


def test_shopify_documented_order_ships_to_the_shipping_address(shopify_documented):
    assert parse_shopify(shopify_documented).ship_to == Address(
        name="Steve Shipper",
        line1="123 Shipping Street",
        line2="",
        city="Shippington",
        region="KY",
        postal_code="40003",
        country="US",
        phone="555-555-SHIP",
    )


def test_shopify_order_email_wins_over_customer_email(shopify_documented):
    assert parse_shopify(shopify_documented).customer == Customer(
        name="John Smith", email="jon@example.com", language="en"
    )


def test_shopify_documented_order_is_in_usd_without_ship_by(shopify_documented):
    parsed = parse_shopify(shopify_documented)
    assert (parsed.channel, parsed.currency, parsed.ship_by) == ("shopify", "USD", None)


def test_shopify_voided_payment_is_not_captured(shopify_documented):
    assert parse_shopify(shopify_documented).payment_captured is False


@pytest.mark.parametrize(
    ("financial_status", "captured"),
    [
        ("paid", True),
        ("partially_refunded", True),
        (None, True),
        ("pending", False),
        ("authorized", False),
        ("voided", False),
        ("refunded", False),
    ],
)
def test_shopify_payment_is_captured_only_for_paid_statuses(
    shopify_documented, financial_status, captured
):
    shopify_documented["financial_status"] = financial_status
    assert parse_shopify(shopify_documented).payment_captured is captured


def test_shopify_customer_email_is_used_when_order_email_missing(shopify_documented):
    shopify_documented["email"] = None
    assert parse_shopify(shopify_documented).customer.email == "john@example.com"


@pytest.mark.parametrize(
    ("locale", "language"), [("zh-CN", "zh"), ("zh-TW", "zh"), ("EN-US", "en"), (None, "en")]
)
def test_shopify_customer_language_is_the_locale_base_language(
    shopify_documented, locale, language
):
    shopify_documented["customer_locale"] = locale
    assert parse_shopify(shopify_documented).customer.language == language


@pytest.mark.parametrize(
    ("country", "language"),
    [("DE", "de"), ("JP", "ja"), ("BR", "pt"), ("ID", "id"), ("MX", "es"), ("SG", "en")],
)
def test_shopify_without_a_locale_speaks_the_destinations_language(
    shopify_documented, country, language
):
    shopify_documented["customer_locale"] = None
    shopify_documented["shipping_address"]["country_code"] = country
    assert parse_shopify(shopify_documented).customer.language == language


def test_shopify_locale_wins_over_the_destination(shopify_documented):
    shopify_documented["customer_locale"] = "fr-CA"
    shopify_documented["shipping_address"]["country_code"] = "DE"
    assert parse_shopify(shopify_documented).customer.language == "fr"


def test_shopify_country_and_currency_codes_are_upper_cased(shopify_documented):
    shopify_documented["shipping_address"]["country_code"] = "de"
    shopify_documented["currency"] = "eur"
    parsed = parse_shopify(shopify_documented)
    assert (parsed.ship_to.country, parsed.currency) == ("DE", "EUR")


def test_shopify_order_without_shipping_address_has_empty_address(shopify_documented):
    del shopify_documented["shipping_address"]
    assert parse_shopify(shopify_documented).ship_to == Address()


def test_shopify_line_with_null_sku_gets_empty_channel_sku(shopify_documented):
    shopify_documented["line_items"][0]["sku"] = None
    assert parse_shopify(shopify_documented).lines[0].channel_sku == ""


def test_shopify_simulator_payload_parses_like_the_documented_one():
    parsed = parse_shopify(shopify_order(7, [("MUG-RED", 2), ("LAMP-DESK", 1)], country="DE"))
    assert parsed.external_id == str(820982911946154508 + 7)
    assert parsed.lines == (
        ChannelLine(channel_sku="MUG-RED", quantity=2, unit_price=Decimal("19.90")),
        ChannelLine(channel_sku="LAMP-DESK", quantity=1, unit_price=Decimal("19.90")),
    )
    assert parsed.ship_to == Address(
        name="Ada Lovelace",
        line1="Invalidenstr. 1",
        city="Berlin",
        region="BE",
        postal_code="10115",
        country="DE",
    )
    assert parsed.placed_at.tzinfo is not None
    assert parsed.placed_at.utcoffset() == timedelta(0)
    assert parsed.payment_captured is True


# --- Amazon: the documented SP-API getOrder + getOrderItems ---------------------------------


def test_amazon_documented_order_keeps_amazon_order_id(amazon_documented):
    assert parse_amazon(amazon_documented).external_id == "902-3159896-1390916"


def test_amazon_documented_order_timestamps_are_utc(amazon_documented):
    parsed = parse_amazon(amazon_documented)
    assert parsed.placed_at == datetime(2017, 1, 20, 19, 49, 35, tzinfo=UTC)
    assert parsed.placed_at.utcoffset() == timedelta(0)


def test_amazon_ship_by_is_latest_ship_date(amazon_documented):
    ship_by = parse_amazon(amazon_documented).ship_by
    assert ship_by == datetime(2017, 1, 25, 19, 49, 35, tzinfo=UTC)
    assert ship_by is not None and ship_by.utcoffset() == timedelta(0)


def test_amazon_ship_by_with_offset_is_normalised_to_utc(amazon_documented):
    amazon_documented["order"]["LatestShipDate"] = "2017-01-26T04:49:35+09:00"
    ship_by = parse_amazon(amazon_documented).ship_by
    assert ship_by == datetime(2017, 1, 25, 19, 49, 35, tzinfo=UTC)
    assert ship_by is not None and ship_by.utcoffset() == timedelta(0)


def test_amazon_item_price_is_divided_into_unit_price(amazon_documented):
    assert parse_amazon(amazon_documented).lines == (
        ChannelLine(
            channel_sku="CBA_OTF_1",
            quantity=2,
            unit_price=Decimal("24.99"),
            line_total=Decimal("49.98"),
        ),
        ChannelLine(
            channel_sku="CBA_OTF_5",
            quantity=1,
            unit_price=Decimal("12.50"),
            line_total=Decimal("12.50"),
        ),
    )


def test_amazon_documented_order_ships_to_the_shipping_address(amazon_documented):
    assert parse_amazon(amazon_documented).ship_to == Address(
        name="Jane Doe",
        line1="410 Terry Ave N",
        city="Seattle",
        region="WA",
        postal_code="98109-5210",
        country="US",
        phone="+1 206-555-0100",
    )


def test_amazon_buyer_comes_from_buyer_info(amazon_documented):
    assert parse_amazon(amazon_documented).customer == Customer(
        name="John Doe", email="user@marketplace.amazon.com", language="en"
    )


def test_amazon_currency_comes_from_order_total(amazon_documented):
    amazon_documented["order"]["MarketplaceId"] = "A1PA6795UKMFR9"  # Amazon.de
    amazon_documented["order"]["OrderTotal"] = {"CurrencyCode": "EUR", "Amount": "62.48"}
    for item in amazon_documented["items"]:
        for money in item.values():
            if isinstance(money, dict) and "CurrencyCode" in money:
                money["CurrencyCode"] = "EUR"
    assert parse_amazon(amazon_documented).currency == "EUR"


def test_amazon_line_priced_in_another_currency_is_malformed(amazon_documented):
    amazon_documented["items"][1]["ItemPrice"]["CurrencyCode"] = "EUR"
    with pytest.raises(
        MalformedChannelPayload,
        match=r"^amazon order: items\.1\.ItemPrice\.CurrencyCode: EUR differs from the order currency USD$",
    ):
        parse_amazon(amazon_documented)


def test_amazon_pending_order_takes_its_currency_from_the_item_prices(amazon_documented):
    del amazon_documented["order"]["OrderTotal"]
    amazon_documented["order"]["MarketplaceId"] = "A1F83G8C2ARO7P"  # Amazon.co.uk
    for item in amazon_documented["items"]:
        item["ItemPrice"]["CurrencyCode"] = "GBP"
    assert parse_amazon(amazon_documented).currency == "GBP"


def test_amazon_unshipped_order_is_paid(amazon_documented):
    assert parse_amazon(amazon_documented).payment_captured is True


@pytest.mark.parametrize(
    ("status", "captured"),
    [("Pending", False), ("Canceled", False), ("Unshipped", True), ("PartiallyShipped", True)],
)
def test_amazon_pending_and_canceled_orders_are_not_paid(amazon_documented, status, captured):
    amazon_documented["order"]["OrderStatus"] = status
    assert parse_amazon(amazon_documented).payment_captured is captured


def test_amazon_buyer_name_falls_back_to_recipient_name(amazon_documented):
    del amazon_documented["order"]["BuyerInfo"]
    customer = parse_amazon(amazon_documented).customer
    assert (customer.name, customer.email) == ("Jane Doe", "")


@pytest.mark.parametrize(
    ("country", "language"),
    [
        ("cn", "zh"),
        ("TW", "zh"),
        ("DE", "de"),
        ("JP", "ja"),
        ("BR", "pt"),
        ("AE", "ar"),
        ("SG", "en"),
        ("US", "en"),
    ],
)
def test_amazon_customer_language_follows_destination_country(amazon_documented, country, language):
    amazon_documented["order"]["ShippingAddress"]["CountryCode"] = country
    parsed = parse_amazon(amazon_documented)
    assert parsed.customer.language == language
    assert parsed.ship_to.country == country.upper()


def test_amazon_pending_order_without_pii_parses_with_defaults(amazon_documented):
    order = amazon_documented["order"]
    for field in ("OrderTotal", "BuyerInfo", "ShippingAddress", "LatestShipDate"):
        del order[field]
    order["OrderStatus"] = "Pending"
    parsed = parse_amazon(amazon_documented)
    assert parsed.ship_to == Address()
    assert (parsed.currency, parsed.ship_by, parsed.payment_captured) == ("USD", None, False)


def test_amazon_item_without_item_price_has_zero_unit_price(amazon_documented):
    del amazon_documented["items"][0]["ItemPrice"]
    assert parse_amazon(amazon_documented).lines[0].unit_price == Decimal(0)


def test_amazon_simulator_payload_parses_like_the_documented_one():
    parsed = parse_amazon(amazon_order(42, [("AMZ-MUG-RED", 3)], country="GB"))
    assert parsed.external_id == "902-0000042-0000042"
    assert parsed.lines == (
        ChannelLine(
            channel_sku="AMZ-MUG-RED",
            quantity=3,
            unit_price=Decimal("24.99"),
            line_total=Decimal("74.97"),
        ),
    )
    assert parsed.ship_to.country == "GB"
    assert parsed.ship_by is not None
    assert parsed.ship_by - parsed.placed_at == timedelta(days=2)
    assert parsed.placed_at.utcoffset() == timedelta(0)


# --- parse(): dispatch and malformed payloads --------------------------------------------------


def test_parse_dispatches_on_channel(shopify_documented, amazon_documented):
    assert parse("shopify", shopify_documented).channel == "shopify"
    assert parse("amazon", amazon_documented).channel == "amazon"


def test_parse_rejects_unknown_channel():
    with pytest.raises(MalformedChannelPayload, match="no adapter for channel 'ebay'"):
        parse("ebay", {})


def test_unknown_channel_message_lists_the_known_channels():
    with pytest.raises(
        MalformedChannelPayload, match=r"\(known: shopify, amazon, shopee, tiktok, aliexpress\)$"
    ):
        parse("Shopify", {})


def test_the_package_exports_the_names_other_modules_import():
    assert CHANNELS == ("shopify", "amazon", "shopee", "tiktok", "aliexpress")
    assert adapters.ParsedOrder is ParsedOrder
    assert issubclass(adapters.MalformedChannelPayload, ValueError)


@pytest.mark.parametrize("payload", [None, [], "order", 42])
@pytest.mark.parametrize("channel", CHANNELS)
def test_a_payload_that_is_not_an_object_is_malformed(channel, payload):
    with pytest.raises(MalformedChannelPayload, match=rf"^{channel} order: \(payload\): "):
        parse(channel, payload)


def _drop(payload, *path):
    *parents, last = path
    target = payload
    for key in parents:
        target = target[key]
    del target[last]
    return payload


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda p: _drop(p, "id"), "id"),
        (lambda p: _drop(p, "created_at"), "created_at"),
        (lambda p: p.update(created_at="yesterday"), "created_at"),
        (lambda p: p.update(currency="US"), "currency"),
        (lambda p: _drop(p, "line_items"), "line_items"),
        (lambda p: p.update(line_items=[]), "line_items"),
        (lambda p: p["line_items"][1].update(quantity=0), "line_items.1.quantity"),
        (lambda p: p["line_items"][0].update(price="free"), "line_items.0.price"),
        (lambda p: _drop(p, "line_items", 0, "sku"), "line_items.0.sku"),
    ],
)
def test_malformed_shopify_payload_names_the_wrong_field(shopify_documented, mutate, field):
    mutate(shopify_documented)
    with pytest.raises(MalformedChannelPayload, match=rf"^shopify order: {field}: "):
        parse("shopify", shopify_documented)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda p: _drop(p, "order"), "order"),
        (lambda p: _drop(p, "order", "AmazonOrderId"), "order.AmazonOrderId"),
        (lambda p: _drop(p, "order", "OrderStatus"), "order.OrderStatus"),
        (lambda p: p["order"].update(PurchaseDate="soon"), "order.PurchaseDate"),
        (lambda p: p.update(items=[]), "items"),
        (lambda p: p["items"][0].update(QuantityOrdered=0), "items.0.QuantityOrdered"),
        (lambda p: p["items"][1].update(SellerSKU=["AMZ-TOWEL"]), "items.1.SellerSKU"),
        (lambda p: _drop(p, "items", 0, "ItemPrice", "Amount"), "items.0.ItemPrice.Amount"),
    ],
)
def test_malformed_amazon_payload_names_the_wrong_field(amazon_documented, mutate, field):
    mutate(amazon_documented)
    with pytest.raises(MalformedChannelPayload, match=rf"^amazon order: {field}: "):
        parse("amazon", amazon_documented)


def test_malformed_channel_payload_is_a_value_error():
    assert issubclass(MalformedChannelPayload, ValueError)


# --- Shopify: a EUR order with a discount code and a multi-quantity line ----------------------


def test_shopify_eur_order_lines_keep_unit_prices_before_the_discount_code():
    parsed = parse("shopify", documented("shopify_orders_create_eur.json"))
    assert parsed.lines == (
        ChannelLine(channel_sku="MUG-BLUE", quantity=3, unit_price=Decimal("19.95")),
        ChannelLine(channel_sku="TOWEL-BATH", quantity=1, unit_price=Decimal("29.95")),
    )
    assert (parsed.currency, parsed.payment_captured) == ("EUR", True)


def test_shopify_eur_order_offset_is_converted_to_utc():
    placed_at = parse("shopify", documented("shopify_orders_create_eur.json")).placed_at
    assert placed_at == datetime(2025, 6, 19, 6, 0, tzinfo=UTC)
    assert placed_at.utcoffset() == timedelta(0)


def test_shopify_eur_order_customer_and_address():
    parsed = parse("shopify", documented("shopify_orders_create_eur.json"))
    assert parsed.customer == Customer(
        name="Lena Müller", email="lena.mueller@example.de", language="de"
    )
    assert parsed.ship_to == Address(
        name="Lena Müller",
        line1="Invalidenstraße 117",
        line2="3. OG",
        city="Berlin",
        region="BE",
        postal_code="10115",
        country="DE",
        phone="+49 30 5555 0100",
    )


def test_shopify_created_at_without_offset_is_refused_not_read_as_local_time(shopify_documented):
    shopify_documented["created_at"] = "2021-12-31T19:00:00"
    with pytest.raises(
        MalformedChannelPayload, match=r"^shopify order: created_at: .*no time zone"
    ):
        parse("shopify", shopify_documented)


@pytest.mark.parametrize("country", ["XX", "USA", "Germany"])
def test_shopify_country_that_is_not_iso_alpha_2_is_malformed(shopify_documented, country):
    shopify_documented["shipping_address"]["country_code"] = country
    with pytest.raises(
        MalformedChannelPayload, match=r"^shopify order: shipping_address\.country_code: "
    ):
        parse("shopify", shopify_documented)


def test_shopify_currency_that_is_not_iso_4217_is_malformed(shopify_documented):
    shopify_documented["currency"] = "XBT"
    with pytest.raises(MalformedChannelPayload, match=r"^shopify order: currency: .*ISO 4217"):
        parse("shopify", shopify_documented)


def test_shopify_price_finer_than_the_currency_minor_unit_is_refused_not_rounded(
    shopify_documented,
):
    shopify_documented["currency"] = "JPY"
    shopify_documented["line_items"][0]["price"] = "1999.5"
    with pytest.raises(
        MalformedChannelPayload, match=r"line_items\.0\.price: 1999\.5 JPY is finer"
    ):
        parse("shopify", shopify_documented)


# --- Amazon: a JPY order with multi-quantity lines (unit prices rounded) ----------------------


def test_amazon_unit_price_is_rounded_to_whole_yen():
    parsed = parse("amazon", documented("amazon_jp_multi_quantity.json"))
    assert parsed.lines == (
        ChannelLine(
            channel_sku="AMZ-MUG-RED",
            quantity=3,
            unit_price=Decimal("333"),
            line_total=Decimal("1000"),
        ),
        ChannelLine(
            channel_sku="AMZ-TOWEL",
            quantity=2,
            unit_price=Decimal("1500"),
            line_total=Decimal("2999"),
        ),
    )
    assert [str(line.unit_price) for line in parsed.lines] == ["333", "1500"]
    assert parsed.currency == "JPY"


def test_amazon_jp_order_ships_by_latest_ship_date_and_goes_to_japan():
    parsed = parse("amazon", documented("amazon_jp_multi_quantity.json"))
    assert parsed.ship_by == datetime(2025, 6, 21, 14, 59, 59, tzinfo=UTC)
    assert parsed.ship_to == Address(
        name="Sato Hanako",
        line1="1-2-3 Shibuya",
        line2="Shibuya Mark City 10F",
        city="Shibuya-ku",
        region="Tokyo",
        postal_code="150-0002",
        country="JP",
        phone="+81 3-5555-0100",
    )


@pytest.mark.parametrize(
    ("line_total", "quantity", "unit_price"),
    [("10.00", 3, "3.33"), ("20.00", 3, "6.67"), ("0.05", 2, "0.03"), ("49.98", 2, "24.99")],
)
def test_amazon_unit_price_is_rounded_half_up_to_cents(
    amazon_documented, line_total, quantity, unit_price
):
    item = amazon_documented["items"][0]
    item["ItemPrice"]["Amount"], item["QuantityOrdered"] = line_total, quantity
    price = parse_amazon(amazon_documented).lines[0].unit_price
    assert str(price) == unit_price


def test_amazon_purchase_date_without_zone_is_read_as_utc_as_sp_api_documents(
    amazon_documented,
):
    amazon_documented["order"]["PurchaseDate"] = "2017-01-20T19:49:35"
    placed_at = parse_amazon(amazon_documented).placed_at
    assert placed_at == datetime(2017, 1, 20, 19, 49, 35, tzinfo=UTC)
    assert placed_at.utcoffset() == timedelta(0)
