"""The seller's reference data (catalog, channel listings, locations, carrier rates), as one
JSON document. Each service loads the part it owns at start; operators edit the file."""

from decimal import Decimal
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, model_validator

from orderflow_contracts.order import Value

Tier = Literal["best_seller", "regular", "seasonal", "new"]


class LeadTime(Value):
    """Days from ordering from the supplier to the goods being sellable, as the seeds measure it."""

    average_days: float = Field(gt=0)
    longest_days: float = Field(gt=0)


class Dimensions(Value):
    """The packed product's outer size, in millimetres."""

    length_mm: int = Field(gt=0)
    width_mm: int = Field(gt=0)
    height_mm: int = Field(gt=0)


class Product(Value):
    sku: str
    weight_grams: int = Field(gt=0)
    dimensions: Dimensions | None = None
    tier: Tier = "regular"
    lead_time: LeadTime = LeadTime(average_days=14, longest_days=21)
    attributes: tuple[str, ...] = Field(
        default=(),
        description="what screening rules look at, e.g. lithium_battery, liquid, aerosol",
    )


class ListingComponent(Value):
    sku: str = Field(min_length=1, description="master SKU")
    quantity: int = Field(default=1, gt=0, description="units of it per listing unit")


class ChannelListing(Value):
    """A channel SKU and what one unit of it ships: one master SKU (`sku` x `quantity`, a
    multi-pack when quantity > 1) or, for a bundle, `components` instead of `sku`."""

    channel: str
    channel_sku: str
    sku: str = ""
    quantity: int = Field(default=1, gt=0, description="units of the master SKU per listing unit")
    components: tuple[ListingComponent, ...] = ()

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        if bool(self.sku) == bool(self.components):
            raise ValueError(
                f"listing {self.channel}:{self.channel_sku} needs either sku or components"
            )
        return self

    def master_skus(self) -> tuple[ListingComponent, ...]:
        """What one unit of this listing is, in master SKUs, whichever form it was given in."""
        return self.components or (ListingComponent(sku=self.sku, quantity=self.quantity),)


class Location(Value):
    location_id: str = Field(pattern=r"^[a-z0-9-]+$")
    kind: Literal["own", "overseas", "3pl"]
    country: str
    channels: tuple[str, ...] = Field(
        default=(), description="the channels this location may serve; empty: every channel"
    )
    priority: int = Field(
        default=0,
        description="the seller's preference among locations that can ship an order whole:"
        " lower first, before cost; equal priorities go by cost",
    )

    def serves(self, channel: str) -> bool:
        return not self.channels or channel in self.channels


class ChannelPolicy(Value):
    """How one channel sees stock: what it may show, and what a partly available order gets."""

    channel: str
    shortage: Literal["reject", "partial", "hold"] = Field(
        default="reject",
        description="reject: routing re-plans; partial: reserve what there is, backorder the"
        " rest; hold: the order waits in the exception queue",
    )
    buffer_units: int = Field(default=0, ge=0, description="units never shown to this channel")
    buffer_percent: float = Field(
        default=0, ge=0, le=100, description="share of available never shown to this channel"
    )


class HandlingTime(Value):
    """The seller's handling time on one channel: from an order's placement to its ship-by,
    where the channel sends no ship-by of its own (Shopify sends none). Fulfillment watches
    the ship-by it derives from it, marked as derived. A channel without one: 2 business days."""

    channel: str
    business_days: int = Field(
        default=2, ge=0, le=30, description="Monday to Friday (UTC); 0: ship the day it is placed"
    )


class Rate(Value):
    """One carrier service from one location to some countries: base + per started kg."""

    location_id: str
    carrier: str
    service: str
    countries: tuple[str, ...]
    max_weight_grams: int
    base: Decimal
    per_kg: Decimal


class CarrierRule(Value):
    """A carrier (or one of its services) allowed or denied for a channel and/or destination;
    a field left empty matches any."""

    carrier: str
    service: str = ""
    channel: str = ""
    country: str = ""
    allow: bool = Field(
        default=False,
        description="false: never use it there; true: where allow rules match an order, only"
        " carriers they name may ship it",
    )

    def matches(self, carrier: str, service: str, channel: str, country: str) -> bool:
        return (
            self.carrier == carrier
            and self.service in ("", service)
            and self.channel in ("", channel)
            and self.country in ("", country)
        )

    def applies_to(self, channel: str, country: str) -> bool:
        return self.channel in ("", channel) and self.country in ("", country)


class RoutingRules(Value):
    """What the seller sets on top of cost: routing obeys these before it compares prices."""

    same_market_first: bool = Field(
        default=False,
        description="a location in the destination country that can ship the order whole wins"
        " over any other, whatever the cost",
    )
    never_split_channels: tuple[str, ...] = Field(
        default=(),
        description="channels whose orders ship whole from one location or not at all",
    )
    carriers: tuple[CarrierRule, ...] = ()


class SellerSetup(Value):
    products: tuple[Product, ...] = ()
    listings: tuple[ChannelListing, ...] = ()
    locations: tuple[Location, ...] = ()
    rates: tuple[Rate, ...] = ()
    channels: tuple[ChannelPolicy, ...] = ()
    handling_times: tuple[HandlingTime, ...] = ()
    routing: RoutingRules = RoutingRules()

    @classmethod
    def load(cls, path: Path | str | None) -> Self:
        return cls.model_validate_json(Path(path).read_text()) if path else cls()
