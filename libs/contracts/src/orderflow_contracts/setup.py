"""The seller's reference data (catalog, channel listings, locations, carrier rates), as one
JSON document. Each service loads the part it owns at start; operators edit the file."""

from decimal import Decimal
from pathlib import Path
from typing import Literal, Self

from pydantic import Field

from orderflow_contracts.order import Value


class Product(Value):
    sku: str
    weight_grams: int = Field(gt=0)


class ChannelListing(Value):
    channel: str
    channel_sku: str
    sku: str
    quantity: int = Field(default=1, gt=0, description="units of the master SKU per listing unit")


class Location(Value):
    location_id: str = Field(pattern=r"^[a-z0-9-]+$")
    kind: Literal["own", "overseas", "3pl"]
    country: str


class Rate(Value):
    """One carrier service from one location to some countries: base + per started kg."""

    location_id: str
    carrier: str
    service: str
    countries: tuple[str, ...]
    max_weight_grams: int
    base: Decimal
    per_kg: Decimal


class SellerSetup(Value):
    products: tuple[Product, ...] = ()
    listings: tuple[ChannelListing, ...] = ()
    locations: tuple[Location, ...] = ()
    rates: tuple[Rate, ...] = ()

    @classmethod
    def load(cls, path: Path | str | None) -> Self:
        return cls.model_validate_json(Path(path).read_text()) if path else cls()
