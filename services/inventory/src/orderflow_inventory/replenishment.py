"""Replenishment rules from the seeds, pure: safety stock, reorder point, suggested quantity.

safety stock  = max daily sales x longest lead time - average daily sales x average lead time
reorder point = average daily sales x average lead time + safety stock
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from orderflow_contracts.setup import LeadTime

DEMAND_WINDOW_DAYS = 28  # demand is the units shipped a day over this trailing window
SLOW_MOVER_DAYS = 90  # a SKU in stock without a sale for this long is a slow mover


@dataclass(frozen=True)
class Demand:
    average_daily: float
    max_daily: float

    @classmethod
    def from_daily_sales(cls, daily_units: Sequence[int]) -> "Demand":
        if not daily_units:
            return cls(0.0, 0.0)
        return cls(sum(daily_units) / len(daily_units), float(max(daily_units)))

    @classmethod
    def in_window(
        cls, units: int, largest_day: int, days_selling: int, window_days: int
    ) -> "Demand":
        """`units` sold in the trailing window, averaged over the days the SKU has been selling
        in it: from its first sale ever (that day counted) to today, at most the window. A SKU
        that started selling 3 days ago averages over 3 days, not the whole window; a day
        without a sale after its first counts as zero."""
        days = max(1, min(days_selling, window_days))
        return cls(units / days, float(largest_day))


def safety_stock(demand: Demand, lead: LeadTime) -> int:
    raw = demand.max_daily * lead.longest_days - demand.average_daily * lead.average_days
    return max(0, math.ceil(raw))


def reorder_point(demand: Demand, lead: LeadTime) -> int:
    return math.ceil(demand.average_daily * lead.average_days) + safety_stock(demand, lead)


def suggested_order(available: int, demand: Demand, lead: LeadTime, cover_days: float) -> int:
    """Enough to get back above the reorder point and cover `cover_days` of average sales."""
    target = reorder_point(demand, lead) + math.ceil(demand.average_daily * cover_days)
    return max(0, target - available)


@dataclass(frozen=True)
class TierPolicy:
    """How a product tier plans: days of sales an order covers, how much safety it keeps, and the
    demand assumed while a product has no sales history yet."""

    cover_days: float
    safety_factor: float = 1.0
    assumed_daily: float = 0.0


TIER_POLICIES = {
    "best_seller": TierPolicy(cover_days=30, safety_factor=1.5),
    "regular": TierPolicy(cover_days=14),
    "seasonal": TierPolicy(cover_days=7),  # buy close to the season's need, not beyond it
    "new": TierPolicy(cover_days=14, assumed_daily=1.0),
}


@dataclass(frozen=True)
class ReorderAdvice:
    safety_stock: int
    reorder_point: int
    suggested_quantity: int

    @classmethod
    def of(cls, available: int, demand: Demand, lead: LeadTime, tier: str) -> "ReorderAdvice":
        policy = TIER_POLICIES.get(tier, TIER_POLICIES["regular"])
        if demand.average_daily == 0 and policy.assumed_daily:
            demand = Demand(policy.assumed_daily, policy.assumed_daily)
        safety = math.ceil(safety_stock(demand, lead) * policy.safety_factor)
        point = math.ceil(demand.average_daily * lead.average_days) + safety
        target = point + math.ceil(demand.average_daily * policy.cover_days)
        return cls(safety, point, max(0, target - available))
