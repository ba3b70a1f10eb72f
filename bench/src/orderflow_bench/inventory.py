"""The inventory service alone, driven through its topics (reservations.py), in two cases.

Case `flash-sale`: many one-unit orders for one SKU whose few units sit at two locations, sent
as ShipmentsPlanned (as routing would send them); answers per second and oversold units, beside
the same plans answered by the row-lock baseline (row_lock.py) on the same PostgreSQL and
broker, once the service has stopped.

Case `inventory` (issue 3's): reservations per second for (a) one-unit orders spread evenly over
1,000 SKUs with ample stock and (b) the flash sale's hot SKU (its few units at two locations,
most orders rejected), each with its oversold units, and the ratio hot / spread (aim: within
2x). Both are measured the same way, by one function on the same service: an open burst of the
same N plans, encoded beforehand and published at once, answered by the same inventory instance
(a and b run one after the other on one system, after an unmeasured warm-up burst); answers per
second from the first plan sent to the last answer's timestamp."""

from dataclasses import dataclass

from orderflow_bench import figures
from orderflow_bench.figures import CaseResult, median, ratio
from orderflow_bench.reservations import (
    FLASH_SKU,
    LOCATIONS,
    SPREAD_SKUS,
    ReservationFigures,
    bench_setup,
    burst,
    hot_load,
    split_stock,
    spread_load,
)
from orderflow_bench.row_lock import RowLockFigures, RowLockInventory
from orderflow_bench.system import BenchSession


@dataclass(frozen=True)
class FlashSaleFigures:
    service: ReservationFigures
    row_lock: RowLockFigures


def sizes(smoke: bool) -> tuple[int, int]:
    """Orders and units."""
    return (500, 50) if smoke else (10_000, 1_000)


async def flash_sale(session: BenchSession) -> FlashSaleFigures:
    orders, units = sizes(session.smoke)
    setup_file = bench_setup(session.log_dir)
    async with session.system(services=("inventory",), setup_file=setup_file) as system:
        service = await burst(system, hot_load(orders, units))
        if not session.smoke:  # a smoke run keeps the service for the inventory case
            system.services.stop()  # the baseline gets the machine as the service had it
        baseline = RowLockInventory(
            system.endpoints.bootstrap_servers, system.endpoints.postgres_url, session.partitions
        )
        await baseline.prepare(split_stock(FLASH_SKU, units, LOCATIONS))
        row_lock = await baseline.run(orders, timeout_s=orders / 50 + 60)
    return FlashSaleFigures(service, row_lock)


async def run_flash_sale(session: BenchSession) -> list[CaseResult]:
    orders, units = sizes(session.smoke)
    session.say(
        f"flash sale: {orders:,} orders for {units:,} units of one SKU at two locations,"
        f" inventory service vs one row-lock transaction per order, x {session.repeats}"
    )
    runs = [await flash_sale(session) for _ in range(session.repeats)]
    service_rates = [r.service.per_second for r in runs]
    row_lock_rates = [r.row_lock.per_second for r in runs]
    times_faster = ratio(median(service_rates), median(row_lock_rates))
    oversold = max(r.service.oversold_units for r in runs)
    last = runs[-1]
    service = CaseResult(
        "flash sale: inventory service",
        "answers/s",
        service_rates,
        {"answers": last.service.answers, **last.service.details},
        [
            figures.FLASH_RATE.check(median(service_rates)),
            figures.FLASH_VS_ROW_LOCK.check(times_faster),
            figures.OVERSOLD.check(oversold),
        ],
    )
    baseline = CaseResult(
        "flash sale: row-lock baseline",
        "answers/s",
        row_lock_rates,
        {
            "answers": last.row_lock.answers,
            "oversold_units": last.row_lock.oversold_units,
            **last.row_lock.details,
            "service_vs_row_lock": None if times_faster is None else round(times_faster, 2),
            "how": "consumes the same routing.plans records; 4 connections; 1 tx per order",
        },
    )
    return [service, baseline]


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
    worst = max(r.oversold_units for r in runs)
    return CaseResult(
        case,
        unit,
        [r.per_second for r in runs],
        {"answers": runs[-1].answers, **runs[-1].details},
        [figures.OVERSOLD.check(worst)],
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
        [figures.HOT_WITHIN_2X_OF_SPREAD.check(median(ratios) if ratios else None)],
    )


async def run_inventory(session: BenchSession) -> list[CaseResult]:
    orders, units = sizes(session.smoke)
    session.say(
        f"inventory: bursts of {orders:,} one-unit plans, (a) over {len(SPREAD_SKUS):,} SKUs with ample"
        f" stock, (b) for one SKU with {units:,} units; x {session.repeats}"
    )
    pairs = [await measure_pair(session, orders, units) for _ in range(session.repeats)]
    return [
        _result(
            f"inventory: {len(SPREAD_SKUS):,} SKUs (burst)",
            "reservations/s",
            [p.spread for p in pairs],
        ),
        _result("inventory: one hot SKU (burst)", "answers/s", [p.hot for p in pairs]),
        _ratio_result(pairs),
    ]
