"""Driving the inventory service alone through its topics: opening stock on warehouse.stock,
ShipmentsPlanned on routing.plans, and every answer counted on inventory.reservations until
each order has one. Oversold units are read from inventory's database at the end and from the
StockReserved events themselves."""

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from orderflow_contracts import topics

from orderflow_devstack.bench.meter import CpuUse, cpu_between
from orderflow_devstack.bench.plans import (
    FLASH_SKU,
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


async def _seed(system: System, stock: dict[tuple[str, str], int]) -> dict[str, int]:
    await receive_stock(system.bus, stock)
    skus = sorted({sku for sku, _ in stock})
    await system.wait_for_stock(skus, len(stock), min(stock.values()))
    seeded: Counter[str] = Counter()
    for (sku, _), units in stock.items():
        seeded[sku] += units
    return dict(seeded)


async def _verdict_inputs(
    system: System, answers: Answers, seeded: dict[str, int]
) -> tuple[int | None, dict[str, Any]]:
    database = await oversold_in_database(system.endpoints.database_url("inventory"), list(seeded))
    by_events = oversold_by_events(answers, seeded)
    in_database = database["oversold"] if isinstance(database, dict) else None
    worst = by_events if in_database is None else max(by_events, in_database)
    details = {
        "stock_seeded": sum(seeded.values()),
        "reserved_units_by_events": sum(answers.reserved_units.values()),
        "oversold_by_events": by_events,
        "inventory_db_stock": database,
    }
    return worst, details


def _cpu_details(cpu: CpuUse, answered: int) -> dict[str, Any]:
    return {
        "cpu_s_per_1000_orders": round(cpu.system_s / answered * 1000, 2) if answered else None,
        "cpu_busy": f"machine {cpu.machine_busy_share:.0%}, ours {cpu.ours_share:.0%}",
        "cpu_s": cpu.by_process,
    }


async def hot_sku_burst(
    system: System, orders: int, units: int, location_ids: list[str]
) -> ReservationFigures:
    """`orders` one-unit plans for one SKU stocked with `units` split over the locations, the
    plans alternating between them, published all at once; answers per second from the first
    plan's publishing to the last answer's timestamp (the service answers in batches, so a
    percentile window of answer times would flatter it)."""
    seeded = await _seed(system, split_stock(FLASH_SKU, units, location_ids))
    planned = [plan(FLASH_SKU, location_ids[n % len(location_ids)]) for n in range(orders)]
    values = [encoded(p) for p in planned]
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
        await publish_plans(system.bus, values, [p.order_id for p in planned])
        if not await wait_for(lambda: answers.count >= orders, timeout_s=orders / 100 + 60):
            raise RuntimeError(f"only {answers.count} of {orders} plans were answered")
        after, rss = meter.snapshot(), meter.rss_mb()
    finally:
        await watch.stop()
    worst, details = await _verdict_inputs(system, answers, seeded)
    details |= _cpu_details(cpu_between(before, after), answers.count) | {"rss_mb": rss}
    rate = answers.count / (max(answers.at.values()) - started)
    details["steady_10_90_per_s"] = round(steady_rate(list(answers.at.values())))
    return ReservationFigures(rate, dict(answers.kinds), worst, details)
