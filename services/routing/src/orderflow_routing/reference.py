"""routing's reference data, as data: locations, carrier services with their lanes, rate
cards, surcharges, transit times and restrictions, product sizes, promises and what each cost
weighs. One document, versioned, validated on load with every problem named at once; the
seller setup file gives version 1 (`from_setup`), operators change it through the API."""

import math
import re
from collections import Counter
from datetime import time
from decimal import Decimal
from typing import Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from orderflow_contracts.order import Value
from orderflow_contracts.setup import Product, RoutingRules, SellerSetup
from pydantic import Field, model_validator

Money = Decimal
COUNTRY = re.compile(r"^[A-Z]{2}$")


class Zone(Value):
    """Countries a lane can name at once, e.g. EU or SEA."""

    zone: str = Field(min_length=2, description="e.g. EU, SEA; never a country's own code")
    countries: tuple[str, ...] = Field(min_length=1)


class RemoteArea(Value):
    country: str
    postal_prefixes: tuple[str, ...] = Field(min_length=1)


class ProductSize(Value):
    sku: str = Field(min_length=1)
    weight_grams: int = Field(gt=0)
    length_cm: float = Field(default=0, ge=0)
    width_cm: float = Field(default=0, ge=0)
    height_cm: float = Field(default=0, ge=0)
    attributes: tuple[str, ...] = Field(
        default=(), description="lithium_battery and liquid are what carriers restrict"
    )

    @property
    def volume_cm3(self) -> float:
        return self.length_cm * self.width_cm * self.height_cm

    @classmethod
    def of(cls, product: Product) -> "ProductSize":
        """A master SKU as the seller setup or intake's catalog defines it (sizes in mm)."""
        size = product.dimensions
        return cls(
            sku=product.sku,
            weight_grams=product.weight_grams,
            length_cm=size.length_mm / 10 if size else 0,
            width_cm=size.width_mm / 10 if size else 0,
            height_cm=size.height_mm / 10 if size else 0,
            attributes=product.attributes,
        )


class Site(Value):
    """A location as routing weighs it."""

    location_id: str = Field(pattern=r"^[a-z0-9-]+$")
    kind: Literal["own", "overseas", "3pl"] = "own"
    country: str = Field(pattern=COUNTRY.pattern)
    channels: tuple[str, ...] = Field(default=(), description="empty: every channel")
    priority: int = Field(default=0, description="lower first, before cost")
    capacity_per_day: int | None = Field(default=None, gt=0, description="None: unbounded")
    cutoff: time | None = Field(
        default=None, description="local time after which a shipment leaves the next day"
    )
    timezone: str = "UTC"
    handling_per_order: Money = Field(default=Decimal(0), ge=0)
    handling_per_unit: Money = Field(default=Decimal(0), ge=0)

    def serves(self, channel: str) -> bool:
        return not self.channels or channel in self.channels


class WeightBand(Value):
    up_to_grams: int = Field(gt=0)
    price: Money = Field(ge=0)


class RateCard(Value):
    """The price of a parcel: the first band its chargeable weight fits, else base + per
    started kg; nothing above max_weight_grams."""

    bands: tuple[WeightBand, ...] = ()
    base: Money = Field(default=Decimal(0), ge=0)
    per_kg: Money = Field(default=Decimal(0), ge=0)
    max_weight_grams: int = Field(gt=0)

    @model_validator(mode="after")
    def _bands_ascend(self) -> Self:
        limits = [band.up_to_grams for band in self.bands]
        if limits != sorted(set(limits)):
            raise ValueError(f"weight bands must ascend without repeats, got {limits}")
        if limits and limits[-1] > self.max_weight_grams:
            raise ValueError(f"band up to {limits[-1]} g is above max_weight_grams")
        return self

    def price(self, grams: int) -> Money | None:
        if grams > self.max_weight_grams:
            return None
        for band in self.bands:
            if grams <= band.up_to_grams:
                return band.price
        return self.base + self.per_kg * math.ceil(grams / 1000)


class Lane(Value):
    origin: str = Field(description="a country code or a zone name")
    destination: str = Field(description="a country code or a zone name")
    rates: RateCard
    transit_p50_days: float = Field(ge=0)
    transit_p90_days: float = Field(ge=0)

    @model_validator(mode="after")
    def _p90_not_below_p50(self) -> Self:
        if self.transit_p90_days < self.transit_p50_days:
            raise ValueError(f"lane {self.origin}->{self.destination}: p90 transit below p50")
        return self


class Restrictions(Value):
    batteries: bool = True
    liquids: bool = True
    max_weight_grams: int | None = Field(default=None, gt=0)
    max_side_cm: float | None = Field(default=None, gt=0)


class CarrierService(Value):
    carrier: str = Field(min_length=1)
    service: str = Field(min_length=1)
    level: Literal["express", "standard", "economy"] = "standard"
    locations: tuple[str, ...] = Field(min_length=1, description="where it collects")
    lanes: tuple[Lane, ...] = Field(min_length=1)
    dim_divisor: int | None = Field(
        default=None, gt=0, description="cm3 per chargeable kg; None: actual weight only"
    )
    transit_days: Literal["business", "calendar"] = Field(
        default="business",
        description="how its lanes' transit days count; business: it neither collects nor"
        " delivers on Saturdays and Sundays",
    )
    fuel_percent: Decimal = Field(default=Decimal(0), ge=0)
    remote_area_surcharge: Money = Field(default=Decimal(0), ge=0)
    restrictions: Restrictions = Restrictions()
    marketplace_codes: dict[str, str] = Field(
        default={}, description="each channel's own code for this carrier"
    )

    @property
    def name(self) -> str:
        return f"{self.carrier}/{self.service}"


