"""Pure routing rules: which location(s) ship an order, with which carrier service, and why.

Only services the seller allows, from locations serving the order's channel, count. One
shipment from one location wins when any location has everything: the one the seller prefers
(same market first, if asked; then priority), then the cheapest. Otherwise the order is split
greedily over the fewest locations, unless its channel never splits."""

import math
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from orderflow_contracts.order import OrderLine, merge_lines
from orderflow_contracts.setup import Location, Rate, RoutingRules, SellerSetup

Key = tuple[str, str]  # (sku, location_id)
Stock = Mapping[Key, int]  # available


class Preference(NamedTuple):
    """A location's place in the seller's order of preference for one order: lower first."""

    abroad: int  # 1 outside the destination's country when the seller ships same-market first
    priority: int
    why: str

    @property
    def key(self) -> tuple[int, int]:
        return (self.abroad, self.priority)


NO_PREFERENCE = Preference(0, 0, "no preference")


@dataclass(frozen=True)
class Network:
    """Carrier services of every location, product weights and the seller's routing rules:
    reference data, read once at start instead of on every order."""

    rates: list[Rate]
    weights: dict[str, int]
    locations: dict[str, Location] = field(default_factory=dict)
    rules: RoutingRules = field(default_factory=RoutingRules)

    @classmethod
    def from_setup(cls, setup: SellerSetup) -> "Network":
        return cls(
            list(setup.rates),
            {product.sku: product.weight_grams for product in setup.products},
            {location.location_id: location for location in setup.locations},
            setup.routing,
        )

    def rates_for(self, channel: str, country: str = "") -> list[Rate]:
        """The services that may ship this channel's order to `country`: from locations that
        serve the channel, and not denied (nor left out by an allow list) by the seller."""
        return [
            rate
            for rate in self.rates
            if (
                rate.location_id not in self.locations
                or self.locations[rate.location_id].serves(channel)
            )
            and self._carrier_allowed(rate, channel, country)
        ]

    def rank_for(self, country: str) -> dict[str, Preference]:
        """Each location's place in the seller's preference for an order to `country`."""
        return {
            location_id: self._preference(location, country)
            for location_id, location in self.locations.items()
        }

    def _preference(self, location: Location, country: str) -> Preference:
        same_market = self.rules.same_market_first and location.country == country
        abroad = int(self.rules.same_market_first and not same_market)
        why = f"{'same market, ' if same_market else ''}priority {location.priority}"
        return Preference(abroad, location.priority, why)

    def never_splits(self, channel: str) -> bool:
        return channel in self.rules.never_split_channels

    def _carrier_allowed(self, rate: Rate, channel: str, country: str) -> bool:
        rules = self.rules.carriers
        if any(
            not rule.allow and rule.matches(rate.carrier, rate.service, channel, country)
            for rule in rules
        ):
            return False
        allow_lists = [rule for rule in rules if rule.allow and rule.applies_to(channel, country)]
        return not allow_lists or any(
            rule.matches(rate.carrier, rate.service, channel, country) for rule in allow_lists
        )


@dataclass(frozen=True)
class CarrierChoice:
    carrier: str
    service: str
    cost: Decimal


@dataclass(frozen=True)
class Shipment:
    location_id: str
    lines: tuple[OrderLine, ...]
    choice: CarrierChoice


@dataclass
class Decision:
    shipments: tuple[Shipment, ...] = ()
    reason: str = ""
    candidates: list[dict[str, str]] = field(default_factory=list)

    @property
    def routed(self) -> bool:
        return bool(self.shipments)


def cheapest_service(
    rates: list[Rate], location_id: str, country: str, weight_grams: int
) -> CarrierChoice | None:
    choices = [
        CarrierChoice(
            rate.carrier, rate.service, rate.base + rate.per_kg * math.ceil(weight_grams / 1000)
        )
        for rate in rates
        if rate.location_id == location_id
        and country in rate.countries
        and weight_grams <= rate.max_weight_grams
    ]
    return min(choices, key=lambda choice: (choice.cost, choice.carrier), default=None)


def weight_of(lines: tuple[OrderLine, ...], weights: Mapping[str, int]) -> int:
    return sum(weights.get(line.sku, 1000) * line.quantity for line in lines)


