"""Case 5, the flash sale: many one-unit orders for one SKU whose few units sit at two
locations, sent to the inventory service alone as ShipmentsPlanned (as routing would send
them); answers per second and oversold units, beside the same plans answered by the row-lock
baseline (row_lock.py) on the same PostgreSQL and broker, once the service has stopped."""

from dataclasses import dataclass

from orderflow_devstack.bench import targets
from orderflow_devstack.bench.plans import FLASH_SKU, LOCATIONS, bench_setup, split_stock
from orderflow_devstack.bench.reservations import ReservationFigures, burst, hot_load
from orderflow_devstack.bench.results import CaseResult
from orderflow_devstack.bench.row_lock import RowLockFigures, RowLockInventory
from orderflow_devstack.bench.session import BenchSession
from orderflow_devstack.bench.stats import median, ratio


@dataclass(frozen=True)
class FlashSaleFigures:
    service: ReservationFigures
    row_lock: RowLockFigures | None


def sizes(smoke: bool) -> tuple[int, int]:
    """Orders and units."""
    return (500, 50) if smoke else (10_000, 1_000)


async def flash_sale(session: BenchSession, with_baseline: bool = True) -> FlashSaleFigures:
    orders, units = sizes(session.smoke)
    setup_file = bench_setup(session.log_dir)
    async with session.system(services=("inventory",), setup_file=setup_file) as system:
        service = await burst(system, hot_load(orders, units))
        if not with_baseline:
            return FlashSaleFigures(service, None)
        if not session.smoke:  # a smoke run keeps the service for the inventory case
            system.services.stop()  # the baseline gets the machine as the service had it
        baseline = RowLockInventory(
            system.endpoints.bootstrap_servers, system.endpoints.postgres_url, session.partitions
        )
        await baseline.prepare(split_stock(FLASH_SKU, units, LOCATIONS))
        row_lock = await baseline.run(orders, timeout_s=orders / 50 + 60)
    return FlashSaleFigures(service, row_lock)


async def run(session: BenchSession) -> list[CaseResult]:
    orders, units = sizes(session.smoke)
    session.say(
        f"flash sale: {orders:,} orders for {units:,} units of one SKU at two locations,"
        f" inventory service vs one row-lock transaction per order, x {session.repeats}"
    )
    runs = [await flash_sale(session) for _ in range(session.repeats)]
    service_rates = [r.service.per_second for r in runs]
    row_lock_rates = [r.row_lock.per_second for r in runs if r.row_lock]
    times_faster = ratio(median(service_rates), median(row_lock_rates))
    oversold = max((r.service.oversold_units for r in runs), key=lambda u: -1 if u is None else u)
    last = runs[-1]
    service = CaseResult(
        "flash sale: inventory service",
        "answers/s",
        service_rates,
        {"answers": last.service.answers, **last.service.details},
        [
            targets.FLASH_RATE.check(median(service_rates)),
            targets.FLASH_VS_ROW_LOCK.check(times_faster),
            targets.OVERSOLD.check(oversold),
        ],
    )
    baseline = CaseResult(
        "flash sale: row-lock baseline",
        "answers/s",
        row_lock_rates,
        {
            "answers": last.row_lock.answers if last.row_lock else {},
            "oversold_units": last.row_lock.oversold_units if last.row_lock else None,
            **(last.row_lock.details if last.row_lock else {}),
            "service_vs_row_lock": None if times_faster is None else round(times_faster, 2),
            "how": "consumes the same routing.plans records; 4 connections; 1 tx per order",
        },
    )
    return [service, baseline]
