"""Issue 3's inventory case: the inventory service alone, reservations per second for (a)
one-unit orders spread evenly over 1,000 SKUs (stock never runs out, a closed loop through a
warm-up and a measured window) and (b) the flash sale's hot SKU (shared with flash_sale.py:
reused when that case ran in the same bench), each with its oversold units."""

from orderflow_devstack.bench import targets
from orderflow_devstack.bench.flash_sale import flash_sale
from orderflow_devstack.bench.plans import LOCATIONS, SPREAD_SKUS, bench_setup
from orderflow_devstack.bench.reservations import ReservationFigures, spread_flow
from orderflow_devstack.bench.results import CaseResult
from orderflow_devstack.bench.session import BenchSession

SKUS = len(SPREAD_SKUS)


async def spread(session: BenchSession) -> ReservationFigures:
    setup_file = bench_setup(session.log_dir)
    async with session.system(services=("inventory",), setup_file=setup_file) as system:
        return await spread_flow(system, SPREAD_SKUS, LOCATIONS, session.duration)


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


async def run(session: BenchSession) -> list[CaseResult]:
    duration = session.duration
    session.say(
        f"inventory: one-unit orders over {SKUS:,} SKUs, {duration.measure_s:.0f} s measured"
        f" x {session.repeats}; then the hot SKU"
    )
    spread_runs = [await spread(session) for _ in range(session.repeats)]
    hot_runs: list[ReservationFigures] = session.shared.get("flash_sale_service", [])
    if not hot_runs:
        hot_runs = [
            (await flash_sale(session, with_baseline=False)).service for _ in range(session.repeats)
        ]
    return [
        _result(f"inventory: {SKUS:,} SKUs", "reservations/s", spread_runs),
        _result("inventory: one hot SKU (flash sale)", "answers/s", hot_runs),
    ]
