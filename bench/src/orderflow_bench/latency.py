"""Case `latency`, at a fixed load: marketplace orders at a steady rate (100/s), all five
services; the time from an order's marketplace.orders record timestamp (CreateTime, stamped
when the marketplace's producer sent it) to the timestamp of its first pick-task record
(stamped when fulfillment's relay sent it), for the orders received in the measured window.
The Observer of `orderflow run` does the matching by correlation id.

Case `hops`: where that time goes when the machine is nearly idle (5 orders/s, the services
logging at debug level). After the window every record is read from the start, and each
service's hop is split at its `event.read` log line (written as soon as a fetched record is
decoded) into *delivery*, from the stamp of the record the service consumes (when the previous
service's relay sent it) to `event.read`: the producer's linger, the broker and the fetch; and
*work*, from `event.read` to the stamp of the record it emits: inbox, handler, commit, relay.
It also gives what an order costs: each process's CPU beyond what it spent in 10 s idle before
the load, per order. That is the figure to compare changes by: at 100 orders/s the cores are
full whatever the cost, and the CPU per order there is the batching they force."""

import asyncio
import contextlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from orderflow_contracts import topics
from orderflow_devstack.observer import HOP_ORDER, HOPS, Observer
from orderflow_devstack.processes import ServiceProcesses
from orderflow_devstack.stack import SERVICES

from orderflow_bench import figures
from orderflow_bench.figures import CaseResult, latency_summary, median, percentile
from orderflow_bench.load import TopicWatch, UniqueBuyers, Window, steady, wait_while_progressing
from orderflow_bench.meter import CpuUse, cpu_between
from orderflow_bench.system import BenchSession

RATE = 100.0


@dataclass(frozen=True)
class LatencyFigures:
    latencies_ms: dict[str, float]  # p50, p95, p99, max
    orders_in_window: int
    measured: int  # of those, how many got a pick task (the others count as infinitely late)
    details: dict[str, Any]


async def latency_at_rate(
    session: BenchSession, rate: float, warmup_s: float, measure_s: float
) -> LatencyFigures:
    async with session.system() as system:
        await system.receive_stock(1_000_000)
        observer = Observer(system.endpoints.bootstrap_servers, received_at_record_time=True)
        watching = asyncio.create_task(observer.run())
        meter = system.meter()
        try:
            marketplace = UniqueBuyers(system.bus, system.setup, rate)
            before = meter.snapshot()
            window = await steady(marketplace, warmup_s, measure_s, halfway=system.analyze)
            after, rss = meter.snapshot(), meter.rss_mb()
            fetch_waits = fetch_waits_of(system.services)

            def in_window() -> list[float]:
                return received_in(window, observer.journey.latency_samples)

            # Slower than the rate, the system drains a backlog after the window: wait for it.
            await wait_while_progressing(
                lambda: len(in_window()), window.published, stall_s=15, limit_s=300
            )
        finally:
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching
    samples = in_window()
    hops = received_in(window, observer.journey.hop_samples)
    if not samples:
        raise RuntimeError("no order received in the window got a pick task; see the logs")
    cpu = cpu_between(before, after)
    # An order that never got its pick task counts as infinitely late, not as absent.
    missing = [math.inf] * max(0, window.published - len(samples))
    return LatencyFigures(
        latencies_ms={k: round(v, 1) for k, v in latency_summary(samples + missing).items()},
        orders_in_window=window.published,
        measured=len(samples),
        details={
            "achieved_rate": round(window.published / window.seconds, 1),
            "cpu_s_per_1000_orders": round(cpu.system_s / marketplace.published * 1000, 1),
            "cpu_busy": f"machine {cpu.machine_busy_share:.0%}, ours {cpu.ours_share:.0%}",
            "cpu_s": cpu.by_process,
            "rss_mb": rss,
            "hop_p50_p99_ms": hop_summary(hops),
            "services_fetch_max_wait_ms": fetch_waits,
        },
    )


def fetch_waits_of(services: ServiceProcesses) -> int | dict[str, int]:
    """One figure when every service waits the same, else each service's."""
    waits = {name: services.fetch_max_wait_ms_of(name) for name in SERVICES}
    distinct = set(waits.values())
    return distinct.pop() if len(distinct) == 1 else waits


T = TypeVar("T")


def received_in(window: Window, samples: Iterable[tuple[float, T]]) -> list[T]:
    """The samples of orders received in the window. Kafka stamps records in whole
    milliseconds, rounded down: an order sent in the window's first millisecond can carry a
    stamp just before its start, and must still count (or it would count as never done)."""
    start_s = math.floor(window.start_s * 1000) / 1000
    return [sample for received, sample in samples if start_s <= received < window.end_s]


