"""Which location sets to try for an order, how their lines are allocated, and their costs.

Small orders (up to EXACT_LINES lines, up to EXACT_LOCATIONS locations holding any of it) are
searched exactly: every set of up to 3 of those locations, every allocation of whole lines to
the locations of the set (a line no one location of the set holds whole is split by units,
most stock first). Above that, a bounded heuristic: the HEURISTIC_LOCATIONS locations that
hold most of the order, sets of up to 3 of them, one allocation each, and up to
HEURISTIC_SINGLES more locations that hold all of it, as single shipments (preferred, domestic
and cheapest to handle first).
Where no set tried can ship it, a greedy cover over every location holding stock (more than
3 locations, or a set the heuristic left out: a SKU held only outside its few)."""

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from orderflow_contracts.order import OrderLine

from orderflow_routing import costs
from orderflow_routing.network import NO_PREFERENCE, Network, Preference, Shipment

Key = tuple[str, str]  # (sku, location_id)
Stock = Mapping[Key, int]  # available
Allocation = dict[str, tuple[OrderLine, ...]]

EXACT_LINES = 4
EXACT_LOCATIONS = 8
HEURISTIC_LOCATIONS = 6
HEURISTIC_SINGLES = 12
MOST_LOCATIONS = 3


@dataclass(frozen=True)
class Candidate:
    """One location set with its best allocation, or why it cannot ship the order."""

    locations: tuple[str, ...]
    shipments: tuple[Shipment, ...] = ()
    split: Decimal = Decimal(0)
    why_not: str = ""
    preference: tuple[int, int] = (0, 0)

    @property
    def feasible(self) -> bool:
        return not self.why_not

    @property
    def total(self) -> Decimal:
        return sum((s.total for s in self.shipments), self.split)

    def rank(self) -> tuple[tuple[int, int], Decimal, int, tuple[str, ...]]:
        return (self.preference, self.total, len(self.locations), self.locations)

    def parts(self) -> dict[str, str]:
        sums = {
            part: sum((getattr(s.quote.parts, part) for s in self.shipments), Decimal(0))
            for part in ("shipping", "handling", "lateness", "capacity")
        }
        return {k: str(v) for k, v in sums.items()} | {
            "split": str(self.split),
            "total": str(self.total),
        }


@dataclass
class Search:
    """One order's search: its lines, the stock, the network and what is priced already."""

    lines: tuple[OrderLine, ...]
    stock: Stock
    network: Network
    order: costs.Order
    used_today: Mapping[str, int]
    rank: Mapping[str, Preference]

    def __post_init__(self) -> None:
        self._priced: dict[tuple[str, tuple[OrderLine, ...]], Shipment | str] = {}
        self._excluded: dict[str, str] = {}
        self._coverage: dict[str, int] = {}

    def excluded(self, location: str) -> str:
        """Why a location cannot ship any of this order, before stock: '' if it can."""
        if location not in self._excluded:
            self._excluded[location] = self._why_excluded(location)
        return self._excluded[location]

    def _why_excluded(self, location: str) -> str:
        network, order = self.network, self.order
        site = network.sites[location]
        if not site.serves(order.channel):
            return f"does not serve {order.channel}"
        if not network.reaches(location, order.channel, order.country):
            return f"no allowed carrier service to {order.country}"
        used = self.used_today.get(location, 0)
        if site.capacity_per_day is not None and used >= site.capacity_per_day:
            return f"at capacity today ({used} of {site.capacity_per_day} shipments)"
        return ""

    def held(self, location: str, sku: str) -> int:
        return max(self.stock.get((sku, location), 0), 0)

    def holds_all(self, location: str) -> bool:
        return self.coverage(location) == self.units

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    def coverage(self, location: str) -> int:
        if location not in self._coverage:
            self._coverage[location] = sum(
                min(line.quantity, self.held(location, line.sku)) for line in self.lines
            )
        return self._coverage[location]

    def shipment(self, location: str, lines: tuple[OrderLine, ...]) -> Shipment | str:
        key = (location, lines)
        if key not in self._priced:
            used = self.used_today.get(location, 0)
            self._priced[key] = self.network.best_shipment(location, lines, self.order, used)
        return self._priced[key]

    def priced(self, location: str, lines: tuple[OrderLine, ...]) -> Shipment | str | None:
        """The shipment if the search priced it already; None if not."""
        return self._priced.get((location, lines))

    def candidate(self, locations: tuple[str, ...], allocation: Allocation) -> Candidate:
        preference = max(
            (self.rank.get(loc, NO_PREFERENCE).key for loc in locations), default=(0, 0)
        )
        shipments = []
        for location in locations:
            priced = self.shipment(location, allocation[location])
            if isinstance(priced, str):
                return Candidate(locations, why_not=priced, preference=preference)
            shipments.append(priced)
        split = self.network.data.weights.split_per_extra_shipment * (len(locations) - 1)
        return Candidate(locations, tuple(shipments), split, preference=preference)


