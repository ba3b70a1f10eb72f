"""Driving the inventory service alone through its topics, for the flash-sale and inventory
cases: routing's output made by the bench (ShipmentsPlanned built the way routing builds them,
one PlannedShipment per location, a shipment id derived from order, attempt and location),
opening stock on warehouse.stock, the plans published at once on routing.plans, and every
answer counted on inventory.reservations until each order has one. Oversold units are read
from inventory's database at the end and from the StockReserved events themselves."""

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from orderflow_contracts import Envelope, topics
from orderflow_contracts.order import Address, OrderLine
from orderflow_contracts.routing import PlannedShipment, ShipmentsPlanned
from orderflow_contracts.setup import Product, SellerSetup
from orderflow_contracts.warehouse import StockReceived
from orderflow_devstack.stack import DEMO_SELLER_SETUP
from orderflow_simulators.bus import PartnerBus

from orderflow_bench.figures import steady_rate
from orderflow_bench.load import TopicWatch, wait_for
from orderflow_bench.meter import CpuUse, cpu_between
from orderflow_bench.system import System

FLASH_SKU = "FLASH-DEAL-1"
LOCATIONS = ["us-ontario", "de-3pl"]
SPREAD_SKUS = [f"BENCH-{number:04d}" for number in range(1_000)]
_SHIPMENTS = uuid.UUID("5d0c3a8e-6f0b-4d7e-9a51-0be4c3f2a7d1")
_SHIP_TO = Address(name="Ada Lovelace", line1="500 Congress Ave", city="Austin", country="US")


def bench_setup(folder: Path) -> Path:
    """The demo seller plus the bench's SKUs, at the bench's two locations only: inventory
    holds stock events for SKUs its catalog does not know."""
    skus, location_ids = [FLASH_SKU, *SPREAD_SKUS], LOCATIONS
    demo = SellerSetup.load(DEMO_SELLER_SETUP)
    setup = demo.model_copy(
        update={
            "products": demo.products + tuple(Product(sku=sku, weight_grams=300) for sku in skus),
            "locations": tuple(loc for loc in demo.locations if loc.location_id in location_ids),
        }
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench-seller.json"
    path.write_text(setup.model_dump_json(indent=1))
    return path


def split_stock(sku: str, units: int, location_ids: list[str]) -> dict[tuple[str, str], int]:
    """`units` of one SKU spread as evenly as they go over the locations."""
    share, extra = divmod(units, len(location_ids))
    return {(sku, loc): share + (n < extra) for n, loc in enumerate(location_ids)}


def plan(sku: str, location_id: str, quantity: int = 1) -> ShipmentsPlanned:
    order_id = str(uuid.uuid4())
    return ShipmentsPlanned(
        order_id=order_id,
        channel="shopify",
        external_id=order_id[:13],
        attempt=1,
        ship_to=_SHIP_TO,
        shipments=(
            PlannedShipment(
                shipment_id=str(uuid.uuid5(_SHIPMENTS, f"{order_id}/1/{location_id}")),
                location_id=location_id,
                carrier="usps",
                service="ground-advantage",
                cost="5.30",
                lines=(OrderLine(sku=sku, quantity=quantity),),
            ),
        ),
    )


def encoded(planned: ShipmentsPlanned) -> bytes:
    return Envelope.wrap(planned, source="routing", correlation_id=planned.order_id).to_bytes()


async def publish_plans(bus: PartnerBus, plans: list[bytes], order_ids: list[str]) -> None:
    """Encoded beforehand, so publishing is as fast as the producer goes."""
    for order_id, value in zip(order_ids, plans, strict=True):
        await bus.publish_raw(topics.ROUTING_PLANS, order_id, value)
    await bus.flush()


async def receive_stock(bus: PartnerBus, stock: dict[tuple[str, str], int], reference: str) -> None:
    """One warehouse document: inventory applies a reference once."""
    for (sku, location_id), units in stock.items():
        await bus.publish(
            topics.WAREHOUSE_STOCK,
            sku,
            StockReceived(sku=sku, location_id=location_id, quantity=units, reference=reference),
        )
    await bus.flush()


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
    oversold_units: int  # the worse of the database's and the events' count
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


def spread_load(orders: int) -> Load:
    """One unit of each SKU in turn, the locations alternating every round of SKUs, so every
    (SKU, location) gets its share; stock for every order at every key, so it never runs out."""
    keys = [
        (SPREAD_SKUS[n % len(SPREAD_SKUS)], LOCATIONS[n // len(SPREAD_SKUS) % len(LOCATIONS)])
        for n in range(orders)
    ]
    stock = {(sku, location): orders for sku in SPREAD_SKUS for location in LOCATIONS}
    return Load(stock, [plan(sku, location) for sku, location in keys])


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
        topics=[topics.INVENTORY_RESERVATIONS, topics.INVENTORY_BACKORDERS],
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
