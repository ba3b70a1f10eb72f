"""What every case needs to know about this bench run: full or smoke, repeats, partitions,
where logs go, and the figures earlier cases left for later ones (scale-out compares with the
pipeline case, the pipeline's share of the relay limit needs the ceiling)."""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from orderflow_devstack.bench.system import System, running_system
from orderflow_devstack.bench.throughput import Duration
from orderflow_devstack.stack import DEMO_SELLER_SETUP, SERVICES


@dataclass
class BenchSession:
    smoke: bool
    repeats: int
    partitions: int
    log_dir: Path
    console: Console
    shared: dict[str, Any] = field(default_factory=dict)
    _kept: tuple[tuple[Any, ...], System, contextlib.AsyncExitStack] | None = None

    @property
    def duration(self) -> Duration:
        """Warm-up and measured window of the saturated cases."""
        # Smoke keeps fewer in flight: what is left when a case ends drains before the next.
        return Duration(1.5, 4.0, 200) if self.smoke else Duration(5.0, 30.0, 2000)

    def say(self, line: str) -> None:
        self.console.print(line)

    @contextlib.asynccontextmanager
    async def system(
        self,
        services: tuple[str, ...] = SERVICES,
        instances: int = 1,
        setup_file: Path = DEMO_SELLER_SETUP,
        fetch_max_wait_ms: int | None = None,
    ) -> AsyncIterator[System]:
        """A fresh system for every run of a full bench. A smoke run keeps the last one for the
        next case that wants the same (services, instances, setup): starting five services
        takes most of a smoke case's time, and smoke figures mean nothing anyway. Cases count
        only what happens after they start, so what an earlier case left behind is ignored."""
        starting = running_system(
            self.partitions, self.log_dir, services=services, instances=instances,
            setup_file=setup_file, fetch_max_wait_ms=fetch_max_wait_ms,
        )  # fmt: skip
        if not self.smoke:
            async with starting as system:
                yield system
            return
        key = (services, instances, setup_file, fetch_max_wait_ms)
        if self._kept is None or self._kept[0] != key:
            await self.close()
            exits = contextlib.AsyncExitStack()
            self._kept = (key, await exits.enter_async_context(starting), exits)
        else:
            await self._kept[1].settle()
        yield self._kept[1]

    async def close(self) -> None:
        if self._kept is not None:
            kept, self._kept = self._kept, None
            await kept[2].aclose()
