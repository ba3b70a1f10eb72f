"""Case `planning` (issue 16): the routing service alone, on synthetic networks of 3 locations
x 7 carrier services (the demo seller's size), 10 x 40 and 50 x 200, each with the same 20
SKUs, each held (500 units) or not (0) at each location, even odds, seeded, published as
inventory.levels for its replica: ample, so no burst runs a network's stock out and every
network routes what its lanes and stock allow. A burst of one- to three-line orders (OrderAccepted on `orders`, to 12 countries,
seeded) is published at once; every order's answer (ShipmentsPlanned or OrderUnroutable) is
counted on routing.plans. The figure is routing's own CPU (the process, from psutil) per order
answered: what planning costs, with its decode, database writes and decision record.

Its target: planning cost per order stays flat as the network grows, read as the CPU per order
at 50 x 200 within 1.5x of 10 x 40 (five times the locations and services; both beyond the
exact search's 8 locations, so both on the bounded heuristic). The 3 x 7 network is searched
exactly and shown beside them, with no target."""

import asyncio
import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
from orderflow_contracts import topics
from orderflow_contracts.intake import OrderAccepted
from orderflow_contracts.inventory import LocationLevel, StockLevelChanged
from orderflow_contracts.order import Address, CanonicalOrder, Customer, OrderLine
from orderflow_contracts.setup import Location, Product, Rate, SellerSetup

from orderflow_bench import figures
from orderflow_bench.figures import CaseResult, median, ratio
from orderflow_bench.load import TopicWatch, wait_for
from orderflow_bench.meter import cpu_between
from orderflow_bench.system import BenchSession, System

NETWORKS = ((3, 7), (10, 40), (50, 200))
SKUS = [f"PLAN-{n:02d}" for n in range(20)]
COUNTRIES = ["US", "CA", "DE", "FR", "GB", "NL", "SG", "MY", "TH", "JP", "AU", "BR"]
ANSWERS = ("ShipmentsPlanned", "OrderUnroutable")


def network_setup(folder: Path, locations: int, services: int) -> Path:
    """A seller with `locations` locations and `services` carrier services spread over them,
    each to 6 of the 12 countries, seeded by the network's size."""
    rnd = random.Random(locations * 1000 + services)
    sites = [
        Location(location_id=f"loc-{n:02d}", kind="3pl", country=COUNTRIES[n % len(COUNTRIES)])
        for n in range(locations)
    ]
    rates = [
        Rate(
            location_id=sites[n % locations].location_id,
            carrier=f"carrier-{n % 9}",
            service=f"service-{n}",
            countries=tuple(rnd.sample(COUNTRIES, 6)),
            max_weight_grams=30_000,
            base=Decimal(rnd.randint(3, 15)),
            per_kg=Decimal(rnd.randint(1, 8)),
        )
        for n in range(services)
    ]
    products = [Product(sku=sku, weight_grams=rnd.randint(50, 2000)) for sku in SKUS]
    setup = SellerSetup(locations=tuple(sites), rates=tuple(rates), products=tuple(products))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"bench-network-{locations}x{services}.json"
    path.write_text(setup.model_dump_json(indent=1))
    return path


def levels(setup: SellerSetup) -> list[StockLevelChanged]:
    rnd = random.Random(7)
    return [
        StockLevelChanged(
            sku=sku,
            locations=tuple(
                LocationLevel(location_id=loc.location_id, on_hand=u, reserved=0, available=u)
                for loc in setup.locations
                for u in [rnd.choice([0, 500])]
            ),
        )
        for sku in SKUS
    ]


def orders(count: int) -> list[OrderAccepted]:
    rnd = random.Random(11)
    run = uuid.uuid4().hex[:8]  # a kept smoke system has planned an earlier burst's ids
    return [
        OrderAccepted(
            order=CanonicalOrder(
                order_id=f"plan-{run}-{n}",
                channel="shopify",
                external_id=f"{run}-{n}",
                customer=Customer(name="Ada"),
                ship_to=Address(name="Ada", line1="1 Main St", country=rnd.choice(COUNTRIES)),
                lines=tuple(
                    OrderLine(sku=sku, quantity=rnd.randint(1, 2), unit_price=Decimal(10))
                    for sku in rnd.sample(SKUS, rnd.randint(1, 3))
                ),
                placed_at=datetime.now(UTC),
            )
        )
        for n in range(count)
    ]