def hop_summary(hops: list[dict[str, float]]) -> dict[str, str]:
    """Per service: from the record it consumed to the record it emitted (fetch wait,
    transaction, relay), p50 / p99."""
    return {
        hop: f"{percentile(d, 0.5):.0f} / {percentile(d, 0.99):.0f}"
        for hop in HOP_ORDER
        if (d := [h[hop] for h in hops])
    }


async def run_latency(session: BenchSession) -> list[CaseResult]:
    warmup_s, measure_s = (1.0, 2.0) if session.smoke else (5.0, 60.0)
    session.say(
        f"latency: {RATE:.0f} orders/s for {measure_s:.0f} s after {warmup_s:.0f} s warm-up"
        f" x {session.repeats}, order received to first pick task"
    )
    runs = [
        await latency_at_rate(session, RATE, warmup_s, measure_s) for _ in range(session.repeats)
    ]
    p99s = [r.latencies_ms["p99_ms"] for r in runs]
    last = runs[-1]
    details = {
        "latency_ms_last_run": last.latencies_ms,
        "p50_ms_each_run": [r.latencies_ms["p50_ms"] for r in runs],
        "measured": f"{last.measured:,} of {last.orders_in_window:,} orders in the window",
        **last.details,
    }
    return [
        CaseResult(
            f"latency at {RATE:.0f}/s: received to pick task p99",
            "ms",
            p99s,
            details,
            [figures.LATENCY_P99.check(median(p99s))],
        )
    ]


HOPS_RATE = 5.0
# The record that ends each hop, by envelope type (a pick task by its topic), and the order's
# first record, which starts the first hop; what each service reads on the way.
HOP_END = {"MarketplaceOrderPublished": "received", **HOPS}
CONSUMES = {
    "intake": "MarketplaceOrderPublished",
    "routing": "OrderAccepted",
    "inventory": "ShipmentsPlanned",
    "fulfillment": "StockReserved",
}
_PICK_TASKS = re.compile(topics.PICK_TASKS_PATTERN)


@dataclass(frozen=True)
class HopFigures:
    totals_ms: list[float]  # received to pick task, per order
    delivery_ms: dict[str, list[float]]
    work_ms: dict[str, list[float]]
    broker_core_share: float
    cpu_ms_per_order: dict[str, float]  # beyond idle, by process, and "system"


async def record_stamps(bootstrap_servers: str, orders: int) -> dict[str, dict[str, float]]:
    """correlation id -> hop -> the stamp (ms) of the first record that ended it, read from the
    start once the load is over (a watch polling during it would cost the broker CPU), until
    every order has its pick task or the reading stalls."""
    stamps: dict[str, dict[str, float]] = {}

    def on_record(topic: str, body: dict[str, Any], timestamp_s: float) -> None:
        hop = "fulfillment" if _PICK_TASKS.fullmatch(topic) else HOP_END.get(body.get("type", ""))
        if hop and (correlation_id := body.get("correlation_id")):
            stamps.setdefault(correlation_id, {}).setdefault(hop, timestamp_s * 1000)

    watch = TopicWatch(bootstrap_servers, on_record, pattern="[a-z].*")
    await watch.start()
    try:
        picked = lambda: sum("fulfillment" in ends for ends in stamps.values())  # noqa: E731
        await wait_while_progressing(picked, orders, stall_s=10, limit_s=120)
    finally:
        await watch.stop()
    return stamps


def read_at(log: Path, offset: int, consumes: str) -> dict[str, float]:
    """correlation id -> when the service first read the event it handles on the way (epoch ms),
    from the service's log after `offset` (the bench's service logs are appended to)."""
    first: dict[str, float] = {}
    with log.open("rb") as lines:
        lines.seek(offset)
        for line in lines:
            if b'"event.read"' not in line:
                continue
            entry = json.loads(line)
            if entry["event_type"] == consumes:
                at = datetime.fromisoformat(entry["timestamp"].replace("Z", "+00:00"))
                first.setdefault(entry["correlation_id"], at.timestamp() * 1000)
    return first