def location_sets(
    search: Search, holders: list[str], never_split: bool
) -> tuple[str, list[tuple[str, ...]]]:
    """The method and the location sets to try, singles first."""
    exact = len(search.lines) <= EXACT_LINES and len(holders) <= EXACT_LOCATIONS
    pool = holders
    singles = holders
    if not exact:
        pool = sorted(holders, key=lambda loc: (-search.coverage(loc), loc))[:HEURISTIC_LOCATIONS]
        whole = sorted(
            (loc for loc in holders if loc not in pool and search.holds_all(loc)),
            key=lambda loc: _likely_cheap(search, loc),
        )
        singles = pool + whole[:HEURISTIC_SINGLES]
    sets: list[tuple[str, ...]] = [(loc,) for loc in singles]
    if not never_split:
        sizes = range(2, min(MOST_LOCATIONS, len(pool)) + 1)
        sets += [s for size in sizes for s in itertools.combinations(pool, size)]
    return ("exact" if exact else "heuristic"), sets


def _likely_cheap(search: Search, location: str) -> tuple[tuple[int, int], int, Decimal, str]:
    """Before pricing: the seller's preference, then the destination's own country, then the
    lowest handling."""
    site = search.network.sites[location]
    preference = search.rank.get(location, NO_PREFERENCE).key
    return (
        preference,
        int(site.country != search.order.country),
        site.handling_per_order,
        location,
    )


def allocations(search: Search, locations: tuple[str, ...], every: bool) -> Iterator[Allocation]:
    """Whole lines to locations holding them whole (every combination, or the first holder
    in the set's order); a line none holds whole split by units, most stock first. Only
    allocations that give every location of the set something and ship every unit."""
    options: list[list[tuple[tuple[str, OrderLine], ...]]] = []
    for line in search.lines:
        whole: list[tuple[tuple[str, OrderLine], ...]] = [
            ((loc, line),) for loc in locations if search.held(loc, line.sku) >= line.quantity
        ]
        if whole:
            options.append(whole if every else whole[:1])
            continue
        parts = _split_units(search, locations, line)
        if parts is None:
            return
        options.append([parts])
    for choice in itertools.product(*options):
        given: dict[str, list[OrderLine]] = {loc: [] for loc in locations}
        for parts in choice:
            for location, part in parts:
                given[location].append(part)
        if all(given.values()):
            yield {loc: tuple(lines) for loc, lines in given.items()}


def _split_units(
    search: Search, locations: tuple[str, ...], line: OrderLine
) -> tuple[tuple[str, OrderLine], ...] | None:
    left, parts = line.quantity, []
    for location in sorted(locations, key=lambda loc: (-search.held(loc, line.sku), loc)):
        units = min(left, search.held(location, line.sku))
        if units:
            part = OrderLine(
                sku=line.sku, quantity=units, unit_price=line.unit_price, properties=line.properties
            )
            parts.append((location, part))
            left -= units
    return tuple(parts) if left == 0 else None


def best_of_set(search: Search, locations: tuple[str, ...], every: bool) -> Candidate | None:
    """The set's cheapest allocation; None if the set cannot hold the order."""
    tried = [search.candidate(locations, a) for a in allocations(search, locations, every)]
    if not tried:
        return None
    feasible = [c for c in tried if c.feasible]
    return min(feasible, key=Candidate.rank) if feasible else tried[0]


def greedy_cover(search: Search, holders: list[str]) -> Candidate | None:
    """The fewest locations, most units first, for an order no set tried can ship."""
    remaining = {line.sku: line.quantity for line in search.lines}
    prices = {line.sku: line.unit_price for line in search.lines}
    wishes = {line.sku: line.properties for line in search.lines}
    taken: dict[str, list[OrderLine]] = {}
    while any(remaining.values()):
        cover = {
            loc: sum(min(q, search.held(loc, sku)) for sku, q in remaining.items())
            for loc in holders
            if loc not in taken
        }
        best = max(cover, key=lambda loc: (cover[loc], -holders.index(loc)), default=None)
        if best is None or cover[best] == 0:
            return None
        taken[best] = []
        for sku, qty in remaining.items():
            units = min(qty, search.held(best, sku))
            if units:
                line = OrderLine(
                    sku=sku, quantity=units, unit_price=prices[sku], properties=wishes[sku]
                )
                taken[best].append(line)
                remaining[sku] -= units
    return search.candidate(tuple(taken), {loc: tuple(lines) for loc, lines in taken.items()})


def candidates(
    search: Search, holders: list[str], never_split: bool
) -> tuple[str, list[Candidate]]:
    """Every location set tried, best first (feasible ones by preference, then cost)."""
    method, sets = location_sets(search, holders, never_split)
    tried = [c for s in sets if (c := best_of_set(search, s, method == "exact")) is not None]
    if not never_split and not any(c.feasible for c in tried):
        cover = greedy_cover(search, holders)
        # Not only beyond MOST_LOCATIONS: the heuristic tries sets of its best-covering few
        # locations alone, and a SKU may be held only by one outside them.
        if cover is not None and set(cover.locations) not in [set(s) for s in sets]:
            method, tried = f"{method}, then a greedy cover", [*tried, cover]
    tried.sort(key=lambda c: (not c.feasible, c.rank()))
    return method, tried
