"""Case 4, latency at a fixed load: marketplace orders at a steady rate (100/s), all five
services; the time from an order's marketplace.orders record timestamp (CreateTime, stamped
when the marketplace's producer sent it) to the timestamp of its first pick-task record
(stamped when fulfillment's relay sent it), for the orders received in the measured window.
The Observer of `orderflow run` does the matching by correlation id."""

import asyncio
import contextlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from orderflow_devstack.bench import targets
from orderflow_devstack.bench.load import UniqueBuyers, Window, steady
from orderflow_devstack.bench.meter import cpu_between
from orderflow_devstack.bench.results import CaseResult
from orderflow_devstack.bench.session import BenchSession
from orderflow_devstack.bench.stats import latency_summary, median, percentile
from orderflow_devstack.bench.watch import wait_while_progressing
from orderflow_devstack.observer import HOP_ORDER, Observer
from orderflow_devstack.processes import ServiceProcesses
from orderflow_devstack.stack import SERVICES

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
            window = await steady(marketplace, warmup_s, measure_s)
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


async def run(session: BenchSession) -> list[CaseResult]:
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
            [targets.LATENCY_P99.check(median(p99s))],
        )
    ]
