"""How a poll's plans share free stock: whole or nothing, or partial per channel policy."""

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st
from orderflow_contracts.order import Address, OrderLine
from orderflow_contracts.routing import PlannedShipment, ShipmentsPlanned
from orderflow_contracts.setup import ChannelPolicy
from orderflow_inventory.domain import backorder_plan, decide, needs_of

SKUS = ("MUG", "LAMP")
LOCATIONS = ("us", "de")


def plan(order: int, *shipments: tuple[str, tuple[tuple[str, int], ...]]) -> ShipmentsPlanned:
    return ShipmentsPlanned(
        order_id=f"o-{order}",
        channel="shopify",
        external_id=str(order),
        attempt=1,
        ship_to=Address(country="US"),
        shipments=tuple(
            PlannedShipment(
                shipment_id=f"o-{order}-{location}",
                location_id=location,
                carrier="usps",
                service="ground",
                cost="1",
                lines=tuple(OrderLine(sku=sku, quantity=units) for sku, units in lines),
            )
            for location, lines in shipments
        ),
    )


REJECT, PARTIAL, HOLD = (
    ChannelPolicy(channel="c", shortage=s) for s in ("reject", "partial", "hold")
)


def test_a_plan_that_fits_takes_exactly_its_need() -> None:
    free = {("MUG", "us"): 5, ("LAMP", "de"): 1}
    decision = decide(plan(1, ("us", (("MUG", 2),)), ("de", (("LAMP", 1),))), free, REJECT)
    assert decision.outcome == "reserved"
    assert free == {("MUG", "us"): 3, ("LAMP", "de"): 0}


def test_a_plan_short_anywhere_takes_nothing_when_the_policy_rejects_or_holds() -> None:
    for policy, outcome in ((REJECT, "rejected"), (HOLD, "held")):
        free = {("MUG", "us"): 5, ("LAMP", "de"): 0}
        decision = decide(plan(1, ("us", (("MUG", 2),)), ("de", (("LAMP", 1),))), free, policy)
        assert decision.outcome == outcome
        assert decision.reserved is None
        assert free == {("MUG", "us"): 5, ("LAMP", "de"): 0}
        assert [(s.sku, s.requested, s.available) for s in decision.shortages] == [("LAMP", 1, 0)]


def test_partial_reserves_what_there_is_and_backorders_the_rest() -> None:
    free = {("MUG", "us"): 3, ("LAMP", "de"): 0}
    decision = decide(plan(1, ("us", (("MUG", 5),)), ("de", (("LAMP", 1),))), free, PARTIAL)
    assert decision.outcome == "partial"
    assert decision.reserved is not None
    assert [
        (s.location_id, [(line.sku, line.quantity) for line in s.lines])
        for s in decision.reserved.shipments
    ] == [("us", [("MUG", 3)])]
    assert [(b.sku, b.location_id, b.quantity) for b in decision.backordered] == [
        ("MUG", "us", 2),
        ("LAMP", "de", 1),
    ]
    assert free[("MUG", "us")] == 0


def test_partial_with_nothing_available_is_a_backorder_only() -> None:
    decision = decide(plan(1, ("us", (("MUG", 2),))), {}, PARTIAL)
    assert (decision.outcome, decision.reserved) == ("backordered", None)
    assert sum(b.quantity for b in decision.backordered) == 2


def test_repeated_lines_of_a_sku_in_a_shipment_are_decided_as_one() -> None:
    free = {("MUG", "us"): 3}
    decision = decide(plan(1, ("us", (("MUG", 2), ("LAMP", 1), ("MUG", 2)))), free, PARTIAL)
    assert decision.reserved is not None
    assert [(line.sku, line.quantity) for line in decision.reserved.shipments[0].lines] == [
        ("MUG", 3)
    ]
    assert [(line.sku, line.quantity) for line in decision.plan.shipments[0].lines] == [
        ("MUG", 4),
        ("LAMP", 1),
    ]
    assert [(b.sku, b.quantity) for b in decision.backordered] == [("MUG", 1), ("LAMP", 1)]


def test_a_backorder_becomes_its_own_follow_up_shipment() -> None:
    original = plan(1, ("us", (("MUG", 5), ("LAMP", 1))))
    follow_up = backorder_plan(original, "o-1-us", "MUG", 2, backorder_id=7)
    [shipment] = follow_up.shipments
    assert shipment.shipment_id == "o-1-us-b7"
    assert [(line.sku, line.quantity) for line in shipment.lines] == [("MUG", 2)]
    assert (follow_up.order_id, follow_up.ship_to) == (original.order_id, original.ship_to)


lines = st.lists(st.tuples(st.sampled_from(SKUS), st.integers(1, 5)), min_size=1, max_size=3)
plans = st.lists(
    st.lists(st.tuples(st.sampled_from(LOCATIONS), lines.map(tuple)), min_size=1, max_size=2),
    min_size=1,
    max_size=20,
)
stock = st.dictionaries(
    st.tuples(st.sampled_from(SKUS), st.sampled_from(LOCATIONS)), st.integers(0, 10)
)


@given(plans, stock, st.sampled_from([REJECT, PARTIAL, HOLD]))
def test_a_batch_never_takes_more_than_there_is(shipment_lists, initial, policy) -> None:
    free = dict(initial)
    taken: Counter[tuple[str, str]] = Counter()
    for number, shipments in enumerate(shipment_lists):
        # Shipment ids must be unique within a plan: one shipment per location.
        by_location = {location: lines for location, lines in shipments}
        decision = decide(plan(number, *by_location.items()), free, policy)
        taken.update(decision.taken)
        need = needs_of(decision.plan)
        if decision.outcome == "reserved":
            assert decision.taken == need
        if decision.outcome in ("rejected", "held"):
            assert not decision.taken
        if decision.outcome in ("partial", "backordered"):
            backordered = Counter()
            for line in decision.backordered:
                backordered[(line.sku, line.location_id)] += line.quantity
            assert decision.taken + backordered == need
    for key, units in taken.items():
        assert units <= initial.get(key, 0)
        assert free[key] == initial.get(key, 0) - units >= 0
