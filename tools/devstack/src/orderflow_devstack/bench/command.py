"""The bench command: runs the cases, prints the table, writes the JSON."""

import asyncio
from pathlib import Path

from rich.console import Console

from orderflow_devstack.bench.ceiling import relay_limit
from orderflow_devstack.bench.pipeline import order_to_pick_task
from orderflow_devstack.bench.results import CaseResult, print_table, write_json

CASES = ("ceiling", "pipeline")
RESULTS_DIR = Path("bench/results")
LOG_DIR = Path(".orderflow/bench-logs")


async def run_bench(
    cases: list[str], smoke: bool, repeats: int, partitions: int
) -> list[CaseResult]:
    console = Console(width=max(Console().width, 130))  # a log file or CI is not 80 columns
    seconds, orders = (3.0, 200) if smoke else (30.0, 3000)
    results: list[CaseResult] = []
    limit: CaseResult | None = None
    if "ceiling" in cases:
        console.print(f"ceiling: a plain relay for {seconds:.0f} s x {repeats}")
        rates = [await relay_limit(seconds, partitions) for _ in range(repeats)]
        limit = CaseResult("ceiling (relay limit)", "msg/s", rates, {"partitions": partitions})
        results.append(limit)
    if "pipeline" in cases:
        console.print(
            f"pipeline: {orders} orders to pick tasks x {repeats}, five services as processes"
        )
        runs = [await order_to_pick_task(orders, partitions, LOG_DIR) for _ in range(repeats)]
        last = runs[-1]
        details: dict[str, object] = {
            "messages_per_order": round(last.messages_per_order, 2),
            "cpu_s_per_1000_orders": round(last.cpu_seconds_per_1000_orders, 1),
            "rss_mb": last.rss_mb,
        }
        if limit is not None:
            rate = sorted(r.orders_per_second for r in runs)[len(runs) // 2]
            details["share_of_relay_limit"] = round(
                rate * last.messages_per_order / limit.median, 3
            )
        results.append(
            CaseResult(
                "order to pick task", "orders/s", [r.orders_per_second for r in runs], details
            )
        )
    print_table(results, console)
    console.print(f"written to {write_json(results, RESULTS_DIR, smoke)}")
    return results


def run(cases: list[str], smoke: bool, repeats: int, partitions: int) -> int:
    asyncio.run(run_bench(cases, smoke, repeats, partitions))
    return 0
