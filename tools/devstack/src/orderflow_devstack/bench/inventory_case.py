"""Issue 3's inventory case: the inventory service alone, reservations per second for (a) one-unit
orders spread evenly over 1,000 SKUs with ample stock and (b) the flash sale's hot SKU (its few
units at two locations, most orders rejected), each with its oversold units, and the ratio hot /
spread (aim: within 2x).

Both are measured the same way, by one function on the same service: an open burst of the same N
plans, encoded beforehand and published at once, answered by the same inventory instance (a and
b run one after the other on one system, after an unmeasured warm-up burst); answers per second
from the first plan sent to the last answer's timestamp."""

from dataclasses import dataclass

from orderflow_devstack.bench import targets
from orderflow_devstack.bench.flash_sale import sizes
from orderflow_devstack.bench.plans import (
    LOCATIONS,
    SPREAD_SKUS,
    bench_setup,
    plan,
)
from orderflow_devstack.bench.reservations import Load, ReservationFigures, burst, hot_load
from orderflow_devstack.bench.results import CaseResult
from orderflow_devstack.bench.session import BenchSession
from orderflow_devstack.bench.stats import median, ratio

SKUS = len(SPREAD_SKUS)
HOT_WITHIN_2X_OF_SPREAD = targets.Target("hot / spread", ">=", 0.5)


def spread_load(orders: int) -> Load:
    """One unit of each SKU in turn, the locations alternating every round of SKUs, so every
    (SKU, location) gets its share; stock for every order at every key, so it never runs out."""
    keys = [(SPREAD_SKUS[n % SKUS], LOCATIONS[n // SKUS % len(LOCATIONS)]) for n in range(orders)]
    stock = {(sku, location): orders for sku in SPREAD_SKUS for location in LOCATIONS}
    return Load(stock, [plan(sku, location) for sku, location in keys])


@dataclass(frozen=True)
class Pair:
    spread: ReservationFigures
    hot: ReservationFigures

    @property
    def hot_vs_spread(self) -> float | None:
        return ratio(self.hot.per_second, self.spread.per_second)


async def measure_pair(session: BenchSession, orders: int, units: int) -> Pair:
    setup_file = bench_setup(session.log_dir)
    async with session.system(services=("inventory",), setup_file=setup_file) as system:
        await burst(system, spread_load(max(orders // 10, 50)))  # warm-up: not measured
        await system.settle()
        spread = await burst(system, spread_load(orders))
        await system.settle()
        hot = await burst(system, hot_load(orders, units))
    return Pair(spread, hot)


def _result(case: str, unit: str, runs: list[ReservationFigures]) -> CaseResult:
    oversold = [r.oversold_units for r in runs]
    worst = None if None in oversold else max(u for u in oversold if u is not None)
    return CaseResult(
        case,
        unit,
        [r.per_second for r in runs],
        {"answers": runs[-1].answers, **runs[-1].details},
        [targets.OVERSOLD.check(worst)],
    )


def _ratio_result(pairs: list[Pair]) -> CaseResult:
    ratios = [p.hot_vs_spread for p in pairs if p.hot_vs_spread is not None]
    spread_median = median([p.spread.per_second for p in pairs])
    hot_median = median([p.hot.per_second for p in pairs])
    return CaseResult(
        "inventory: hot SKU / spread",
        "ratio",
        ratios,
        {
            "aim": "within 2x (>= 0.5)",
            "of_medians": round(hot_median / spread_median, 3),
            "how": "both open bursts of the same N plans on the same inventory instance",
        },
        [HOT_WITHIN_2X_OF_SPREAD.check(median(ratios) if ratios else None)],
    )


async def run(session: BenchSession) -> list[CaseResult]:
    orders, units = sizes(session.smoke)
    session.say(
        f"inventory: bursts of {orders:,} one-unit plans, (a) over {SKUS:,} SKUs with ample"
        f" stock, (b) for one SKU with {units:,} units; x {session.repeats}"
    )
    pairs = [await measure_pair(session, orders, units) for _ in range(session.repeats)]
    return [
        _result(f"inventory: {SKUS:,} SKUs (burst)", "reservations/s", [p.spread for p in pairs]),
        _result("inventory: one hot SKU (burst)", "answers/s", [p.hot for p in pairs]),
        _ratio_result(pairs),
    ]