def split_hops(
    window: Window, stamps: dict[str, dict[str, float]], read: dict[str, dict[str, float]]
) -> tuple[list[float], dict[str, list[float]], dict[str, list[float]]]:
    """For the orders received in the window: received to pick task, and each hop's delivery
    and work (a hop whose read is missing ends the order's split there)."""
    delivery: dict[str, list[float]] = {hop: [] for hop in HOP_ORDER}
    work: dict[str, list[float]] = {hop: [] for hop in HOP_ORDER}
    totals = []
    journeys = [
        (ends["received"] / 1000, (correlation_id, ends))
        for correlation_id, ends in stamps.items()
        if "received" in ends and "fulfillment" in ends
    ]
    for correlation_id, ends in received_in(window, journeys):
        totals.append(ends["fulfillment"] - ends["received"])
        previous = ends["received"]
        for hop in HOP_ORDER:
            if hop not in ends or correlation_id not in read[hop]:
                break
            delivery[hop].append(read[hop][correlation_id] - previous)
            work[hop].append(ends[hop] - read[hop][correlation_id])
            previous = ends[hop]
    return totals, delivery, work


def _log_sizes(log_dir: Path) -> dict[str, int]:
    return {hop: _size(log_dir / f"{hop}.log") for hop in HOP_ORDER}


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


async def hops_at_rate(
    session: BenchSession, rate: float, idle_s: float, warmup_s: float, measure_s: float
) -> HopFigures:
    offsets = _log_sizes(session.log_dir)
    async with session.system(log_level="DEBUG") as system:
        await system.receive_stock(1_000_000)
        meter = system.meter()
        idle_from = meter.snapshot()
        await asyncio.sleep(idle_s)
        before = meter.snapshot()
        idle = cpu_between(idle_from, before)
        marketplace = UniqueBuyers(system.bus, system.setup, rate)
        window = await steady(marketplace, warmup_s, measure_s, halfway=system.analyze)
        loaded = cpu_between(before, meter.snapshot())
        stamps = await record_stamps(system.endpoints.bootstrap_servers, marketplace.published)
    read = {
        hop: read_at(session.log_dir / f"{hop}.log", offsets[hop], CONSUMES[hop])
        for hop in HOP_ORDER
    }
    totals, delivery, work = split_hops(window, stamps, read)
    if not totals:
        raise RuntimeError("no order received in the window got a pick task; see the logs")
    return HopFigures(
        totals,
        delivery,
        work,
        loaded.by_process["broker"] / (warmup_s + measure_s),
        cost_per_order_ms(idle, idle_s, loaded, warmup_s + measure_s, marketplace.published),
    )


def cost_per_order_ms(
    idle: CpuUse, idle_s: float, loaded: CpuUse, loaded_s: float, orders: int
) -> dict[str, float]:
    """Each process's CPU per order beyond what it spends idle, ms, and the system's (the bench
    left out). At 100 orders/s the two cores are full, so CPU per order there is whatever
    batching the full cores force, not what an order costs; at 5/s every order goes alone."""
    beyond = {
        name: (loaded.by_process[name] - idle.by_process[name] * loaded_s / idle_s)
        * 1000
        / max(orders, 1)
        for name in loaded.by_process
        if name != "bench"
    }
    return {"system": round(sum(beyond.values()), 1)} | {
        name: round(ms, 1) for name, ms in beyond.items()
    }


def _p50_p90(values: list[float]) -> str:
    return f"{percentile(values, 0.5):.1f} / {percentile(values, 0.9):.1f}" if values else "-"


async def run_hops(session: BenchSession) -> list[CaseResult]:
    idle_s, warmup_s, measure_s = (1.0, 1.0, 3.0) if session.smoke else (10.0, 5.0, 25.0)
    session.say(
        f"hops: {HOPS_RATE:g} orders/s for {measure_s:.0f} s x {session.repeats}, services at"
        f" debug level, after {idle_s:.0f} s idle; each hop split into delivery and work, and"
        " the CPU an order costs beyond idle"
    )
    runs = [
        await hops_at_rate(session, HOPS_RATE, idle_s, warmup_s, measure_s)
        for _ in range(session.repeats)
    ]
    last = runs[-1]
    details: dict[str, Any] = {
        "p99_ms_each_run": [round(percentile(r.totals_ms, 0.99), 1) for r in runs],
        "measured": f"{len(last.totals_ms):,} orders received in the last window",
        "delivery_p50_p90_ms": {hop: _p50_p90(last.delivery_ms[hop]) for hop in HOP_ORDER},
        "work_p50_p90_ms": {hop: _p50_p90(last.work_ms[hop]) for hop in HOP_ORDER},
        "broker_share_of_a_core": f"{last.broker_core_share:.0%}",
        "cpu_ms_per_order_beyond_idle": last.cpu_ms_per_order,
        "system_cpu_ms_per_order_each_run": [r.cpu_ms_per_order["system"] for r in runs],
    }
    return [
        CaseResult(
            f"hops at {HOPS_RATE:g}/s: received to pick task p50",
            "ms",
            [percentile(r.totals_ms, 0.5) for r in runs],
            details,
        )
    ]
