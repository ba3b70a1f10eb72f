"""A case's figures: the arithmetic (kept pure, tested without a broker), the targets of the
benchmark issue with their verdicts, and the results printed as a table and written as JSON
under bench/results/. A figure either meets its target or is shown as not met: nothing is
rounded in its favour."""

import json
import math
import operator
import os
import platform
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import psutil
from rich.console import Console
from rich.table import Table

# The arithmetic


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


# The targets

Comparison = Literal[">=", "<=", "=="]

_COMPARE: dict[Comparison, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
}


@dataclass(frozen=True)
class Target:
    metric: str
    comparison: Comparison
    threshold: float
    unit: str = ""

    def check(self, actual: float | None) -> "Verdict":
        return Verdict(self, actual)

    def describe(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.metric} {self.comparison} {self.threshold:,g}{unit}"


@dataclass(frozen=True)
class Verdict:
    target: Target
    actual: float | None

    @property
    def met(self) -> bool:
        """Unmeasured counts as not met."""
        if self.actual is None:
            return False
        return _COMPARE[self.target.comparison](self.actual, self.target.threshold)

    def describe(self) -> str:
        actual = "not measured" if self.actual is None else f"{self.actual:,.4g}"
        return f"{'met' if self.met else 'NOT MET'}: {self.target.describe()} (is {actual})"


ORDERS_TO_PICK_TASK = Target("orders/s", ">=", 1000, "orders/s")
DELIVERED = Target("delivered/s", ">=", 300, "orders/s")
LATENCY_P99 = Target("p99", "<=", 50, "ms")
FLASH_RATE = Target("reservations/s", ">=", 5000, "/s")
FLASH_VS_ROW_LOCK = Target("x row lock", ">=", 3)
OVERSOLD = Target("oversold", "==", 0, "units")
HOT_WITHIN_2X_OF_SPREAD = Target("hot / spread", ">=", 0.5)
SCALE_OUT = Target("x one instance", ">=", 1.5)
PLANNING_FLAT = Target("50x200 / 10x40", "<=", 1.5)


# The results
@dataclass
class CaseResult:
    case: str
    unit: str
    repeats: list[float]
    details: dict[str, Any] = field(default_factory=dict)
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.repeats)

    def as_json(self) -> dict[str, Any]:
        body = asdict(self) | {"median": self.median}
        body["verdicts"] = [
            {"target": v.target.describe(), "actual": v.actual, "met": v.met} for v in self.verdicts
        ]
        return body


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "cpus": psutil.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "platform": platform.platform(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


def wide_console() -> Console:
    """At least 150 columns: a log file, a pipe or CI is not 80, and the tables are wide."""
    return Console(width=max(Console().width, 150))


def number(value: float) -> str:
    """Large figures with thousands separators, small ones (ratios) with 3 significant digits."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


# The peer (issue 20): Saleor's marketplace order import on a 2-core machine like this one.
SALEOR_IMPORT_ORDERS_PER_S = 4.46
SALEOR_ACCEPTED_ORDERS, SALEOR_UNITS_IN_STOCK = 2000, 100


def peer_comparison(results: list[CaseResult]) -> list[str]:
    """This run beside Saleor's measured import: its rate against our order to pick task, its
    oversell against our flash sale's."""
    by_case = {result.case: result for result in results}
    lines = [
        f"peer, Saleor's marketplace import: {SALEOR_IMPORT_ORDERS_PER_S} orders/s; it accepted"
        f" {SALEOR_ACCEPTED_ORDERS:,} orders for {SALEOR_UNITS_IN_STOCK} units in stock"
        f" ({SALEOR_ACCEPTED_ORDERS - SALEOR_UNITS_IN_STOCK:,} oversold)"
    ]
    if pipeline := by_case.get("order to pick task"):
        times = pipeline.median / SALEOR_IMPORT_ORDERS_PER_S
        lines.append(
            f"orderflow, order to pick task: {number(pipeline.median)} orders/s, {times:,.0f}x"
        )
    if flash := by_case.get("flash sale: inventory service"):
        oversold = next((v.actual for v in flash.verdicts if v.target is OVERSOLD), None)
        answers = flash.details.get("answers", {})
        lines.append(
            f"orderflow, flash sale: {_compact(answers)}; oversold units:"
            f" {'not measured' if oversold is None else f'{oversold:,.0f}'}"
        )
    return lines


def print_table(results: list[CaseResult], console: Console) -> None:
    table = Table(title="orderflow bench (median of repeats)", show_lines=True)
    for column in ("case", "median", "unit", "repeats", "target", "details"):
        table.add_column(column, overflow="fold")
    for result in results:
        details = "\n".join(f"{k}: {_compact(v)}" for k, v in result.details.items())
        repeats = ", ".join(number(r) for r in result.repeats)
        verdicts = "\n".join(v.describe() for v in result.verdicts) or "-"
        table.add_row(result.case, number(result.median), result.unit, repeats, verdicts, details)
    console.print(table)
    for line in peer_comparison(results):
        console.print(line)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    console.print(f"load average (1, 5, 15 min) at the end: {load}; {psutil.cpu_count()} CPUs")


def _compact(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, float):
        return number(value)
    return str(value)


def write_json(results: list[CaseResult], folder: Path, smoke: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"bench-{stamp}{'-smoke' if smoke else ''}.json"
    body = {
        "at": stamp,
        "smoke": smoke,
        "machine": machine(),
        "cases": [r.as_json() for r in results],
    }
    path.write_text(json.dumps(body, indent=2, default=str))
    return path
