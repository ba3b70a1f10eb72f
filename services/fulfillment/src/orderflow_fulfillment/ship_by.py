"""The ship-by of an order whose channel sends none (Shopify): the seller's handling time for
that channel, in business days from the order's placement, so the ship-by clock watches it
too. Such a ship-by is the seller's own, not the marketplace's, and is kept marked derived."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from orderflow_contracts.setup import SellerSetup

DEFAULT_HANDLING_DAYS = 2  # a channel the seller set no handling time for
_SATURDAY = 5


@dataclass(frozen=True)
class HandlingTimes:
    days: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_setup(cls, setup: SellerSetup) -> "HandlingTimes":
        return cls({time.channel: time.business_days for time in setup.handling_times})

    def ship_by(self, channel: str, placed_at: datetime) -> datetime:
        return after_business_days(placed_at, self.days.get(channel, DEFAULT_HANDLING_DAYS))


def after_business_days(start: datetime, days: int) -> datetime:
    """The same time of day `days` business days (Monday to Friday) later; from a weekend,
    counted from Monday."""
    moment = start
    while days > 0:
        moment += timedelta(days=1)
        if moment.weekday() < _SATURDAY:
            days -= 1
    return moment
