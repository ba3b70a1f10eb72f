"""Case 6, scale-out: the order-to-pick-task case with two processes of every service in its
consumer group, as a ratio to one process each (the pipeline case's runs when it ran in the
same bench, else run here). What limits it is read off the CPU figures of the same window."""

import psutil

from orderflow_devstack.bench import targets
from orderflow_devstack.bench.meter import CpuUse
from orderflow_devstack.bench.pipeline import order_to_pick_task, pipeline_result
from orderflow_devstack.bench.results import CaseResult
from orderflow_devstack.bench.session import BenchSession
from orderflow_devstack.bench.stats import median, ratio
from orderflow_devstack.bench.throughput import Throughput

INSTANCES = 2


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


async def run(session: BenchSession) -> list[CaseResult]:
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
    result.verdicts = [targets.SCALE_OUT.check(times)]
    return [result]
