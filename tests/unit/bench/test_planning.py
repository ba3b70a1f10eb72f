"""The planning case's synthetic networks are what it says: sizes, spread and valid reference
data for routing."""

from orderflow_bench.planning import SKUS, levels, network_setup, orders
from orderflow_contracts.setup import SellerSetup
from orderflow_routing.reference import ReferenceData


def test_a_network_has_its_locations_and_services_spread_evenly(tmp_path) -> None:
    setup = SellerSetup.load(network_setup(tmp_path, 50, 200))
    per_location = {loc.location_id: 0 for loc in setup.locations}
    for rate in setup.rates:
        per_location[rate.location_id] += 1
    assert (len(setup.locations), len(setup.rates)) == (50, 200)
    assert set(per_location.values()) == {4}
    assert len(ReferenceData.from_setup(setup).services) == 200  # routing loads it


def test_stock_and_orders_are_seeded(tmp_path) -> None:
    setup = SellerSetup.load(network_setup(tmp_path, 10, 40))
    first, again = levels(setup), levels(setup)
    assert first == again and [level.sku for level in first] == SKUS
    assert {lvl.available for level in first for lvl in level.locations} == {0, 500}
    lines = [[(ln.sku, ln.quantity) for ln in o.order.lines] for o in orders(20)]
    assert lines == [[(ln.sku, ln.quantity) for ln in o.order.lines] for o in orders(20)]
