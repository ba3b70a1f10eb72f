"""The bench command: runs the cases, prints the table, writes the JSON."""

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from orderflow_devstack.bench import (
    ceiling,
    flash_sale,
    inventory_case,
    latency,
    lifecycle,
    pipeline,
    scale_out,
)
from orderflow_devstack.bench.results import CaseResult, print_table, wide_console, write_json
from orderflow_devstack.bench.session import BenchSession

Case = Callable[[BenchSession], Awaitable[list[CaseResult]]]

# In this order: later cases reuse earlier ones' figures (relay limit, pipeline, hot SKU).
CASE_RUNNERS: dict[str, Case] = {
    "ceiling": ceiling.run,
    "pipeline": pipeline.run,
    "lifecycle": lifecycle.run,
    "latency": latency.run,
    "flash-sale": flash_sale.run,
    "inventory": inventory_case.run,
    "scale-out": scale_out.run,
}
CASES = tuple(CASE_RUNNERS)
RESULTS_DIR = Path("bench/results")
REFERENCE_RUN = Path("bench/reference.json")  # the run the README quotes
LOG_DIR = Path(".orderflow/bench-logs")


async def run_bench(
    cases: list[str], smoke: bool, repeats: int, partitions: int
) -> tuple[list[CaseResult], list[str]]:
    """Every chosen case, in CASES order; a case that fails is reported and the rest go on."""
    console = wide_console()
    session = BenchSession(smoke, repeats, partitions, LOG_DIR, console)
    results: list[CaseResult] = []
    failed: list[str] = []
    for name in (case for case in CASES if case in cases):
        started = time.monotonic()
        try:
            results += await CASE_RUNNERS[name](session)
        except Exception as error:  # one broken case must not hide the others' figures
            console.print(f"[red]{name} failed: {error!r}[/] (logs in {LOG_DIR}/)")
            failed.append(name)
        console.print(f"  {name}: {time.monotonic() - started:,.0f} s")
    await session.close()
    print_table(results, console)
    with contextlib.suppress(OSError):
        console.print(f"written to {write_json(results, RESULTS_DIR, smoke)}")
    if failed:
        console.print(f"[red]failed cases: {', '.join(failed)}[/]")
    return results, failed


def run(cases: list[str], smoke: bool, repeats: int, partitions: int) -> int:
    """Exit status 1 if any case failed; unmet targets are shown, not failures."""
    _, failed = asyncio.run(run_bench(cases, smoke, repeats, partitions))
    return 1 if failed else 0
