"""The channel SKU -> master SKU map: bundles, multi-packs, and the mappings refused."""

from decimal import Decimal

import pytest
from orderflow_contracts.order import OrderLine
from orderflow_contracts.setup import ChannelListing, ListingComponent
from orderflow_intake import catalog
from orderflow_intake.adapters import parse_shopify
from orderflow_intake.domain import canonicalise
from orderflow_simulators.payloads import shopify_order
from pydantic import ValidationError

KNOWN = {"MUG-RED", "MUG-BLUE", "CABLE-USBC"}


def listing(channel_sku: str, channel: str = "shopify", **form) -> ChannelListing:
    return ChannelListing(channel=channel, channel_sku=channel_sku, **form)


def bundle(channel_sku: str, *parts: tuple[str, int]) -> ChannelListing:
    return listing(
        channel_sku, components=tuple(ListingComponent(sku=s, quantity=q) for s, q in parts)
    )


def test_bundle_becomes_one_line_per_component_with_the_price_spread_over_its_units():
    parsed = parse_shopify(shopify_order(1, [("MUG-PAIR", 2)], price="30.00"))
    mugs = catalog.components(bundle("MUG-PAIR", ("MUG-RED", 1), ("MUG-BLUE", 2)))
    order, reasons = canonicalise(parsed, {"MUG-PAIR": mugs})
    assert reasons == []
    assert order.lines == (
        OrderLine(
            sku="MUG-RED", quantity=2, unit_price=Decimal("10.00"), line_total=Decimal("20.00")
        ),
        OrderLine(
            sku="MUG-BLUE", quantity=4, unit_price=Decimal("10.00"), line_total=Decimal("40.00")
        ),
    )


def test_bundle_and_single_listing_of_the_same_sku_merge_into_one_line():
    parsed = parse_shopify(shopify_order(1, [("MUG-PAIR", 1), ("MUG-RED", 1)], price="20.00"))
    listings = {
        "MUG-PAIR": catalog.components(bundle("MUG-PAIR", ("MUG-RED", 2))),
        "MUG-RED": ("MUG-RED", 1),
    }
    order, _ = canonicalise(parsed, listings)
    assert [(line.sku, line.quantity) for line in order.lines] == [("MUG-RED", 3)]


def test_single_sku_form_still_reads_as_one_component():
    assert catalog.components(listing("AMZ-3PK", sku="MUG-RED", quantity=3)) == (("MUG-RED", 3),)


def test_listing_needs_a_sku_or_components_but_not_both():
    with pytest.raises(ValidationError, match="either sku or components"):
        listing("X")
    with pytest.raises(ValidationError, match="either sku or components"):
        listing("X", sku="MUG-RED", components=(ListingComponent(sku="MUG-BLUE"),))


def test_clean_listings_pass_the_check():
    catalog.check(
        [listing("MUG-RED", sku="MUG-RED"), listing("MUG-RED", channel="amazon", sku="MUG-RED")],
        KNOWN,
    )


def test_a_channel_sku_listed_twice_is_refused():
    with pytest.raises(catalog.ListingConflict, match="shopify:MUG-RED: listed twice"):
        catalog.check([listing("MUG-RED", sku="MUG-RED"), listing("MUG-RED", sku="MUG-BLUE")])


def test_channel_skus_that_differ_only_in_case_or_spaces_are_ambiguous():
    with pytest.raises(catalog.ListingConflict, match="ambiguous with 'MUG-RED'"):
        catalog.check([listing("MUG-RED", sku="MUG-RED"), listing(" mug-red", sku="MUG-BLUE")])


def test_a_component_named_twice_in_one_bundle_is_refused():
    with pytest.raises(catalog.ListingConflict, match="component MUG-RED listed twice"):
        catalog.check([bundle("PAIR", ("MUG-RED", 1), ("MUG-RED", 1))])


def test_a_mapping_to_an_unknown_master_sku_is_refused_when_the_catalog_is_known():
    with pytest.raises(catalog.ListingConflict, match="unknown master SKU MUG-GREEN"):
        catalog.check([listing("MUG-GREEN", sku="MUG-GREEN")], KNOWN)
    catalog.check([listing("MUG-GREEN", sku="MUG-GREEN")], ())  # no catalog: nothing to check


def test_every_problem_is_named_at_once():
    with pytest.raises(catalog.ListingConflict) as refused:
        catalog.check(
            [listing("A", sku="NOPE"), listing("B", sku="MUG-RED"), listing("b", sku="MUG-RED")],
            KNOWN,
        )
    assert "shopify:A: unknown master SKU NOPE" in str(refused.value)
    assert "shopify:b: ambiguous with 'B'" in str(refused.value)
