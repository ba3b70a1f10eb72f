"""A benchmark's figures: printed as a table and written as JSON under bench/results/."""

import json
import platform
import statistics
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
from rich.console import Console
from rich.table import Table


@dataclass
class CaseResult:
    case: str
    unit: str
    repeats: list[float]
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.repeats)


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "cpus": psutil.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "platform": platform.platform(),
    }


def print_table(results: list[CaseResult], console: Console) -> None:
    table = Table(title="orderflow bench (median of repeats)")
    for column in ("case", "median", "unit", "repeats", "details"):
        table.add_column(column)
    for result in results:
        details = "\n".join(f"{k}: {_compact(v)}" for k, v in result.details.items())
        repeats = ", ".join(f"{r:,.0f}" for r in result.repeats)
        table.add_row(result.case, f"{result.median:,.1f}", result.unit, repeats, details)
    console.print(table)


def _compact(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return str(value)


def write_json(results: list[CaseResult], folder: Path, smoke: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"bench-{stamp}{'-smoke' if smoke else ''}.json"
    body = {
        "at": stamp,
        "smoke": smoke,
        "machine": machine(),
        "cases": [asdict(r) | {"median": r.median} for r in results],
    }
    path.write_text(json.dumps(body, indent=2, default=str))
    return path
