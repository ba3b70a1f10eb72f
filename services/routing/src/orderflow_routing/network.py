"""The reference data indexed for planning: which services collect where, which lane of a
service serves a destination, the seller's preference among locations, and the best
service for one parcel from one location."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from orderflow_contracts.order import OrderLine
from orderflow_contracts.setup import RoutingRules, SellerSetup

from orderflow_routing import costs
from orderflow_routing.reference import CarrierService, Lane, ProductSize, ReferenceData, Site


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
class Shipment:
    """One location's part of a plan, priced with its best service."""

    location_id: str
    lines: tuple[OrderLine, ...]
    quote: costs.Quote

    @property
    def total(self) -> Decimal:
        return self.quote.parts.total


@dataclass
class Network:
    """The reference data, with the products intake's catalog defined (`catalog`) over its
    own: the catalog is the master data of a SKU it names."""

    data: ReferenceData
    catalog: tuple[ProductSize, ...] = ()
    sites: dict[str, Site] = field(init=False)
    services_at: dict[str, list[CarrierService]] = field(init=False)
    products: dict[str, ProductSize] = field(init=False)
    _zones_of: dict[str, set[str]] = field(init=False)
    _lanes: dict[tuple[int, str, str], Lane | None] = field(init=False, default_factory=dict)
    _allowed: dict[tuple[int, str, str], bool] = field(init=False, default_factory=dict)
    _ranks: dict[str, dict[str, Preference]] = field(init=False, default_factory=dict)
    _reach: dict[tuple[str, str, str], bool] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.sites = {site.location_id: site for site in self.data.locations}
        self.services_at = {loc: [] for loc in self.sites}
        for service in self.data.services:
            for loc in service.locations:
                self.services_at[loc].append(service)
        self.products = {product.sku: product for product in (*self.data.products, *self.catalog)}
        self._zones_of = {}
        for zone in self.data.zones:
            for country in zone.countries:
                self._zones_of.setdefault(country, set()).add(zone.zone)

    @classmethod
    def from_setup(cls, setup: SellerSetup) -> "Network":
        return cls(ReferenceData.from_setup(setup))

    @property
    def version(self) -> int:
        return self.data.version

    @property
    def rules(self) -> RoutingRules:
        return self.data.rules

    @property
    def weights(self) -> dict[str, int]:
        return {sku: product.weight_grams for sku, product in self.products.items()}

    def _in(self, country: str, place: str) -> bool:
        return place == country or place in self._zones_of.get(country, ())

    def lane(self, service: CarrierService, origin: str, destination: str) -> Lane | None:
        key = (id(service), origin, destination)
        if key not in self._lanes:
            self._lanes[key] = next(
                (
                    lane
                    for lane in service.lanes
                    if self._in(origin, lane.origin) and self._in(destination, lane.destination)
                ),
                None,
            )
        return self._lanes[key]

    def allowed(self, service: CarrierService, channel: str, country: str) -> bool:
        """Not denied, nor left out by an allow list, by the seller's carrier rules."""
        key = (id(service), channel, country)
        if key not in self._allowed:
            self._allowed[key] = self._rules_allow(service, channel, country)
        return self._allowed[key]

    def _rules_allow(self, service: CarrierService, channel: str, country: str) -> bool:
        rules = self.rules.carriers
        carrier, name = service.carrier, service.service
        if any(not r.allow and r.matches(carrier, name, channel, country) for r in rules):
            return False
        allow_lists = [r for r in rules if r.allow and r.applies_to(channel, country)]
        return not allow_lists or any(
            r.matches(carrier, name, channel, country) for r in allow_lists
        )

    def reaches(self, location_id: str, channel: str, country: str) -> bool:
        """Some allowed service from the location has a lane to the country."""
        key = (location_id, channel, country)
        if key not in self._reach:
            self._reach[key] = self._reaches(location_id, channel, country)
        return self._reach[key]

    def _reaches(self, location_id: str, channel: str, country: str) -> bool:
        origin = self.sites[location_id].country
        return any(
            self.lane(service, origin, country) and self.allowed(service, channel, country)
            for service in self.services_at.get(location_id, ())
        )

    def rank_for(self, country: str) -> dict[str, Preference]:
        if country not in self._ranks:
            self._ranks[country] = {
                loc: self._preference(site, country) for loc, site in self.sites.items()
            }
        return self._ranks[country]

    def _preference(self, site: Site, country: str) -> Preference:
        same_market = self.rules.same_market_first and site.country == country
        abroad = int(self.rules.same_market_first and not same_market)
        why = f"{'same market, ' if same_market else ''}priority {site.priority}"
        return Preference(abroad, site.priority, why)

    def local_day(self, location_id: str, now: datetime) -> date:
        """The location's own date at `now`: its capacity counts per its day, not UTC's."""
        return now.astimezone(ZoneInfo(self.sites[location_id].timezone)).date()

    def local_days(self, now: datetime) -> dict[str, date]:
        return {loc: self.local_day(loc, now) for loc in self.sites}

    def never_splits(self, channel: str) -> bool:
        return channel in self.rules.never_split_channels

    def is_remote(self, country: str, postal_code: str) -> bool:
        postal = postal_code.replace(" ", "").upper()
        return bool(postal) and any(
            area.country == country and postal.startswith(prefix.replace(" ", "").upper())
            for area in self.data.remote_areas
            for prefix in area.postal_prefixes
        )

    def promised(self, channel: str, country: str, placed_at: datetime) -> datetime | None:
        """The delivery the channel promises to the country, where the reference data says."""
        for promise in self.data.promises:
            if promise.channel in ("", channel) and (
                not promise.destination or self._in(country, promise.destination)
            ):
                return costs.arrival(placed_at, promise.days, promise.business_days)
        return None

    def best_shipment(
        self, location_id: str, lines: tuple[OrderLine, ...], order: costs.Order, used: int
    ) -> Shipment | str:
        """The cheapest allowed service from the location for these lines, or why none."""
        site = self.sites[location_id]
        parcel = costs.parcel_of(lines, self.products)
        quotes: list[costs.Quote] = []
        refusals: list[str] = []
        for service in self.services_at.get(location_id, ()):
            lane = self.lane(service, site.country, order.country)
            if lane is None or not self.allowed(service, order.channel, order.country):
                continue
            priced = costs.quote(service, lane, site, parcel, order, self.data.weights, used)
            if isinstance(priced, str):
                refusals.append(priced)
            else:
                quotes.append(priced)
        if not quotes:
            why = f": {', '.join(refusals)}" if refusals else ""
            return f"no carrier service from {location_id} to {order.country} for this parcel{why}"
        best = min(quotes, key=lambda q: (q.parts.total, q.service.name))
        return Shipment(location_id, lines, best)