async def stock_replica(system: System, setup: SellerSetup) -> None:
    """The levels published, and waited for in routing's replica."""
    for level in levels(setup):
        await system.bus.publish(topics.INVENTORY_LEVELS, level.sku, level)
    await system.bus.flush()
    rows = len(SKUS) * len(setup.locations)
    conn = await asyncpg.connect(system.endpoints.database_url("routing"))
    try:
        deadline = time.monotonic() + 60
        while (
            await conn.fetchval(
                "SELECT count(*) FROM stock_replica WHERE sku = ANY($1::text[])", SKUS
            )
            < rows
        ):
            if time.monotonic() > deadline:
                raise RuntimeError("routing's replica did not take the bench's levels in 60 s")
            await asyncio.sleep(0.2)
    finally:
        await conn.close()


@dataclass
class Answered:
    expected: set[str]
    kinds: dict[str, int]
    last_s: float = 0.0

    def on_record(self, topic: str, body: dict[str, Any], timestamp_s: float) -> None:
        order_id = (body.get("payload") or {}).get("order_id")
        if body.get("type") in ANSWERS and order_id in self.expected:
            self.expected.discard(order_id)
            self.kinds[str(body["type"])] = self.kinds.get(str(body["type"]), 0) + 1
            self.last_s = max(self.last_s, timestamp_s)


@dataclass(frozen=True)
class PlanningFigures:
    cpu_ms_per_order: float
    orders_per_s: float
    details: dict[str, Any]


async def burst(system: System, count: int) -> PlanningFigures:
    accepted = orders(count)
    answered = Answered({a.order.order_id for a in accepted}, {})
    watch = TopicWatch(
        system.endpoints.bootstrap_servers,
        answered.on_record,
        topics=[topics.ROUTING_PLANS, topics.ROUTING_UNROUTABLE],
    )
    meter = system.meter()
    await watch.start()
    try:
        before, started = meter.snapshot(), time.time()
        for event in accepted:
            await system.bus.publish(topics.ORDERS, event.order.order_id, event)
        await system.bus.flush()
        if not await wait_for(lambda: not answered.expected, count / 20 + 60):
            raise RuntimeError(f"{len(answered.expected)} of {count} orders were not answered")
        cpu = cpu_between(before, meter.snapshot())
    finally:
        await watch.stop()
    routing_s = cpu.by_process.get("routing", 0.0)
    return PlanningFigures(
        routing_s / count * 1000,
        count / max(answered.last_s - started, 1e-6),
        {"answers": answered.kinds, "cpu_s": cpu.by_process},
    )


async def measure(session: BenchSession, locations: int, services: int) -> PlanningFigures:
    path = network_setup(session.log_dir, locations, services)
    setup = SellerSetup.load(path)
    async with session.system(services=("routing",), setup_file=path) as system:
        await stock_replica(system, setup)
        await burst(system, 50 if session.smoke else 200)  # warm-up: not measured
        await system.settle()
        return await burst(system, 200 if session.smoke else 2000)


async def run(session: BenchSession) -> list[CaseResult]:
    session.say(
        "planning: routing alone, CPU per order on networks of "
        + ", ".join(f"{loc} x {svc}" for loc, svc in NETWORKS)
        + f", x {session.repeats}"
    )
    runs: dict[tuple[int, int], list[PlanningFigures]] = {network: [] for network in NETWORKS}
    for _ in range(session.repeats):
        for network in NETWORKS:
            runs[network].append(await measure(session, *network))
    cpu = {network: median([r.cpu_ms_per_order for r in rs]) for network, rs in runs.items()}
    flat = ratio(cpu[(50, 200)], cpu[(10, 40)])
    return [
        CaseResult(
            f"planning: {loc} locations x {svc} services",
            "routing cpu ms/order",
            [r.cpu_ms_per_order for r in rs],
            {"orders_per_s": round(rs[-1].orders_per_s), **rs[-1].details}
            | (
                {"vs_10x40": None if flat is None else round(flat, 2)}
                if (loc, svc) == (50, 200)
                else {}
            ),
            [figures.PLANNING_FLAT.check(flat)] if (loc, svc) == (50, 200) else [],
        )
        for (loc, svc), rs in runs.items()
    ]
