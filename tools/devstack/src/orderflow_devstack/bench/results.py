"""A benchmark's figures: printed as a table and written as JSON under bench/results/."""

import json
import os
import platform
import statistics
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
from rich.console import Console
from rich.table import Table

from orderflow_devstack.bench.targets import Verdict


@dataclass
class CaseResult:
    case: str
    unit: str
    repeats: list[float]
    details: dict[str, Any] = field(default_factory=dict)
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.repeats)

    def as_json(self) -> dict[str, Any]:
        body = asdict(self) | {"median": self.median}
        body["verdicts"] = [
            {"target": v.target.describe(), "actual": v.actual, "met": v.met} for v in self.verdicts
        ]
        return body


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "cpus": psutil.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "platform": platform.platform(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


def wide_console() -> Console:
    """At least 150 columns: a log file, a pipe or CI is not 80, and the tables are wide."""
    return Console(width=max(Console().width, 150))


def number(value: float) -> str:
    """Large figures with thousands separators, small ones (ratios) with 3 significant digits."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def print_table(results: list[CaseResult], console: Console) -> None:
    table = Table(title="orderflow bench (median of repeats)", show_lines=True)
    for column in ("case", "median", "unit", "repeats", "target", "details"):
        table.add_column(column, overflow="fold")
    for result in results:
        details = "\n".join(f"{k}: {_compact(v)}" for k, v in result.details.items())
        repeats = ", ".join(number(r) for r in result.repeats)
        verdicts = "\n".join(v.describe() for v in result.verdicts) or "-"
        table.add_row(result.case, number(result.median), result.unit, repeats, verdicts, details)
    console.print(table)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    console.print(f"load average (1, 5, 15 min) at the end: {load}; {psutil.cpu_count()} CPUs")


def _compact(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, float):
        return number(value)
    return str(value)


def write_json(results: list[CaseResult], folder: Path, smoke: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"bench-{stamp}{'-smoke' if smoke else ''}.json"
    body = {
        "at": stamp,
        "smoke": smoke,
        "machine": machine(),
        "cases": [r.as_json() for r in results],
    }
    path.write_text(json.dumps(body, indent=2, default=str))
    return path
