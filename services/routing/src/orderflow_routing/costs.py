"""The cost of one shipment: one location, some lines, the best carrier service for them.

cost = shipping (rate card by chargeable weight, remote-area surcharge, fuel %)
     + handling (per order and per unit at the location)
     + lateness risk (missing the ship-by after the location's cut-off; days the service's p90
       arrival is after the promised delivery)
     + capacity (the share of the location's capacity for today already used)
A plan adds a split penalty per shipment beyond the first (see search.py)."""

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from orderflow_contracts.order import OrderLine

from orderflow_routing.reference import CarrierService, Lane, ProductSize, Site, Weights

CENT = Decimal("0.01")
DEFAULT_PRODUCT = ProductSize(sku="?", weight_grams=1000)
FRIDAY, SATURDAY = 4, 5


@dataclass(frozen=True)
class Parcel:
    lines: tuple[OrderLine, ...]
    weight_grams: int
    volume_cm3: float
    longest_side_cm: float
    attributes: frozenset[str]

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


def parcel_of(lines: tuple[OrderLine, ...], products: dict[str, ProductSize]) -> Parcel:
    """Units packed together; an unknown SKU counts as 1 kg of no size."""
    sizes = [(products.get(line.sku, DEFAULT_PRODUCT), line.quantity) for line in lines]
    return Parcel(
        lines,
        sum(size.weight_grams * qty for size, qty in sizes),
        sum(size.volume_cm3 * qty for size, qty in sizes),
        max((max(size.length_cm, size.width_cm, size.height_cm) for size, _ in sizes), default=0),
        frozenset(attribute for size, _ in sizes for attribute in size.attributes),
    )


@dataclass(frozen=True)
class Order:
    """What of an order the cost function looks at."""

    channel: str
    country: str
    postal_code: str
    now: datetime
    ship_by: datetime | None
    deliver_by: datetime | None
    remote: bool = False


@dataclass(frozen=True)
class Parts:
    shipping: Decimal
    handling: Decimal
    lateness: Decimal
    capacity: Decimal

    @property
    def total(self) -> Decimal:
        return self.shipping + self.handling + self.lateness + self.capacity

    def as_json(self) -> dict[str, str]:
        return {
            "shipping": str(self.shipping),
            "handling": str(self.handling),
            "lateness": str(self.lateness),
            "capacity": str(self.capacity),
            "total": str(self.total),
        }


@dataclass(frozen=True)
class Quote:
    """One service priced for one parcel from one location."""

    service: CarrierService
    parts: Parts
    ships_at: datetime
    arrives_p50: datetime
    arrives_p90: datetime
    late: tuple[str, ...]


def refusal(service: CarrierService, parcel: Parcel, chargeable: int, lane: Lane) -> str | None:
    """Why the service cannot take the parcel, or None."""
    limits = service.restrictions
    if "lithium_battery" in parcel.attributes and not limits.batteries:
        return f"{service.name} takes no batteries"
    if "liquid" in parcel.attributes and not limits.liquids:
        return f"{service.name} takes no liquids"
    if limits.max_side_cm and parcel.longest_side_cm > limits.max_side_cm:
        return f"{service.name}: a side over {limits.max_side_cm:g} cm"
    heaviest = min(
        limits.max_weight_grams or lane.rates.max_weight_grams, lane.rates.max_weight_grams
    )
    if max(parcel.weight_grams, chargeable) > heaviest:
        return f"{service.name} over {heaviest:,} g"
    return None


def chargeable_grams(service: CarrierService, parcel: Parcel) -> int:
    if not service.dim_divisor:
        return parcel.weight_grams
    dimensional = math.ceil(parcel.volume_cm3 / service.dim_divisor * 1000)
    return max(parcel.weight_grams, dimensional)


def shipping(service: CarrierService, lane: Lane, parcel: Parcel, remote: bool) -> Decimal | str:
    """The price of the parcel by this service on this lane, or why it cannot take it."""
    chargeable = chargeable_grams(service, parcel)
    refused = refusal(service, parcel, chargeable, lane)
    price = lane.rates.price(chargeable)
    if refused or price is None:
        return refused or f"{service.name} over {lane.rates.max_weight_grams:,} g"
    surcharge = service.remote_area_surcharge if remote else Decimal(0)
    fuel = 1 + service.fuel_percent / 100
    return ((price + surcharge) * fuel).quantize(CENT)


