"""The targets of the benchmark issue, and their verdicts. A figure either meets its target or
it is shown as not met: nothing is rounded in its favour."""

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

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
SCALE_OUT = Target("x one instance", ">=", 1.5)
