"""Pure routing rules: which location(s) ship an order, with which carrier service, and why.

One shipment from one location wins when any location has everything; otherwise the order is
split greedily over the fewest locations. Among equals, the cheapest carrier service wins."""

import math
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from orderflow_contracts.order import OrderLine, merge_lines
from orderflow_contracts.setup import Location, Rate, SellerSetup

Key = tuple[str, str]  # (sku, location_id)
Stock = Mapping[Key, int]  # available


@dataclass(frozen=True)
class Network:
    """Carrier services of every location and product weights: reference data, read once at
    start instead of on every order."""

    rates: list[Rate]
    weights: dict[str, int]
    locations: dict[str, Location] = field(default_factory=dict)

    @classmethod
    def from_setup(cls, setup: SellerSetup) -> "Network":
        return cls(
            list(setup.rates),
            {product.sku: product.weight_grams for product in setup.products},
            {location.location_id: location for location in setup.locations},
        )

    def rates_for(self, channel: str) -> list[Rate]:
        """Only locations that may serve the channel ship its orders."""
        return [
            rate
            for rate in self.rates
            if rate.location_id not in self.locations
            or self.locations[rate.location_id].serves(channel)
        ]


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
) -> Decision:
    lines = merge_lines(lines)
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
            }
        )
        if has_all and choice:
            single.append(Shipment(location, lines, choice))
    if single:
        decision.shipments = (min(single, key=lambda s: (s.choice.cost, s.location_id)),)
        decision.reason = "one shipment from the cheapest location holding every line"
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