def ships_at(site: Site, now: datetime, business_days: bool = False) -> datetime:
    """When a shipment planned `now` leaves: today at the cut-off, or tomorrow's after it, in
    the location's own time; a carrier counting business days collects Monday to Friday."""
    zone = ZoneInfo(site.timezone)
    local = now.astimezone(zone)
    if site.cutoff is None:
        leaves = local
    else:
        day: date = local.date() + timedelta(days=int(local.time() > site.cutoff))
        leaves = datetime.combine(day, site.cutoff, zone)
    if business_days and _weekend(leaves):
        monday = leaves.date() + timedelta(days=7 - leaves.weekday())
        leaves = datetime.combine(monday, site.cutoff or time(0), zone)
    return leaves


def arrival(leaves: datetime, transit_days: float, business_days: bool) -> datetime:
    """`transit_days` after `leaves`: calendar days, or business days (Saturdays and Sundays
    not counted, nothing arrives on them)."""
    if not business_days:
        return leaves + timedelta(days=transit_days)
    whole, part = divmod(transit_days, 1)
    return _skip_weekend(_add_business_days(leaves, int(whole)) + timedelta(days=part))


def _add_business_days(at: datetime, days: int) -> datetime:
    """`days` steps of a day, each step onto a Saturday or a Sunday going on to Monday:
    counted, not walked (walking took ~6% of routing's time in the pipeline case). A step
    from a Saturday or a Sunday lands where one from the Friday before does."""
    if days <= 0:
        return at
    past_friday = max(at.weekday() - FRIDAY, 0)
    weekday = at.weekday() - past_friday
    weeks, rest = divmod(days, 5)
    weekend = 2 if weekday + rest > FRIDAY else 0
    return at + timedelta(days=weeks * 7 + rest + weekend - past_friday)


def _weekend(at: datetime) -> bool:
    return at.weekday() >= SATURDAY


def _skip_weekend(at: datetime) -> datetime:
    while _weekend(at):
        at += timedelta(days=1)
    return at


def lateness(
    order: Order, leaves: datetime, arrives_p90: datetime, weights: Weights
) -> tuple[Decimal, tuple[str, ...]]:
    cost, why = Decimal(0), []
    if order.ship_by and leaves > order.ship_by:
        cost += weights.late_ship
        why.append(f"leaves {leaves:%Y-%m-%d %H:%M %Z} after the ship-by")
    if order.deliver_by and arrives_p90 > order.deliver_by:
        days = math.ceil((arrives_p90 - order.deliver_by).total_seconds() / 86400)
        cost += weights.late_delivery_per_day * days
        why.append(f"p90 arrival {days} day(s) after the promised delivery")
    return cost, tuple(why)


def handling(site: Site, parcel: Parcel) -> Decimal:
    return site.handling_per_order + site.handling_per_unit * parcel.units


def capacity_part(site: Site, used_today: int, weights: Weights) -> Decimal:
    if not site.capacity_per_day:
        return Decimal(0)
    share = Decimal(used_today) / Decimal(site.capacity_per_day)
    return (weights.capacity_at_full * share).quantize(CENT)


def quote(
    service: CarrierService,
    lane: Lane,
    site: Site,
    parcel: Parcel,
    order: Order,
    weights: Weights,
    used_today: int = 0,
) -> Quote | str:
    """The service's full cost for the parcel from the site, or why it cannot take it."""
    price = shipping(service, lane, parcel, order.remote)
    if isinstance(price, str):
        return price
    business = service.transit_days == "business"
    leaves = ships_at(site, order.now, business)
    p50 = arrival(leaves, lane.transit_p50_days, business)
    p90 = arrival(leaves, lane.transit_p90_days, business)
    late, why = lateness(order, leaves, p90, weights)
    parts = Parts(price, handling(site, parcel), late, capacity_part(site, used_today, weights))
    return Quote(service, parts, leaves, p50, p90, why)
