"""Case 2, order to pick task: marketplace orders as fast as the system absorbs them, all five
services as processes (one or more instances each) on the embedded broker and PostgreSQL; the
sustained rate at which orders get their first pick task, with CPU and memory of every process.
Scale-out runs the same with two instances of each service."""

from typing import Any

from orderflow_contracts import topics

from orderflow_devstack.bench import targets
from orderflow_devstack.bench.results import CaseResult
from orderflow_devstack.bench.session import BenchSession
from orderflow_devstack.bench.stats import median
from orderflow_devstack.bench.throughput import (
    Completions,
    Throughput,
    saturate,
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


def pipeline_result(case: str, runs: list[Throughput], session: BenchSession) -> CaseResult:
    rates = [r.orders_per_second for r in runs]
    details = runs[-1].details()
    if limit := session.shared.get("relay_limit"):
        per_order = runs[-1].messages_per_order or 0
        details["share_of_relay_limit"] = round(median(rates) * per_order / limit, 3)
    return CaseResult(case, "orders/s", rates, details)


async def run(session: BenchSession) -> list[CaseResult]:
    duration = session.duration
    session.say(
        f"pipeline: orders to pick tasks, {duration.measure_s:g} s measured after the first"
        f" pick task + {duration.warmup_s:g} s x {session.repeats}, five services as processes"
    )
    runs = [await order_to_pick_task(session) for _ in range(session.repeats)]
    session.shared["pipeline"] = runs
    result = pipeline_result("order to pick task", runs, session)
    result.verdicts = [targets.ORDERS_TO_PICK_TASK.check(result.median)]
    return [result]
