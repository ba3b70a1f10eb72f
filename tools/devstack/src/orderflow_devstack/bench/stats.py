"""The arithmetic of the figures, kept pure so it can be tested without a broker."""

import math
import statistics
from collections.abc import Sequence


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= share <= 1:
        raise ValueError(f"share {share} is not between 0 and 1")
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def latency_summary(latencies_ms: Sequence[float]) -> dict[str, float]:
    return {
        "p50_ms": percentile(latencies_ms, 0.50),
        "p95_ms": percentile(latencies_ms, 0.95),
        "p99_ms": percentile(latencies_ms, 0.99),
        "max_ms": max(latencies_ms),
    }


def steady_rate(times: Sequence[float]) -> float:
    """Events per second between the 10th and 90th percentile of their times: a burst's rate
    without its warm-up and its tail."""
    if len(times) < 10:
        raise ValueError(f"{len(times)} events are too few for a steady rate")
    ordered = sorted(times)
    low, high = int(len(ordered) * 0.1), int(len(ordered) * 0.9) - 1
    return (high - low) / max(ordered[high] - ordered[low], 1e-6)


def rate_in_window(times: Sequence[float], start: float, end: float) -> float:
    """Events per second whose time falls in [start, end)."""
    if end <= start:
        raise ValueError("the window is empty")
    return sum(1 for at in times if start <= at < end) / (end - start)


def ratio(numerator: float, denominator: float) -> float | None:
    """None when there is nothing to compare against."""
    return numerator / denominator if denominator else None
