"""The saturated run several cases share: marketplace orders as fast as the system absorbs
them, a warm-up, then a measured window in which orders are counted as done by a watch on the
topics, with CPU and memory of every process over the same window."""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from orderflow_devstack.bench.load import Source, UniqueBuyers, Window, flood
from orderflow_devstack.bench.meter import CpuUse, cpu_between
from orderflow_devstack.bench.stats import rate_in_window
from orderflow_devstack.bench.system import System
from orderflow_devstack.bench.watch import OnRecord, TopicWatch

FIRST_DONE_TIMEOUT_S = 90
MAX_STRETCH_S = 30


@dataclass(frozen=True)
class Duration:
    warmup_s: float
    measure_s: float
    in_flight: int = 2000


@dataclass
class Completions:
    """When each order (by key) was done: the record timestamp of its finishing event. Records
    stamped before `since` (an earlier case's, on a kept system) are not this case's."""

    done_at: dict[str, float] = field(default_factory=dict)
    since: float = field(default_factory=time.time)

    def finish(self, key: str, timestamp_s: float) -> None:
        if timestamp_s >= self.since:
            self.done_at.setdefault(key, timestamp_s)

    @property
    def count(self) -> int:
        return len(self.done_at)

    def done_between(self, start_s: float, end_s: float) -> int:
        return sum(1 for at in self.done_at.values() if start_s <= at < end_s)


@dataclass(frozen=True)
class Throughput:
    orders_per_second: float
    done_in_window: int
    window_s: float
    messages_per_order: float | None
    cpu: CpuUse
    rss_mb: dict[str, float]

    @property
    def cpu_s_per_1000_orders(self) -> float | None:
        if not self.done_in_window:
            return None
        return self.cpu.system_s / self.done_in_window * 1000

    def details(self) -> dict[str, Any]:
        driver = self.cpu.by_process.get("bench", 0.0)
        return {
            "done_in_window": f"{self.done_in_window:,} in {self.window_s:.0f} s",
            "messages_per_order": _round(self.messages_per_order, 2),
            "cpu_s_per_1000_orders": _round(self.cpu_s_per_1000_orders, 1),
            "bench_driver_cpu_s_per_1000": _round(
                driver / self.done_in_window * 1000 if self.done_in_window else None, 1
            ),
            "cpu_busy": f"machine {self.cpu.machine_busy_share:.0%}, ours {self.cpu.ours_share:.0%}",
            "cpu_s": self.cpu.by_process,
            "rss_mb": self.rss_mb,
        }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


async def warm_up(marketplace: Source, done: Callable[[], int], duration: Duration) -> None:
    """Load until the first order is done (the chain has filled: many hops under load can take
    seconds), then `warmup_s` more, so the window sees the steady state."""
    deadline = time.monotonic() + FIRST_DONE_TIMEOUT_S
    while not done() and time.monotonic() < deadline:
        await flood(marketplace, done, 0.5, duration.in_flight)
    if not done():
        raise RuntimeError(f"no order was done within {FIRST_DONE_TIMEOUT_S} s; see the logs")
    await flood(marketplace, done, duration.warmup_s, duration.in_flight)


async def _measure(marketplace: Source, completions: Completions, duration: Duration) -> Window:
    """The measured window; stretched (in 2 s steps, up to MAX_STRETCH_S) while no order was done
    in it at all: a stage can stall for seconds (one long batch), longer than a smoke window.
    The rate is over the whole window as it ended up, stall included."""
    done: Callable[[], int] = lambda: completions.count  # noqa: E731
    window = await flood(marketplace, done, duration.measure_s, duration.in_flight)
    while not completions.done_between(window.start_s, window.end_s):
        if window.seconds >= duration.measure_s + MAX_STRETCH_S:
            break
        more = await flood(marketplace, done, 2.0, duration.in_flight)
        window = Window(window.start_s, more.end_s, window.published + more.published)
    return window


async def saturate(
    system: System,
    duration: Duration,
    on_record: OnRecord,
    completions: Completions,
    *,
    topics: list[str] | None = None,
    pattern: str = "",
    emailed_only: bool = False,
) -> Throughput:
    watch = TopicWatch(
        system.endpoints.bootstrap_servers, on_record, topics=topics, pattern=pattern
    )
    marketplace = UniqueBuyers(system.bus, system.setup, emailed_only=emailed_only)
    meter = system.meter()
    done: Callable[[], int] = lambda: completions.count  # noqa: E731
    await watch.start()
    try:
        await warm_up(marketplace, done, duration)
        before, relayed_before = meter.snapshot(), await system.relayed()
        window = await _measure(marketplace, completions, duration)
        after, relayed_after = meter.snapshot(), await system.relayed()
        rss = meter.rss_mb()
        # Records stamped before the window's end may still be on their way to the watch.
        await watch.caught_up(window.end_s + 0.5, timeout_s=5)
    finally:
        await watch.stop()
    times = list(completions.done_at.values())
    rate = rate_in_window(times, window.start_s, window.end_s)
    done_in_window = round(rate * window.seconds)
    if not done_in_window:
        raise RuntimeError(f"no order was done in the {window.seconds:.0f} s window; see the logs")
    relayed = relayed_after - relayed_before
    return Throughput(
        orders_per_second=rate,
        done_in_window=done_in_window,
        window_s=window.seconds,
        messages_per_order=(relayed + window.published) / done_in_window
        if done_in_window
        else None,
        cpu=cpu_between(before, after),
        rss_mb=rss,
    )


async def stop_tasks(tasks: list[asyncio.Task[None]]) -> None:
    """Stop the partner tasks (simulated warehouse, carrier) a case ran beside its load."""
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
