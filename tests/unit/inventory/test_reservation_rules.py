from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st
from orderflow_contracts.inventory import Shortage
from orderflow_contracts.order import Address, OrderLine
from orderflow_contracts.routing import PlannedShipment, ShipmentsPlanned
from orderflow_inventory.domain import needs_of, shortages


def shipment(location_id: str, *lines: tuple[str, int]) -> PlannedShipment:
    return PlannedShipment(
        shipment_id=f"s-{location_id}",
        location_id=location_id,
        carrier="usps",
        service="ground-advantage",
        cost="5.90",
        lines=tuple(OrderLine(sku=sku, quantity=qty) for sku, qty in lines),
    )


def plan_of(*shipments: PlannedShipment) -> ShipmentsPlanned:
    return ShipmentsPlanned(
        order_id="o-1",
        channel="shopify",
        external_id="1001",
        attempt=1,
        ship_to=Address(country="US"),
        shipments=shipments,
    )


def test_needs_of_counts_units_per_sku_and_location():
    plan = plan_of(shipment("us-ontario", ("MUG-RED", 2), ("LAMP-DESK", 1)))
    assert needs_of(plan) == Counter({("MUG-RED", "us-ontario"): 2, ("LAMP-DESK", "us-ontario"): 1})


def test_needs_of_aggregates_same_sku_and_location_across_shipments():
    plan = plan_of(shipment("us-ontario", ("MUG-RED", 2)), shipment("us-ontario", ("MUG-RED", 3)))
    assert needs_of(plan) == Counter({("MUG-RED", "us-ontario"): 5})


def test_needs_of_aggregates_repeated_lines_within_a_shipment():
    plan = plan_of(shipment("us-ontario", ("MUG-RED", 1), ("MUG-RED", 1)))
    assert needs_of(plan) == Counter({("MUG-RED", "us-ontario"): 2})


def test_needs_of_keeps_locations_apart():
    plan = plan_of(shipment("us-ontario", ("MUG-RED", 2)), shipment("cn-shenzhen", ("MUG-RED", 1)))
    assert needs_of(plan) == Counter({("MUG-RED", "us-ontario"): 2, ("MUG-RED", "cn-shenzhen"): 1})


def test_no_shortages_when_free_stock_covers_every_need():
    need = Counter({("MUG-RED", "us-ontario"): 2})
    assert shortages(need, {("MUG-RED", "us-ontario"): 2}) == []


def test_shortages_list_only_short_lines_with_available_figures():
    need = Counter({("MUG-RED", "us-ontario"): 3, ("LAMP-DESK", "us-ontario"): 1})
    free = {("MUG-RED", "us-ontario"): 1, ("LAMP-DESK", "us-ontario"): 7}
    assert shortages(need, free) == [
        Shortage(sku="MUG-RED", location_id="us-ontario", requested=3, available=1)
    ]


def test_stock_never_received_counts_as_zero_available():
    need = Counter({("CASE-IP15", "de-3pl"): 1})
    assert shortages(need, {}) == [
        Shortage(sku="CASE-IP15", location_id="de-3pl", requested=1, available=0)
    ]


def test_shortages_are_sorted_by_sku_then_location():
    need = Counter({("MUG-RED", "us-ontario"): 1, ("MUG-RED", "cn-shenzhen"): 1, ("LAMP", "x"): 1})
    assert [(s.sku, s.location_id) for s in shortages(need, {})] == [
        ("LAMP", "x"),
        ("MUG-RED", "cn-shenzhen"),
        ("MUG-RED", "us-ontario"),
    ]


KEYS = st.tuples(
    st.sampled_from(["MUG-RED", "LAMP-DESK", "CASE-IP15"]), st.sampled_from(["a", "b"])
)


@settings(max_examples=300, deadline=None)
@given(
    need=st.dictionaries(KEYS, st.integers(1, 10)),
    free=st.dictionaries(KEYS, st.integers(0, 10)),
)
def test_a_need_is_short_exactly_when_free_stock_is_below_it(need, free):
    found = {(s.sku, s.location_id): s for s in shortages(Counter(need), free)}
    for key, units in need.items():
        available = free.get(key, 0)
        assert (key in found) == (available < units)
        if key in found:
            assert (found[key].requested, found[key].available) == (units, available)
    assert set(found) <= set(need)
