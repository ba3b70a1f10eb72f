"""The cost function on the domain digest's cases (docs: shared/design/DOMAIN.md): Europe and
North America get express when the promise is tight, South-East Asia an economical line;
battery goods only go with services that take them; a split beats one long-haul parcel when
it costs less; a late promise picks express; a cut-off missed costs the ship-by. And its
properties: a plan never breaks a restriction or a capacity, and never has more shipments
than its cost justifies."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from orderflow_contracts.order import OrderLine
from orderflow_routing import costs
from orderflow_routing.domain import Decision, Network, plan
from orderflow_routing.reference import ReferenceData

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shenzhen, 03:00 in Germany


def band_card(*bands: tuple[int, str], base: str = "0", per_kg: str = "0", most: int = 30_000):
    return {
        "bands": [{"up_to_grams": g, "price": p} for g, p in bands],
        "base": base,
        "per_kg": per_kg,
        "max_weight_grams": most,
    }


def lane(origin: str, destination: str, rates: dict, p50: float, p90: float) -> dict:
    return {
        "origin": origin,
        "destination": destination,
        "rates": rates,
        "transit_p50_days": p50,
        "transit_p90_days": p90,
    }


def in_calendar_days(document: dict) -> dict:
    """The digest's cases count transit in calendar days (see the weekend tests for business
    days)."""
    services = [service | {"transit_days": "calendar"} for service in document["services"]]
    return document | {"services": services}


REFERENCE = ReferenceData.model_validate(
    in_calendar_days({
        "zones": [
            {"zone": "EU", "countries": ["DE", "FR", "NL", "PL"]},
            {"zone": "SEA", "countries": ["SG", "MY", "TH"]},
        ],
        "locations": [
            {"location_id": "cn-shenzhen", "country": "CN", "timezone": "Asia/Shanghai",
             "cutoff": "16:00", "handling_per_order": "0.50", "handling_per_unit": "0.10"},
            {"location_id": "de-3pl", "country": "DE", "timezone": "Europe/Berlin",
             "cutoff": "15:00", "handling_per_order": "1.50", "handling_per_unit": "0.20",
             "capacity_per_day": 100},
            {"location_id": "pl-3pl", "country": "PL", "timezone": "Europe/Warsaw",
             "handling_per_order": "1.20", "capacity_per_day": 50},
        ],
        "services": [
            {"carrier": "yunexpress", "service": "economy", "level": "economy",
             "locations": ["cn-shenzhen"], "restrictions": {"batteries": False},
             "lanes": [
                 lane("CN", "EU", band_card((500, "6.00"), (2000, "12.00"), most=2000), 8, 12),
                 lane("CN", "SEA", band_card((500, "3.00"), (2000, "6.00"), most=2000), 5, 8),
             ]},
            {"carrier": "4px", "service": "economy", "level": "economy",
             "locations": ["cn-shenzhen"], "restrictions": {"batteries": False},
             "lanes": [lane("CN", "SEA", band_card((500, "2.50"), most=2000), 7, 12)]},
            {"carrier": "dhl", "service": "express", "level": "express",
             "locations": ["cn-shenzhen"], "fuel_percent": "10", "dim_divisor": 5000,
             "marketplace_codes": {"amazon": "DHL"},
             "lanes": [
                 lane("CN", "EU", band_card((500, "18.00"), (2000, "25.00"), base="25", per_kg="6"), 3, 4),
                 lane("CN", "SEA", band_card((500, "12.00"), (2000, "16.00"), base="16", per_kg="5"), 2, 3),
             ]},
            {"carrier": "dpd", "service": "classic", "locations": ["de-3pl", "pl-3pl"],
             "remote_area_surcharge": "4.00", "restrictions": {"liquids": False, "max_side_cm": 60},
             "lanes": [lane("EU", "EU", band_card((1000, "5.00"), (5000, "7.00")), 2, 3)]},
        ],
        "products": [
            {"sku": "MUG-RED", "weight_grams": 450, "length_cm": 12, "width_cm": 10, "height_cm": 10},
            {"sku": "LAMP-DESK", "weight_grams": 1800, "length_cm": 50, "width_cm": 20, "height_cm": 20},
            {"sku": "POWERBANK", "weight_grams": 300, "attributes": ["lithium_battery"]},
            {"sku": "PERFUME", "weight_grams": 200, "attributes": ["liquid"]},
            {"sku": "PILLOW", "weight_grams": 400, "length_cm": 60, "width_cm": 50, "height_cm": 20},
            {"sku": "RUG", "weight_grams": 2500, "length_cm": 120, "width_cm": 10, "height_cm": 10},
        ],
        "remote_areas": [{"country": "DE", "postal_prefixes": ["18565"]}],
        "promises": [
            {"destination": "EU", "days": 6},
            {"destination": "SEA", "days": 14},
        ],
    })
)  # fmt: skip
NETWORK = Network(REFERENCE)
EVERYWHERE = ("cn-shenzhen", "de-3pl", "pl-3pl")


def decide(
    lines: dict[str, int],
    country: str,
    held: dict[str, dict[str, int]],
    *,
    now: datetime = NOW,
    ship_by: datetime | None = None,
    deliver_by: datetime | None = None,
    postal_code: str = "",
    used: dict[str, int] | None = None,
    network: Network = NETWORK,
) -> Decision:
    order_lines = tuple(
        OrderLine(sku=s, quantity=q, unit_price=Decimal(10)) for s, q in lines.items()
    )
    stock = {(sku, loc): units for loc, skus in held.items() for sku, units in skus.items()}
    promised = deliver_by or network.promised("shopify", country, NOW)
    order = costs.Order(
        "shopify", country, postal_code, now, ship_by, promised,
        network.is_remote(country, postal_code),
    )  # fmt: skip
    return plan(order_lines, order, stock, network, used)


def shipped(decision: Decision) -> list[tuple[str, str]]:
    return sorted((s.location_id, s.quote.service.name) for s in decision.shipments)


CASES = [
    pytest.param(
        {"MUG-RED": 1}, "FR", {"cn-shenzhen": {"MUG-RED": 5}}, {},
        [("cn-shenzhen", "dhl/express")], "one shipment from cn-shenzhen by dhl/express",
        id="EU: the 6-day promise rules out economy's 12-day p90, express wins",
    ),
    pytest.param(
        {"MUG-RED": 1}, "SG", {"cn-shenzhen": {"MUG-RED": 5}}, {},
        [("cn-shenzhen", "4px/economy")], "",
        id="SEA: a 14-day promise, the cheapest economical line (p90 12 days) wins",
    ),
    pytest.param(
        {"POWERBANK": 1}, "SG", {"cn-shenzhen": {"POWERBANK": 5}}, {},
        [("cn-shenzhen", "dhl/express")], "",
        id="battery goods: only the service that takes batteries",
    ),
    pytest.param(
        {"MUG-RED": 1, "LAMP-DESK": 1}, "DE",
        {"cn-shenzhen": {"MUG-RED": 5, "LAMP-DESK": 5}, "de-3pl": {"MUG-RED": 5},
         "pl-3pl": {"LAMP-DESK": 5}},
        {}, [("de-3pl", "dpd/classic"), ("pl-3pl", "dpd/classic")],
        "split over 2 locations: ", id="a split cheaper than one long-haul parcel",
    ),
    pytest.param(
        {"MUG-RED": 1}, "DE", {"cn-shenzhen": {"MUG-RED": 5}},
        {"deliver_by": NOW + timedelta(days=20)},
        [("cn-shenzhen", "yunexpress/economy")], "",
        id="a loose promise: economy",
    ),
    pytest.param(
        {"MUG-RED": 1}, "DE", {"cn-shenzhen": {"MUG-RED": 5}},
        {"deliver_by": NOW + timedelta(days=5)},
        [("cn-shenzhen", "dhl/express")], "",
        id="a late promise picks express",
    ),
    pytest.param(
        {"MUG-RED": 1}, "DE", {"cn-shenzhen": {"MUG-RED": 5}, "de-3pl": {"MUG-RED": 5}},
        {"now": datetime(2026, 12, 1, 14, 30, tzinfo=UTC),  # 22:30 Shenzhen, 15:30 Berlin
         "ship_by": datetime(2026, 12, 2, 10, 0, tzinfo=UTC),
         "deliver_by": NOW + timedelta(days=30)},
        [("pl-3pl", "dpd/classic")], "",
        id="both cut-offs passed, tomorrow's Berlin 15:00 misses the ship-by: Poland, no cut-off",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("lines", "country", "held", "dates", "expected", "reason"), CASES)
def test_the_digests_cases(lines, country, held, dates, expected, reason) -> None:
    if dates.get("now"):
        held = held | {"pl-3pl": {"MUG-RED": 5}}
    decision = decide(lines, country, held, **dates)
    assert shipped(decision) == expected, decision.reason
    assert decision.reason.startswith(reason)


def test_every_candidate_is_explained_with_its_cost_parts() -> None:
    decision = decide({"MUG-RED": 1}, "FR", {"cn-shenzhen": {"MUG-RED": 5}})
    [chosen] = [p for p in decision.plans if p["verdict"] == "chosen"]
    [shipment] = chosen["shipments"]
    # 18.00 + 10% fuel; 0.50 + 0.10 handling; nothing late: p90 4 days within the 6 promised
    assert chosen["cost"] == {
        "shipping": "19.80", "handling": "0.60", "lateness": "0", "capacity": "0",
        "split": "0", "total": "20.40",
    }  # fmt: skip
    assert shipment["service"] == "dhl/express" and shipment["late"] == []
    by_location = {c["location_id"]: c for c in decision.candidates}
    assert by_location["de-3pl"]["has_all_stock"] == "False"
    assert decision.reason == (
        "one shipment from cn-shenzhen by dhl/express at 20.40: the cheapest of 1 plans that ship"
    )


def test_economy_late_is_priced_by_the_days_its_p90_misses_the_promise() -> None:
    decision = decide({"MUG-RED": 1}, "FR", {"cn-shenzhen": {"MUG-RED": 5}})
    parcel = costs.parcel_of(decision.shipments[0].lines, NETWORK.products)
    site, order = NETWORK.sites["cn-shenzhen"], costs.Order("shopify", "FR", "", NOW, None, NOW + timedelta(days=6))  # fmt: skip
    economy = REFERENCE.services[0]
    quote = costs.quote(economy, economy.lanes[0], site, parcel, order, REFERENCE.weights)
    # leaves at 16:00 Shenzhen (08:00 UTC), p90 12 days: 6 days and 6 hours late -> 7 days x 5
    assert quote.parts.lateness == Decimal(35)
    assert quote.late == ("p90 arrival 7 day(s) after the promised delivery",)


def test_a_remote_postcode_pays_the_surcharge() -> None:
    held = {"de-3pl": {"MUG-RED": 5}}
    plain = decide({"MUG-RED": 1}, "DE", held, postal_code="10115")
    remote = decide({"MUG-RED": 1}, "DE", held, postal_code="18565")
    assert plain.shipments[0].quote.parts.shipping == Decimal("5.00")
    assert remote.shipments[0].quote.parts.shipping == Decimal("9.00")


def test_dimensional_weight_prices_a_light_bulky_parcel() -> None:
    # 60 x 50 x 20 cm = 60,000 cm3 / 5000 = 12 kg chargeable: 25 + 6 x 12 = 97, + 10% fuel
    decision = decide({"PILLOW": 1}, "FR", {"cn-shenzhen": {"PILLOW": 1}}, deliver_by=NOW + timedelta(days=60))  # fmt: skip
    [plan_view] = [p for p in decision.plans if p["verdict"] == "chosen"]
    assert plan_view["shipments"][0]["service"] == "yunexpress/economy"
    express = costs.shipping(
        REFERENCE.services[2], REFERENCE.services[2].lanes[0],
        costs.parcel_of(decision.shipments[0].lines, NETWORK.products), remote=False,
    )  # fmt: skip
    assert express == Decimal("106.70")


def test_restrictions_say_why_nothing_ships() -> None:
    liquid = decide({"PERFUME": 1}, "DE", {"de-3pl": {"PERFUME": 1}})
    too_long = decide({"RUG": 1}, "DE", {"de-3pl": {"RUG": 1}})
    assert not liquid.routed and "dpd/classic takes no liquids" in liquid.reason
    assert not too_long.routed and "dpd/classic: a side over 60 cm" in too_long.reason


def test_a_location_at_capacity_today_is_left_out_and_said_so() -> None:
    held = {"de-3pl": {"MUG-RED": 5}}
    decision = decide({"MUG-RED": 1}, "DE", held, used={"de-3pl": 100})
    [de] = [c for c in decision.candidates if c["location_id"] == "de-3pl"]
    assert not decision.routed
    assert de["excluded"] == "at capacity today (100 of 100 shipments)"
    assert decision.reason.endswith("(at capacity today: de-3pl)")


def test_the_channels_carrier_code_is_carried() -> None:
    from orderflow_routing.use_cases import planned_shipments

    decision = decide({"MUG-RED": 1}, "FR", {"cn-shenzhen": {"MUG-RED": 5}})
    assert [s.carrier_code for s in planned_shipments(decision, "o-1", "amazon", 1)] == ["DHL"]
    assert [s.carrier_code for s in planned_shipments(decision, "o-1", "shopify", 1)] == [""]


# --- properties -------------------------------------------------------------------------------

SKUS = ["MUG-RED", "LAMP-DESK", "POWERBANK", "PERFUME", "PILLOW", "RUG"]
COUNTRIES = ["DE", "FR", "PL", "SG", "TH", "US"]


@st.composite
def situations(draw):
    skus = draw(st.lists(st.sampled_from(SKUS), min_size=1, max_size=3, unique=True))
    lines = {sku: draw(st.integers(1, 3)) for sku in skus}
    held = {loc: {sku: draw(st.integers(0, 4)) for sku in skus} for loc in EVERYWHERE}
    used = {loc: draw(st.sampled_from([0, 49, 50, 99, 100])) for loc in EVERYWHERE}
    return lines, draw(st.sampled_from(COUNTRIES)), held, used


def _breaks_restriction(shipment, country: str) -> str:
    service = shipment.quote.service
    parcel = costs.parcel_of(shipment.lines, NETWORK.products)
    lane = NETWORK.lane(service, NETWORK.sites[shipment.location_id].country, country)
    limits = service.restrictions
    if "lithium_battery" in parcel.attributes and not limits.batteries:
        return "battery"
    if "liquid" in parcel.attributes and not limits.liquids:
        return "liquid"
    if limits.max_side_cm and parcel.longest_side_cm > limits.max_side_cm:
        return "size"
    if lane is None or costs.chargeable_grams(service, parcel) > lane.rates.max_weight_grams:
        return "weight or lane"
    return ""


@settings(max_examples=300, deadline=None)
@given(situations())
def test_a_plan_never_breaks_a_restriction_or_a_capacity(situation) -> None:
    lines, country, held, used = situation
    decision = decide(lines, country, held, used=used)
    shipped_units: Counter[str] = Counter()
    for shipment in decision.shipments:
        site = NETWORK.sites[shipment.location_id]
        assert used[site.location_id] < (site.capacity_per_day or 10**9)
        assert _breaks_restriction(shipment, country) == ""
        for line in shipment.lines:
            assert line.quantity <= held[shipment.location_id][line.sku]
            shipped_units[line.sku] += line.quantity
    if decision.routed:
        assert shipped_units == Counter(lines)


@settings(max_examples=300, deadline=None)
@given(situations())
def test_never_more_shipments_than_the_cost_justifies(situation) -> None:
    """Where one location can ship the whole order, a split wins only if it costs less than
    every single shipment (its split penalty included); and no plan is ever beaten by a
    cheaper feasible plan the seller likes as much."""
    lines, country, held, used = situation
    decision = decide(lines, country, held, used=used)
    singles = [p for p in decision.plans if p.get("feasible") and len(p["locations"]) == 1]
    if not decision.routed:
        assert not singles
        return
    if singles and len(decision.shipments) > 1:
        assert decision.total < min(Decimal(p["cost"]["total"]) for p in singles)
    feasible = [Decimal(p["cost"]["total"]) for p in decision.plans if p.get("feasible")]
    assert decision.total == min(feasible)  # no seller preferences in this reference


NO_SPLITS = Network(
    REFERENCE.model_copy(
        update={"weights": REFERENCE.weights.model_copy(update={"split_per_extra_shipment": 10**6})}
    )
)


@settings(max_examples=200, deadline=None)
@given(situations())
def test_one_shipment_whenever_one_location_can_ship_and_a_split_costs_more(situation) -> None:
    """Never more shipments than needed: where some location can ship the whole order and no
    split can save its penalty, the plan is one shipment."""
    lines, country, held, used = situation
    decision = decide(lines, country, held, used=used, network=NO_SPLITS)
    singles = [p for p in decision.plans if p.get("feasible") and len(p["locations"]) == 1]
    if singles:
        assert len(decision.shipments) == 1


# --- the search beyond small orders -----------------------------------------------------------

WIDE = Network(
    ReferenceData.model_validate(
        {
            "locations": [{"location_id": f"eu-{n:02d}", "country": "DE"} for n in range(12)],
            "services": [
                {"carrier": "dpd", "service": "classic",
                 "locations": [f"eu-{n:02d}" for n in range(12)],
                 "lanes": [lane("DE", "DE", band_card((5000, "5.00"), base="5", per_kg="1"), 1, 2)]},
            ],
        }
    )
)  # fmt: skip
WIDE_SKUS = [f"S{n}" for n in range(6)]


def test_an_order_no_three_locations_can_ship_is_covered_greedily() -> None:
    held = {f"eu-{n:02d}": {f"S{n}": 1} for n in range(5)}
    decision = decide({f"S{n}": 1 for n in range(5)}, "DE", held, network=WIDE)
    assert decision.method == "heuristic, then a greedy cover"
    assert shipped(decision) == [(f"eu-{n:02d}", "dpd/classic") for n in range(5)]
    assert decision.reason.startswith("split over 5 locations: no single location holds")


@st.composite
def wide_situations(draw):
    skus = draw(st.lists(st.sampled_from(WIDE_SKUS), min_size=1, max_size=6, unique=True))
    lines = {sku: draw(st.integers(1, 3)) for sku in skus}
    held = {f"eu-{n:02d}": {sku: draw(st.integers(0, 3)) for sku in skus} for n in range(12)}
    return lines, held


@settings(max_examples=150, deadline=None)
@given(wide_situations())
def test_the_heuristic_ships_exactly_the_order_from_stock_that_holds_it(situation) -> None:
    lines, held = situation
    decision = decide(lines, "DE", held, network=WIDE)
    enough = all(sum(h[sku] for h in held.values()) >= qty for sku, qty in lines.items())
    assert decision.routed == enough, decision.reason
    shipped_units: Counter[str] = Counter()
    for shipment in decision.shipments:
        for line in shipment.lines:
            assert 0 < line.quantity <= held[shipment.location_id][line.sku]
            shipped_units[line.sku] += line.quantity
    if decision.routed:
        assert shipped_units == Counter(lines)
        one_holds_all = any(all(h[s] >= q for s, q in lines.items()) for h in held.values())
        assert len(decision.shipments) == 1 or not one_holds_all  # 5.00 a parcel, 10 a split


def test_a_sku_held_only_outside_the_heuristics_few_locations_is_still_shipped() -> None:
    """Found by the property above: the heuristic tries sets of the 6 locations that hold most
    of the order, and eu-06, the only holder of S0, holds the least of it. The greedy cover
    ships it from 3 locations, a set the heuristic never tried."""
    lines = {sku: 1 for sku in ("S0", "S1", "S2", "S3", "S4", "S5")}
    held = {f"eu-{n:02d}": dict.fromkeys(lines, 0) for n in range(12)}
    held["eu-03"]["S5"] = 1
    held["eu-04"].update(S1=1, S4=1)
    held["eu-06"]["S0"] = 1
    held["eu-07"].update(S2=1, S3=1, S5=1)
    for location in ("eu-09", "eu-10", "eu-11"):
        held[location].update(S4=1, S5=1)
    decision = decide(lines, "DE", held, network=WIDE)
    assert decision.routed, decision.reason
    assert decision.method == "heuristic, then a greedy cover"
    assert sorted(s.location_id for s in decision.shipments) == ["eu-04", "eu-06", "eu-07"]
