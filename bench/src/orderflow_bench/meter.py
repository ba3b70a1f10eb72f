"""CPU seconds and resident memory of every process a case runs: services, broker, PostgreSQL
(with its backends) and the bench process itself, which hosts the drivers and simulators."""

import os
import time
from dataclasses import dataclass

import psutil


def _tree_cpu_seconds(process: psutil.Process, tree: bool = True) -> float:
    total = 0.0
    for member in [process, *(process.children(recursive=True) if tree else [])]:
        try:
            times = member.cpu_times()
        except psutil.NoSuchProcess:  # a backend that ended meanwhile
            continue
        total += times.user + times.system
    return total


def _tree_rss_mb(process: psutil.Process, tree: bool = True) -> float:
    total = 0
    for member in [process, *(process.children(recursive=True) if tree else [])]:
        try:
            total += member.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return round(total / 2**20, 1)


@dataclass(frozen=True)
class Snapshot:
    cpu_s: dict[str, float]
    machine_busy_s: float  # every process on the machine, other engineers' included
    machine_total_s: float  # busy and idle, summed over every core
    wall_s: float


class ProcessMeter:
    """`pids` maps a name (intake, intake-2, broker, postgres, ...) to a process id; the bench
    process is added as `bench`, without its children (they are the others). RSS of PostgreSQL sums its backends (shared buffers count once
    per backend that touched them: an upper bound)."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.processes = {name: psutil.Process(pid) for name, pid in pids.items()}
        self.processes["bench"] = psutil.Process(os.getpid())

    def snapshot(self) -> Snapshot:
        machine = psutil.cpu_times()
        idle = machine.idle + getattr(machine, "iowait", 0.0)
        return Snapshot(
            cpu_s={
                name: _tree_cpu_seconds(p, name != "bench") for name, p in self.processes.items()
            },
            machine_busy_s=sum(machine) - idle,
            machine_total_s=sum(machine),
            wall_s=time.monotonic(),
        )

    def rss_mb(self) -> dict[str, float]:
        return {name: _tree_rss_mb(p, name != "bench") for name, p in self.processes.items()}


@dataclass(frozen=True)
class CpuUse:
    by_process: dict[str, float]
    machine_busy_share: float  # of every core, over the window
    ours_share: float

    @property
    def system_s(self) -> float:
        """CPU of the system under test: everything but the bench's own drivers."""
        return sum(s for name, s in self.by_process.items() if name != "bench")


def cpu_between(before: Snapshot, after: Snapshot) -> CpuUse:
    wall = max(after.wall_s - before.wall_s, 1e-6)
    cores = psutil.cpu_count() or 1
    used = {name: round(after.cpu_s[name] - before.cpu_s[name], 2) for name in after.cpu_s}
    return CpuUse(
        by_process=used,
        machine_busy_share=round(
            (after.machine_busy_s - before.machine_busy_s)
            / max(after.machine_total_s - before.machine_total_s, 1e-6),
            3,
        ),
        ours_share=round(sum(used.values()) / wall / cores, 3),
    )
