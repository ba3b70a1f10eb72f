"""Driving the inventory service alone through its topics: opening stock on warehouse.stock,
ShipmentsPlanned on routing.plans, and every answer counted on inventory.reservations until
each order has one. Oversold units are read from inventory's database at the end and from the
StockReserved events themselves."""

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from orderflow_contracts import topics
from orderflow_contracts.routing import ShipmentsPlanned

from orderflow_devstack.bench.meter import CpuUse, cpu_between
from orderflow_devstack.bench.plans import (
    FLASH_SKU,
    LOCATIONS,
    encoded,
    plan,
    publish_plans,
    receive_stock,
    split_stock,
)
from orderflow_devstack.bench.stats import steady_rate
from orderflow_devstack.bench.system import System
from orderflow_devstack.bench.watch import TopicWatch, wait_for

ANSWERS = ("StockReserved", "ReservationRejected", "ReservationHeld", "OrderBackordered")


@dataclass
class Answers:
    """The first answer to each order, when it was stamped, and the units StockReserved took."""

    at: dict[str, float] = field(default_factory=dict)
    kinds: Counter[str] = field(default_factory=Counter)
    reserved_units: Counter[str] = field(default_factory=Counter)  # by SKU
    since: float = field(default_factory=time.time)  # older answers are an earlier case's

    def on_record(self, topic: str, body: dict[str, Any], timestamp_s: float) -> None:
        kind, payload = body.get("type"), body.get("payload") or {}
        if kind not in ANSWERS or timestamp_s < self.since:
            return
        order_id = payload["plan"]["order_id"] if kind == "StockReserved" else payload["order_id"]
        if order_id in self.at:
            return  # a redelivered answer: the consumer deduplicates, so must we
        self.at[order_id] = timestamp_s
        self.kinds[str(kind)] += 1
        if kind == "StockReserved":
            for shipment in payload["plan"]["shipments"]:
                for line in shipment["lines"]:
                    self.reserved_units[line["sku"]] += line["quantity"]

    @property
    def count(self) -> int:
        return len(self.at)


@dataclass(frozen=True)
class ReservationFigures:
    per_second: float
    answers: dict[str, int]
    oversold_units: int | None  # the worse of the database's and the events' count
    details: dict[str, Any]


async def oversold_in_database(database_url: str, skus: list[str]) -> dict[str, int] | str:
    """Units reserved beyond on hand, row by row; a string when the schema cannot tell."""
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow(
            "SELECT coalesce(sum(on_hand), 0) AS on_hand, coalesce(sum(reserved), 0) AS reserved,"
            " coalesce(sum(greatest(reserved - on_hand, 0)), 0) AS oversold"
            " FROM stock WHERE sku = ANY($1::text[])",
            skus,
        )
    except asyncpg.PostgresError as error:
        return f"unreadable: {error!r}"
    finally:
        await conn.close()
    return {key: int(row[key]) for key in ("on_hand", "reserved", "oversold")}


def oversold_by_events(answers: Answers, seeded: dict[str, int]) -> int:
    return sum(max(0, answers.reserved_units[sku] - units) for sku, units in seeded.items())


def _cpu_details(cpu: CpuUse, answered: int) -> dict[str, Any]:
    return {
        "cpu_s_per_1000_orders": round(cpu.system_s / answered * 1000, 2) if answered else None,
        "cpu_busy": f"machine {cpu.machine_busy_share:.0%}, ours {cpu.ours_share:.0%}",
        "cpu_s": cpu.by_process,
    }


Key = tuple[str, str]  # (sku, location_id)


@dataclass(frozen=True)
class Load:
    stock: dict[Key, int]  # received before the burst
    plans: list[ShipmentsPlanned]


def hot_load(orders: int, units: int) -> Load:
    """The flash sale: one SKU, `units` of it split over the locations, the plans alternating."""
    plans = [plan(FLASH_SKU, LOCATIONS[n % len(LOCATIONS)]) for n in range(orders)]
    return Load(split_stock(FLASH_SKU, units, LOCATIONS), plans)


async def seed(system: System, stock: dict[Key, int]) -> dict[str, int]:
    """Receive the stock under a reference of its own (a kept smoke system has seen the bench's
    earlier receipts, and a warehouse document applies once), wait until the ledger shows every
    receipt, and return what each SKU has free at the start."""
    reference = f"bench-{uuid.uuid4().hex[:12]}"
    await receive_stock(system.bus, stock, reference)
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
        cpu, rss = cpu_between(before, meter.snapshot()), meter.rss_mb()
    finally:
        await watch.stop()
    figures = await _figures(system, answers, started, free)
    figures.details.update(_cpu_details(cpu, answers.count) | {"rss_mb": rss})
    return figures


async def _figures(
    system: System, answers: Answers, started: float, free: dict[str, int]
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
    }
    worst = by_events if in_database is None else max(by_events, in_database)
    return ReservationFigures(
        answers.count / (max(times) - started), dict(answers.kinds), worst, details
    )