def plan(
    lines: tuple[OrderLine, ...],
    country: str,
    stock: Stock,
    rates: list[Rate],
    weights: Mapping[str, int],
    *,
    rank: Mapping[str, Preference] | None = None,
    never_split: bool = False,
) -> Decision:
    """One shipment from the location the seller prefers (`rank`, then cost) among those
    holding every line; else a split, unless the channel never splits."""
    lines = merge_lines(lines)
    rank = rank or {}
    locations = sorted({rate.location_id for rate in rates})
    decision = Decision()
    single: list[Shipment] = []
    for location in locations:
        choice = cheapest_service(rates, location, country, weight_of(lines, weights))
        has_all = all(stock.get((line.sku, location), 0) >= line.quantity for line in lines)
        decision.candidates.append(
            {
                "location_id": location,
                "has_all_stock": str(has_all),
                "service": f"{choice.carrier}/{choice.service}"
                if choice
                else "none to destination",
                "cost": str(choice.cost) if choice else "",
                "preference": rank.get(location, NO_PREFERENCE).why,
            }
        )
        if has_all and choice:
            single.append(Shipment(location, lines, choice))
    if single:
        cheapest = min(single, key=lambda s: (s.choice.cost, s.location_id))
        preferred = {s.location_id: rank.get(s.location_id, NO_PREFERENCE) for s in single}
        chosen = min(
            single, key=lambda s: (preferred[s.location_id].key, s.choice.cost, s.location_id)
        )
        decision.shipments = (chosen,)
        decision.reason = (
            "one shipment from the cheapest location holding every line"
            if chosen is cheapest
            else f"one shipment from {chosen.location_id}: the seller prefers it"
            f" ({preferred[chosen.location_id].why}) to {cheapest.location_id},"
            f" which costs {chosen.choice.cost - cheapest.choice.cost} less"
        )
        return decision
    if never_split:
        decision.reason = "no single location holds every line, and this channel never splits"
        return decision
    return _split(lines, country, stock, rates, weights, locations, decision)


def _split(
    lines: tuple[OrderLine, ...],
    country: str,
    stock: Stock,
    rates: list[Rate],
    weights: Mapping[str, int],
    locations: list[str],
    decision: Decision,
) -> Decision:
    remaining = {line.sku: line.quantity for line in lines}
    prices = {line.sku: line.unit_price for line in lines}
    serving = [loc for loc in locations if cheapest_service(rates, loc, country, 1)]
    if not serving:
        decision.reason = f"no carrier service to {country} from any location"
        return decision
    taken: dict[str, dict[str, int]] = defaultdict(dict)
    while any(remaining.values()):
        coverage = {
            loc: sum(min(qty, stock.get((sku, loc), 0)) for sku, qty in remaining.items())
            for loc in serving
            if loc not in taken
        }
        best = max(coverage, key=lambda loc: (coverage[loc], -locations.index(loc)), default=None)
        if best is None or coverage[best] == 0:
            short = {sku: qty for sku, qty in remaining.items() if qty}
            decision.reason = f"not enough stock at any location serving {country}: short {short}"
            return decision
        for sku, qty in remaining.items():
            units = min(qty, stock.get((sku, best), 0))
            if units:
                taken[best][sku] = units
                remaining[sku] -= units
    shipments = []
    for loc, quantities in taken.items():
        part = tuple(
            OrderLine(sku=sku, quantity=q, unit_price=prices[sku]) for sku, q in quantities.items()
        )
        choice = cheapest_service(rates, loc, country, weight_of(part, weights))
        if choice is None:
            decision.reason = f"no carrier service from {loc} to {country} for that weight"
            return decision
        shipments.append(Shipment(loc, part, choice))
    decision.shipments = tuple(shipments)
    decision.reason = f"split over {len(shipments)} locations: no single location holds every line"
    return decision


_SHIPMENT_NAMESPACE = uuid.UUID("0b7e6a43-42c4-4f7a-b3a5-52c0a8e5f0d2")


def shipment_id(order_id: str, attempt: int, location_id: str) -> str:
    return str(uuid.uuid5(_SHIPMENT_NAMESPACE, f"{order_id}/{attempt}/{location_id}"))
