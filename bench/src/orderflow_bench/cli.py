"""`orderflow-bench`: the benchmark cases on the embedded infrastructure, a table of medians
with each target's verdict, and the same figures as JSON in bench/results/.

orderflow-bench                          every case, 3 repeats (make bench)
orderflow-bench --smoke                  every case, a few seconds, 1 repeat (make bench-smoke)
orderflow-bench latency --repeats 1      some cases
orderflow-bench compare [OLD [NEW]]      two runs side by side (make bench-compare)
"""

import argparse
import asyncio
import contextlib
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from orderflow_runtime.logs import configure_logging

from orderflow_bench import ceiling, compare, inventory, latency, lifecycle, pipeline, planning
from orderflow_bench.figures import CaseResult, print_table, wide_console, write_json
from orderflow_bench.system import BenchSession

Case = Callable[[BenchSession], Awaitable[list[CaseResult]]]

# In this order: later cases reuse earlier ones' figures (relay limit, pipeline runs).
CASES: dict[str, Case] = {
    "ceiling": ceiling.run,
    "pipeline": pipeline.run_pipeline,
    "lifecycle": lifecycle.run,
    "latency": latency.run_latency,
    "hops": latency.run_hops,
    "flash-sale": inventory.run_flash_sale,
    "inventory": inventory.run_inventory,
    "scale-out": pipeline.run_scale_out,
    "planning": planning.run,
}
BENCH_DIR = Path(__file__).resolve().parents[2]  # bench/ of the repository
RESULTS_DIR = BENCH_DIR / "results"
REFERENCE_RUN = BENCH_DIR / "reference.json"  # the run the README quotes
LOG_DIR = Path(".orderflow/bench-logs")


async def run_cases(cases: list[str], smoke: bool, repeats: int, partitions: int) -> list[str]:
    """Every chosen case, in CASES order; a case that fails is reported and the rest go on.
    Returns the failed cases."""
    console = wide_console()
    session = BenchSession(smoke, repeats, partitions, LOG_DIR, console)
    results: list[CaseResult] = []
    failed: list[str] = []
    for name in (case for case in CASES if case in cases):
        started = time.monotonic()
        try:
            results += await CASES[name](session)
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
    return failed


def _compare(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="orderflow-bench compare",
        description="two bench runs side by side (default: the reference and the latest)",
    )
    parser.add_argument("old", nargs="?", type=Path, default=REFERENCE_RUN)
    parser.add_argument("new", nargs="?", type=Path, help="default: the latest in bench/results/")
    args = parser.parse_args(argv)
    return compare.run(args.old, args.new, RESULTS_DIR, wide_console())


def _bench(argv: list[str]) -> int:
    """Exit status 1 if any case failed; unmet targets are shown, not failures."""
    parser = argparse.ArgumentParser(
        prog="orderflow-bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "cases", nargs="*", metavar="CASE", help=f"some of {', '.join(CASES)} (default: all)"
    )
    parser.add_argument(
        "--case", action="append", default=[], dest="more_cases", metavar="CASE",
        help="the same, as an option (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--smoke", action="store_true", help="a few seconds per case, to prove it works"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--partitions", type=int, default=6)
    args = parser.parse_args(argv)
    cases = args.cases + args.more_cases
    if unknown := set(cases) - set(CASES):
        parser.error(f"unknown bench case(s) {sorted(unknown)}; choose from {', '.join(CASES)}")
    repeats = 1 if args.smoke else args.repeats
    failed = asyncio.run(run_cases(cases or list(CASES), args.smoke, repeats, args.partitions))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    configure_logging("console", "WARNING")
    if argv[:1] == ["compare"]:
        sys.exit(_compare(argv[1:]))
    sys.exit(_bench(argv))
