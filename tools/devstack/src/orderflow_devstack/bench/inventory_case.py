"""Issue 3's inventory case: the inventory service alone, reservations per second for (a) one-unit
orders spread evenly over 1,000 SKUs with ample stock and (b) the flash sale's hot SKU (its few
units at two locations, most orders rejected), each with its oversold units, and the ratio hot /
spread (aim: within 2x).

Both are measured the same way, by one function on the same service: an open burst of the same N
plans, encoded beforehand and published at once, answered by the same inventory instance (a and
b run one after the other on one system, after an unmeasured warm-up burst); answers per second
from the first plan sent to the last answer's timestamp."""

import asyncio
import time
import uuid
from dataclasses import dataclass

import asyncpg
from orderflow_contracts import topics
from orderflow_contracts.routing import ShipmentsPlanned
from orderflow_contracts.warehouse import StockReceived

from orderflow_devstack.bench import targets
from orderflow_devstack.bench.flash_sale import sizes
from orderflow_devstack.bench.meter import cpu_between
from orderflow_devstack.bench.plans import (
    FLASH_SKU,
    LOCATIONS,
    SPREAD_SKUS,
    bench_setup,
    encoded,
    plan,
    publish_plans,
    split_stock,
)
from orderflow_devstack.bench.reservations import (
    Answers,
    ReservationFigures,
    oversold_by_events,
    oversold_in_database,
)
from orderflow_devstack.bench.results import CaseResult
from orderflow_devstack.bench.session import BenchSession
from orderflow_devstack.bench.stats import median, ratio, steady_rate
from orderflow_devstack.bench.system import System
from orderflow_devstack.bench.watch import TopicWatch, wait_for

SKUS = len(SPREAD_SKUS)
HOT_WITHIN_2X_OF_SPREAD = targets.Target("hot / spread", ">=", 0.5)
Key = tuple[str, str]


@dataclass(frozen=True)
class Load:
    stock: dict[Key, int]  # received before the burst
    plans: list[ShipmentsPlanned]


def spread_load(orders: int) -> Load:
    """One unit of each SKU in turn, the locations alternating every round of SKUs, so every
    (SKU, location) gets its share; stock for every order at every key, so it never runs out."""
    keys = [(SPREAD_SKUS[n % SKUS], LOCATIONS[n // SKUS % len(LOCATIONS)]) for n in range(orders)]
    stock = {(sku, location): orders for sku in SPREAD_SKUS for location in LOCATIONS}
    return Load(stock, [plan(sku, location) for sku, location in keys])


def hot_load(orders: int, units: int) -> Load:
    """The flash sale: one SKU, `units` of it split over the locations, the plans alternating."""
    plans = [plan(FLASH_SKU, LOCATIONS[n % len(LOCATIONS)]) for n in range(orders)]
    return Load(split_stock(FLASH_SKU, units, LOCATIONS), plans)


async def seed(system: System, stock: dict[Key, int]) -> dict[str, int]:
    """Receive the stock under a reference of its own (a kept smoke system has seen the bench's
    earlier receipts, and a warehouse document applies once), wait until the ledger shows every
    receipt, and return what each SKU has free at the start."""
    reference = f"bench-{uuid.uuid4().hex[:12]}"
    for (sku, location_id), units in stock.items():
        receipt = StockReceived(
            sku=sku, location_id=location_id, quantity=units, reference=reference
        )
        await system.bus.publish(topics.WAREHOUSE_STOCK, sku, receipt)
    await system.bus.flush()
    conn = await asyncpg.connect(system.endpoints.database_url("inventory"))
    try:
        deadline = time.monotonic() + 120
        while await _receipts(conn, reference) < len(stock):
            if time.monotonic() > deadline:
                raise RuntimeError("inventory did not take the opening stock in 120 s")
            await asyncio.sleep(0.2)
        rows = await conn.fetch(
            "SELECT sku, sum(on_hand - reserved)::int AS free FROM stock"
            " WHERE sku = ANY($1::text[]) GROUP BY sku",
            sorted({sku for sku, _ in stock}),
        )
    finally:
        await conn.close()
    return {row["sku"]: row["free"] for row in rows}


async def _receipts(conn: asyncpg.Connection, reference: str) -> int:
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM movements WHERE kind = 'receipt' AND reference = $1", reference
        )
    )


async def burst(system: System, load: Load) -> ReservationFigures:
    """The load's plans published at once; answers per second from the first plan's publishing
    to the last answer's timestamp (the service answers in batches: a percentile window of
    answer times would flatter it, so the 10-90% rate is only shown beside it)."""
    free = await seed(system, load.stock)
    values, order_ids = [encoded(p) for p in load.plans], [p.order_id for p in load.plans]
    answers = Answers()
    watch = TopicWatch(
        system.endpoints.bootstrap_servers,
        answers.on_record,
        topics=[topics.INVENTORY_RESERVATIONS],
    )
    meter = system.meter()
    await watch.start()
    try:
        before, started = meter.snapshot(), time.time()
        await publish_plans(system.bus, values, order_ids)
        if not await wait_for(lambda: answers.count >= len(values), len(values) / 100 + 60):
            raise RuntimeError(f"only {answers.count} of {len(values)} plans were answered")
        cpu = cpu_between(before, meter.snapshot())
    finally:
        await watch.stop()
    return await _figures(system, answers, started, free, cpu.system_s)


async def _figures(
    system: System, answers: Answers, started: float, free: dict[str, int], cpu_s: float
) -> ReservationFigures:
    database = await oversold_in_database(system.endpoints.database_url("inventory"), list(free))
    by_events = oversold_by_events(answers, free)
    in_database = database["oversold"] if isinstance(database, dict) else None
    times = list(answers.at.values())
    details = {
        "orders": answers.count,
        "units_free_at_start": sum(free.values()),
        "reserved_units_by_events": sum(answers.reserved_units.values()),
        "oversold_by_events": by_events,
        "oversold_in_database": database,
        "steady_10_90_per_s": round(steady_rate(times)),
        "cpu_s_per_1000_orders": round(cpu_s / answers.count * 1000, 2),
    }
    worst = by_events if in_database is None else max(by_events, in_database)
    return ReservationFigures(
        answers.count / (max(times) - started), dict(answers.kinds), worst, details
    )


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