class Weights(Value):
    """What the cost function adds besides shipping and handling, in money."""

    split_per_extra_shipment: Money = Field(default=Decimal("10"), ge=0)
    late_ship: Money = Field(default=Decimal("20"), ge=0, description="missing the ship-by")
    late_delivery_per_day: Money = Field(
        default=Decimal("5"), ge=0, description="per day the p90 arrival is after the promise"
    )
    capacity_at_full: Money = Field(
        default=Decimal(0), ge=0, description="times the share of today's capacity used"
    )


class Promise(Value):
    """Delivery days a channel promises to a destination, for orders that carry no date."""

    channel: str = ""
    destination: str = Field(default="", description="a country, a zone, or empty: any")
    days: float = Field(gt=0)
    business_days: bool = Field(
        default=False,
        description="true: counted Monday to Friday (most marketplaces promise so); false: every day",
    )


class ReferenceData(Value):
    version: int = Field(default=1, ge=1)
    zones: tuple[Zone, ...] = ()
    locations: tuple[Site, ...] = ()
    services: tuple[CarrierService, ...] = ()
    products: tuple[ProductSize, ...] = ()
    remote_areas: tuple[RemoteArea, ...] = ()
    promises: tuple[Promise, ...] = ()
    rules: RoutingRules = RoutingRules()
    weights: Weights = Weights()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems = _problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @classmethod
    def from_setup(cls, setup: SellerSetup) -> "ReferenceData":
        """Version 1 from the seller setup file: its rates become one service per location
        with a lane per country (the file says nothing of transit: 4 days p50, 7 p90)."""
        country = {location.location_id: location.country for location in setup.locations}
        services = tuple(
            CarrierService(
                carrier=rate.carrier,
                service=rate.service,
                locations=(rate.location_id,),
                lanes=tuple(
                    Lane(
                        origin=country.get(rate.location_id, "ZZ"),
                        destination=destination,
                        rates=RateCard(
                            base=rate.base,
                            per_kg=rate.per_kg,
                            max_weight_grams=rate.max_weight_grams,
                        ),
                        transit_p50_days=4,
                        transit_p90_days=7,
                    )
                    for destination in rate.countries
                ),
            )
            for rate in setup.rates
        )
        return cls(
            locations=tuple(Site.model_validate(loc.model_dump()) for loc in setup.locations),
            services=services,
            products=tuple(ProductSize.of(product) for product in setup.products),
            rules=setup.routing,
        )


def _problems(data: ReferenceData) -> list[str]:
    return [
        *_repeats("location", [site.location_id for site in data.locations]),
        *_repeats("zone", [zone.zone for zone in data.zones]),
        *_repeats("product", [product.sku for product in data.products]),
        *_bad_places(data),
        *_bad_services(data),
        *_bad_timezones(data),
    ]


def _repeats(what: str, keys: list[str]) -> list[str]:
    return [f"{what} {key} is given {n} times" for key, n in Counter(keys).items() if n > 1]


def _place_known(place: str, zones: set[str]) -> bool:
    return bool(COUNTRY.match(place)) or place in zones


def _bad_places(data: ReferenceData) -> list[str]:
    zones = {zone.zone for zone in data.zones}
    problems = [
        f"zone {zone.zone}: {country!r} is not a country code"
        for zone in data.zones
        for country in zone.countries
        if not COUNTRY.match(country)
    ]
    problems += [
        f"promise for {promise.channel or 'any channel'}: destination {promise.destination!r}"
        " is neither a country code nor a zone"
        for promise in data.promises
        if promise.destination and not _place_known(promise.destination, zones)
    ]
    return problems


def _bad_services(data: ReferenceData) -> list[str]:
    zones = {zone.zone for zone in data.zones}
    sites = {site.location_id for site in data.locations}
    problems: list[str] = []
    for index, service in enumerate(data.services):
        where = f"services[{index}] {service.name}"
        problems += [
            f"{where}: location {loc!r} is not among the locations"
            for loc in service.locations
            if loc not in sites
        ]
        problems += [
            f"{where}: lane {n} {end} {place!r} is neither a country code nor a zone"
            for n, lane in enumerate(service.lanes)
            for end, place in (("origin", lane.origin), ("destination", lane.destination))
            if not _place_known(place, zones)
        ]
    collecting = Counter(
        (service.name, loc) for service in data.services for loc in service.locations
    )
    problems += [
        f"{name} is given {n} times at {loc}" for (name, loc), n in collecting.items() if n > 1
    ]
    carriers = {service.carrier for service in data.services}
    problems += [
        f"carrier rule names {rule.carrier!r}, which no service has"
        for rule in data.rules.carriers
        if rule.carrier not in carriers
    ]
    return problems


def _bad_timezones(data: ReferenceData) -> list[str]:
    problems = []
    for site in data.locations:
        try:
            ZoneInfo(site.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"location {site.location_id}: unknown timezone {site.timezone!r}")
    return problems
