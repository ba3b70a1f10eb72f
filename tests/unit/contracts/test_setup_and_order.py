from datetime import UTC, datetime
from decimal import Decimal
from importlib import import_module
from pathlib import Path

import pytest
from orderflow_contracts.order import Address, CanonicalOrder, Customer, OrderLine
from orderflow_contracts.setup import ChannelListing, Location, Product, SellerSetup
from pydantic import ValidationError

SELLER_JSON = Path(import_module("orderflow_simulators").__file__).parent / "seller.json"


def test_loads_the_demo_seller_setup():
    setup = SellerSetup.load(SELLER_JSON)
    counts = (setup.products, setup.listings, setup.locations, setup.rates, setup.channels)
    assert tuple(len(items) for items in counts) == (6, 30, 3, 7, 5)


def test_demo_setup_rates_are_decimals():
    rate = next(r for r in SellerSetup.load(SELLER_JSON).rates if r.carrier == "usps")
    assert (rate.base, rate.per_kg) == (Decimal("4.80"), Decimal("1.10"))
    assert rate.countries == ("US",)


def test_demo_setup_rates_start_at_known_locations():
    setup = SellerSetup.load(SELLER_JSON)
    assert {r.location_id for r in setup.rates} <= {loc.location_id for loc in setup.locations}


def test_demo_setup_listings_point_at_known_products():
    setup = SellerSetup.load(SELLER_JSON)
    assert {item.sku for item in setup.listings} <= {p.sku for p in setup.products}


def test_load_accepts_a_string_path():
    assert SellerSetup.load(str(SELLER_JSON)) == SellerSetup.load(SELLER_JSON)


@pytest.mark.parametrize("path", [None, ""])
def test_load_without_a_path_is_an_empty_setup(path):
    assert SellerSetup.load(path) == SellerSetup()


def test_load_reads_a_partial_document(tmp_path):
    path = tmp_path / "seller.json"
    path.write_text('{"products": [{"sku": "MUG-RED", "weight_grams": 450}]}')
    assert SellerSetup.load(path) == SellerSetup(
        products=(Product(sku="MUG-RED", weight_grams=450),)
    )


def test_load_rejects_a_location_id_unfit_for_a_topic_name(tmp_path):
    path = tmp_path / "seller.json"
    path.write_text(
        '{"locations": [{"location_id": "US Ontario", "kind": "own", "country": "US"}]}'
    )
    with pytest.raises(ValidationError, match="location_id"):
        SellerSetup.load(path)


def test_location_kind_is_one_of_own_overseas_3pl():
    with pytest.raises(ValidationError, match="kind"):
        Location(location_id="x", kind="dropship", country="US")


def test_product_weight_must_be_positive():
    with pytest.raises(ValidationError, match="weight_grams"):
        Product(sku="MUG-RED", weight_grams=0)


def test_listing_is_one_unit_unless_told():
    assert ChannelListing(channel="amazon", channel_sku="AMZ-MUG-RED", sku="MUG-RED").quantity == 1


def test_order_line_quantity_must_be_positive():
    with pytest.raises(ValidationError, match="quantity"):
        OrderLine(sku="MUG-RED", quantity=0)


def test_customer_language_defaults_to_english():
    assert Customer().language == "en"


def test_canonical_order_defaults_to_usd_without_ship_by():
    order = CanonicalOrder(
        order_id="o-1",
        channel="shopify",
        external_id="1001",
        customer=Customer(),
        ship_to=Address(),
        lines=(),
        placed_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    assert (order.currency, order.ship_by) == ("USD", None)
