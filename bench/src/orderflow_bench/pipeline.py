"""Case `pipeline`, order to pick task: marketplace orders as fast as the system absorbs them,
all five services as processes on the embedded broker and PostgreSQL; the sustained rate at
which orders get their first pick task, with messages per order, CPU and memory of every process.
Case `scale-out`: the same with two processes of every service in its consumer group, as a ratio
to one process each (the pipeline case's runs when it ran in the same bench, else run here);
what limits it is read off the CPU of the same window.

`saturate` is the saturated run these and the lifecycle case share: load as fast as the system
absorbs it, a warm-up until the first order is done, then a measured window in which orders
are counted as done by a watch on the topics."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psutil
from orderflow_contracts import topics

from orderflow_bench import figures
from orderflow_bench.figures import CaseResult, median, rate_in_window, ratio
from orderflow_bench.load import (
    Duration,
    OnRecord,
    TopicWatch,
    UniqueBuyers,
    Window,
    flood,
    records_by_topic,
)
from orderflow_bench.meter import CpuUse, cpu_between
from orderflow_bench.system import BenchSession, System

FIRST_DONE_TIMEOUT_S = 90
MAX_STRETCH_S = 30
INSTANCES = 2  # of each service, in scale-out


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
    """A saturated run's figures; `saturate` raises rather than return one with no order done."""

    orders_per_second: float
    done_in_window: int
    window_s: float
    messages_per_order: float
    cpu: CpuUse
    rss_mb: dict[str, float]
    records_by_topic: dict[str, int] = field(default_factory=dict)  # published in the window

    @property
    def records_per_order_by_topic(self) -> dict[str, float]:
        """Each topic's records in the window per order done, most first (where the messages
        per order go)."""
        per_order = {
            topic: round(count / self.done_in_window, 2)
            for topic, count in self.records_by_topic.items()
            if count
        }
        return dict(sorted(per_order.items(), key=lambda item: -item[1]))

    @property
    def cpu_s_per_1000_orders(self) -> float:
        return self.cpu.system_s / self.done_in_window * 1000

    def details(self) -> dict[str, Any]:
        driver = self.cpu.by_process.get("bench", 0.0)
        return {
            "done_in_window": f"{self.done_in_window:,} in {self.window_s:.0f} s",
            "messages_per_order": round(self.messages_per_order, 2),
            "records_per_order_by_topic": self.records_per_order_by_topic,
            "cpu_s_per_1000_orders": round(self.cpu_s_per_1000_orders, 1),
            "bench_driver_cpu_s_per_1000": round(driver / self.done_in_window * 1000, 1),
            "cpu_busy": f"machine {self.cpu.machine_busy_share:.0%}, ours {self.cpu.ours_share:.0%}",
            "cpu_s": self.cpu.by_process,
            "rss_mb": self.rss_mb,
        }


async def warm_up(
    system: System, marketplace: UniqueBuyers, done: Callable[[], int], duration: Duration
) -> None:
    """Load until the first order is done (the chain has filled: many hops under load can take
    seconds), the tables analyzed (`System.analyze`), then `warmup_s` more, so the window sees
    the steady state."""
    deadline = time.monotonic() + FIRST_DONE_TIMEOUT_S
    while not done() and time.monotonic() < deadline:
        await flood(marketplace, done, 0.5, duration.in_flight)
    if not done():
        raise RuntimeError(f"no order was done within {FIRST_DONE_TIMEOUT_S} s; see the logs")
    await system.analyze()
    await flood(marketplace, done, duration.warmup_s, duration.in_flight)


async def _measure(
    marketplace: UniqueBuyers, completions: Completions, duration: Duration
) -> Window:
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
        await warm_up(system, marketplace, done, duration)
        bootstrap = system.endpoints.bootstrap_servers
        before, relayed_before = meter.snapshot(), await system.relayed()
        records_before = await records_by_topic(bootstrap)
        window = await _measure(marketplace, completions, duration)
        after, relayed_after = meter.snapshot(), await system.relayed()
        records_after = await records_by_topic(bootstrap)
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
        messages_per_order=(relayed + window.published) / done_in_window,
        cpu=cpu_between(before, after),
        rss_mb=rss,
        records_by_topic={
            topic: count - records_before.get(topic, 0) for topic, count in records_after.items()
        },
    )


