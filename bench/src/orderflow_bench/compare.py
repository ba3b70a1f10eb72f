"""Two bench runs side by side, to tell whether a change moved the figures or the machine did.

The machines here vary about 3x in speed within a day, so a rate is also compared as a share of
its own run's ceiling (the plain relay measured in the same run). Ratios and latencies are
compared as they are: a ratio is the machine's own, and a latency does not scale with it."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from orderflow_bench.figures import number

CEILING_CASE = "ceiling (relay limit)"


class UnreadableRun(ValueError):
    """Not a results file `orderflow bench` wrote."""


@dataclass(frozen=True)
class Run:
    path: Path
    at: str
    medians: dict[str, tuple[float, str]]  # case: (median, unit)

    @property
    def ceiling(self) -> float | None:
        median = self.medians.get(CEILING_CASE)
        return median[0] if median else None


def load(path: Path) -> Run:
    try:
        text = path.read_text()
    except OSError as error:
        raise UnreadableRun(f"{path}: cannot be read ({error.strerror})") from error
    try:
        body: dict[str, Any] = json.loads(text)
        medians = {c["case"]: (float(c["median"]), str(c["unit"])) for c in body["cases"]}
    except (ValueError, KeyError, TypeError) as error:
        raise UnreadableRun(f"{path}: not a bench results file ({error!r})") from error
    return Run(path, str(body.get("at", "?")), medians)


def newest(folder: Path) -> Path | None:
    """The latest full run in the folder (smoke runs prove the bench works, they measure nothing)."""
    runs = sorted(p for p in folder.glob("bench-*.json") if not p.stem.endswith("-smoke"))
    return runs[-1] if runs else None


@dataclass(frozen=True)
class Row:
    case: str
    unit: str
    old: float | None
    new: float | None
    change: float | None  # new / old
    of_ceiling: float | None  # (new / its ceiling) / (old / its ceiling), for rates only


def compare(old: Run, new: Run) -> list[Row]:
    """Every case of either run, in the new run's order, then the cases only the old one has."""
    rows = []
    for case in [*new.medians, *(c for c in old.medians if c not in new.medians)]:
        old_median, unit = old.medians.get(case, (None, ""))
        new_median, unit = new.medians.get(case, (None, unit))
        change = new_median / old_median if new_median is not None and old_median else None
        of_ceiling = None
        if change is not None and unit.endswith("/s") and case != CEILING_CASE:
            if old.ceiling and new.ceiling:
                of_ceiling = change / (new.ceiling / old.ceiling)
        rows.append(Row(case, unit, old_median, new_median, change, of_ceiling))
    return rows


def print_comparison(old: Run, new: Run, console: Console) -> None:
    table = Table(title=f"bench: {old.at} -> {new.at}", show_lines=False)
    for column in ("case", "unit", "old", "new", "new / old", "as shares of each ceiling"):
        table.add_column(column, overflow="fold")
    for row in compare(old, new):
        table.add_row(
            row.case,
            row.unit,
            _figure(row.old),
            _figure(row.new),
            _times(row.change),
            _times(row.of_ceiling),
        )
    console.print(table)
    if not (old.ceiling and new.ceiling):
        console.print("one run has no ceiling case: rates are compared as measured only")
    console.print(f"old: {old.path}\nnew: {new.path}")


def _figure(value: float | None) -> str:
    return "-" if value is None else number(value)


def _times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def run(old_path: Path, new_path: Path | None, results_dir: Path, console: Console) -> int:
    """Exit status 2 when a run cannot be read or there is no run to compare."""
    new_path = new_path or newest(results_dir)
    if new_path is None:
        console.print(f"[red]no full run in {results_dir}/: run `make bench` first[/]")
        return 2
    try:
        old, new = load(old_path), load(new_path)
    except UnreadableRun as error:
        console.print(f"[red]{error}[/]")
        return 2
    print_comparison(old, new, console)
    return 0
