"""Replenishment rules from the seeds, pure: safety stock, reorder point, suggested quantity.

safety stock  = max daily sales x longest lead time - average daily sales x average lead time
reorder point = average daily sales x average lead time + safety stock
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Demand:
    average_daily: float
    max_daily: float

    @classmethod
    def from_daily_sales(cls, daily_units: Sequence[int]) -> "Demand":
        if not daily_units:
            return cls(0.0, 0.0)
        return cls(sum(daily_units) / len(daily_units), float(max(daily_units)))


@dataclass(frozen=True)
class LeadTime:
    average_days: float
    longest_days: float


def safety_stock(demand: Demand, lead: LeadTime) -> int:
    raw = demand.max_daily * lead.longest_days - demand.average_daily * lead.average_days
    return max(0, math.ceil(raw))


def reorder_point(demand: Demand, lead: LeadTime) -> int:
    return math.ceil(demand.average_daily * lead.average_days) + safety_stock(demand, lead)


def suggested_order(available: int, demand: Demand, lead: LeadTime, cover_days: float) -> int:
    """Enough to get back above the reorder point and cover `cover_days` of average sales."""
    target = reorder_point(demand, lead) + math.ceil(demand.average_daily * cover_days)
    return max(0, target - available)