async def order_to_pick_task(session: BenchSession, instances: int = 1) -> Throughput:
    completions = Completions()

    def on_record(topic: str, body: dict[str, Any], timestamp_s: float) -> None:
        completions.finish(str(body.get("correlation_id")), timestamp_s)

    async with session.system(instances=instances) as system:
        # Plenty for any rate this machine reaches: no order may fail for want of stock.
        await system.receive_stock(1_000_000)
        return await saturate(
            system, session.duration, on_record, completions, pattern=topics.PICK_TASKS_PATTERN
        )


def throughput_result(
    case: str, runs: list[Throughput], details: dict[str, Any] | None = None
) -> CaseResult:
    """Orders/s of every repeat of a saturated case; `details`, then the last run's."""
    rates = [r.orders_per_second for r in runs]
    return CaseResult(case, "orders/s", rates, (details or {}) | runs[-1].details())


def pipeline_result(case: str, runs: list[Throughput], session: BenchSession) -> CaseResult:
    result = throughput_result(case, runs)
    if limit := session.shared.get("relay_limit"):
        per_order = runs[-1].messages_per_order
        result.details["share_of_relay_limit"] = round(result.median * per_order / limit, 3)
    return result


async def run_pipeline(session: BenchSession) -> list[CaseResult]:
    duration = session.duration
    session.say(
        f"pipeline: orders to pick tasks, {duration.measure_s:g} s measured after the first"
        f" pick task + {duration.warmup_s:g} s x {session.repeats}, five services as processes"
    )
    runs = await _pipeline_runs(session, 1)
    session.shared["pipeline"] = runs
    result = pipeline_result("order to pick task", runs, session)
    result.verdicts = [figures.ORDERS_TO_PICK_TASK.check(result.median)]
    return [result]


def limit(cpu: CpuUse, cores: int) -> str:
    """A sentence on what bounds the run: saturated cores, and who spent them."""
    by_role: dict[str, float] = {}
    for name, seconds in cpu.by_process.items():
        role = name.rsplit("-", 1)[0] if name[-1:].isdigit() else name
        by_role[role] = by_role.get(role, 0.0) + seconds
    total = sum(by_role.values()) or 1.0
    top = sorted(by_role.items(), key=lambda item: -item[1])[:3]
    spent = ", ".join(f"{role} {seconds / total:.0%}" for role, seconds in top)
    if cpu.machine_busy_share >= 0.9:
        verdict = (
            f"CPU-bound: the {cores} cores were {cpu.machine_busy_share:.0%} busy"
            f" ({cpu.ours_share:.0%} this case's processes, the rest other users')"
        )
    else:
        verdict = (
            f"not CPU-bound ({cpu.machine_busy_share:.0%} of {cores} cores busy):"
            " waits (fetch, relay, locks) bound it"
        )
    return f"{verdict}; CPU went to {spent}"


async def _pipeline_runs(session: BenchSession, instances: int) -> list[Throughput]:
    return [await order_to_pick_task(session, instances) for _ in range(session.repeats)]


async def run_scale_out(session: BenchSession) -> list[CaseResult]:
    session.say(
        f"scale-out: order to pick task with {INSTANCES} processes of each service x"
        f" {session.repeats}, against one each"
    )
    one: list[Throughput] = session.shared.get("pipeline") or await _pipeline_runs(session, 1)
    two = await _pipeline_runs(session, INSTANCES)
    result = pipeline_result(f"scale-out: {INSTANCES} instances each", two, session)
    times = ratio(
        median([r.orders_per_second for r in two]), median([r.orders_per_second for r in one])
    )
    result.details = {
        "x_one_instance": None if times is None else round(times, 2),
        "one_instance_orders_s": [round(r.orders_per_second, 1) for r in one],
        "limit": limit(two[-1].cpu, psutil.cpu_count() or 1),
        **result.details,
    }
    result.verdicts = [figures.SCALE_OUT.check(times)]
    return [result]
