"""What a case runs on. `System`: the embedded broker and PostgreSQL, some services as processes
(one or more instances each), and the bench's own partner bus, started fresh for every repeat
of a full run, so no run inherits another's backlog, bloat or broker memory (its broker warmed
before the services start: warm.py). `BenchSession`:
what every case needs to know about this bench run (full or smoke, repeats, partitions, where
logs go) and the figures earlier cases left for later ones (scale-out compares with the
pipeline case, the pipeline's share of the relay limit needs the ceiling)."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from orderflow_contracts.setup import SellerSetup
from orderflow_devstack.processes import ServiceProcesses
from orderflow_devstack.stack import DEMO_SELLER_SETUP, SERVICES, EmbeddedStack, Endpoints
from orderflow_simulators.bus import PartnerBus
from orderflow_simulators.partners import Warehouse
from rich.console import Console

from orderflow_bench.load import Duration
from orderflow_bench.meter import ProcessMeter
from orderflow_bench.warm import WarmUp, describe, warm_broker


@dataclass
class System:
    setup: SellerSetup
    stack: EmbeddedStack
    endpoints: Endpoints
    services: ServiceProcesses
    bus: PartnerBus
    warm_up: WarmUp | None = None  # None: not warmed (smoke)
    stocked: bool = False
    extra_pids: dict[str, int] = field(default_factory=dict)  # metered beside the services
    closers: list[Callable[[], None]] = field(default_factory=list)

    def meter(self) -> ProcessMeter:
        pids = {name: process.pid for name, process in self.services.processes.items()}
        pids |= self.extra_pids
        for name, pid in (("broker", self.stack.broker.pid), ("postgres", self.stack.postgres.pid)):
            if pid is not None:
                pids[name] = pid
        return ProcessMeter(pids)

    async def _health_reports(self) -> list[dict[str, Any]]:
        """Every service process's /healthz, asked at once."""
        reports = await asyncio.gather(
            *(asyncio.to_thread(self.services.health, name) for name in self.services.processes)
        )
        return list(reports)

    async def relayed(self) -> int:
        """Messages every service's relay has published so far."""
        return sum(int(report.get("published", 0)) for report in await self._health_reports())

    async def settle(self, quiet_s: float = 1.5, limit_s: float = 60) -> None:
        """Until the services have handled nothing for `quiet_s`: what an earlier case left in
        flight on a kept system must not queue ahead of the next case's load."""
        loop = asyncio.get_running_loop()
        deadline, last, quiet_since = loop.time() + limit_s, -1, loop.time()
        while loop.time() < deadline:
            reports = await self._health_reports()
            handled = sum(int(r.get("processed", 0)) + int(r.get("published", 0)) for r in reports)
            if handled != last:
                last, quiet_since = handled, loop.time()
            elif loop.time() - quiet_since >= quiet_s:
                return
            await asyncio.sleep(0.3)

    async def analyze(self) -> None:
        """ANALYZE every service's database, once a load has put rows in its tables. A fresh
        database caches its first plans with an empty table's estimates (a sequential scan
        of a table that then grows: intake's lookup of known orders read every page of
        `orders` a call) until autovacuum's first ANALYZE, which comes to each database once
        a minute; a system in production had its tables analyzed long ago."""
        for service in SERVICES:
            conn = await asyncpg.connect(self.endpoints.database_url(service))
            try:
                await conn.execute("ANALYZE")
            finally:
                await conn.close()

    async def receive_stock(self, units_per_sku: int) -> None:
        """Opening stock of every product at every location, through the warehouse topic; waits
        until inventory holds it, then a moment for routing's replica of the levels. Once per
        system: inventory applies a warehouse document (its reference) only once anyway."""
        if self.stocked:
            return
        await Warehouse(self.bus, self.setup).receive_stock(units_per_sku)
        skus = [product.sku for product in self.setup.products]
        await self.wait_for_stock(skus, len(skus) * len(self.setup.locations), units_per_sku)
        await asyncio.sleep(1)
        self.stocked = True

    async def wait_for_stock(
        self, skus: list[str], rows: int, at_least: int, timeout_s: float = 60
    ) -> None:
        """Until `rows` stock rows of these SKUs hold at least `at_least` units each."""
        conn = await asyncpg.connect(self.endpoints.database_url("inventory"))
        try:

            async def stocked() -> bool:
                return bool(
                    await conn.fetchval(
                        "SELECT count(*) >= $1 FROM stock WHERE on_hand >= $2"
                        " AND sku = ANY($3::text[])",
                        rows,
                        at_least,
                        skus,
                    )
                )

            deadline = asyncio.get_running_loop().time() + timeout_s
            while not await stocked():
                if asyncio.get_running_loop().time() > deadline:
                    raise RuntimeError(f"inventory did not take the opening stock in {timeout_s} s")
                await asyncio.sleep(0.2)
        finally:
            await conn.close()


async def _start_stack(
    setup: SellerSetup, partitions: int, log_dir: Path, attempts: int = 3
) -> tuple[EmbeddedStack, Endpoints]:
    """A loaded machine can reach PostgreSQL's port before it accepts connections ("the
    database system is starting up"): start again rather than fail the case."""
    for attempt in range(1, attempts + 1):
        stack = EmbeddedStack(setup, partitions, log_dir)
        try:
            return stack, await stack.start()
        except (asyncpg.CannotConnectNowError, ConnectionError):
            stack.stop()
            if attempt == attempts:
                raise
            await asyncio.sleep(1)
    raise AssertionError("unreachable")


@contextlib.asynccontextmanager
async def running_system(
    partitions: int,
    log_dir: Path,
    *,
    services: tuple[str, ...] = SERVICES,
    instances: int = 1,
    setup_file: Path = DEMO_SELLER_SETUP,
    log_level: str | None = None,
    warm: bool = True,
) -> AsyncIterator[System]:
    setup = SellerSetup.load(setup_file)
    stack, endpoints = await _start_stack(setup, partitions, log_dir)
    warm_up = None
    if warm:
        try:
            warm_up = await warm_broker(endpoints.bootstrap_servers, stack.broker.pid, partitions)
        except BaseException:
            stack.stop()
            raise
    processes = ServiceProcesses(
        endpoints,
        setup_file,
        log_dir,
        instances=instances,
        log_format="json",
        log_level=log_level,
    )
    bus = PartnerBus(endpoints.bootstrap_servers, "bench", session_timeout_ms=3000)
    system: System | None = None
    try:
        processes.start(services)
        await bus.start()
        if not_ready := await processes.wait_until_ready():
            raise RuntimeError(f"not ready: {not_ready}; see {log_dir}/<service>.log")
        if instances > 1:
            await asyncio.sleep(3)  # the later joiners' rebalance settles
        system = System(setup, stack, endpoints, processes, bus, warm_up)
        yield system
    finally:
        for close in system.closers if system else []:
            close()
        await bus.stop()
        processes.stop()
        stack.stop()


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
        log_level: str | None = None,
    ) -> AsyncIterator[System]:
        """A fresh system for every run of a full bench, its broker warmed first (warm.py). A smoke run keeps the last one for the
        next case that wants the same (services, instances, setup): starting five services
        takes most of a smoke case's time, and smoke figures mean nothing anyway. Cases count
        only what happens after they start, so what an earlier case left behind is ignored."""
        starting = running_system(
            self.partitions, self.log_dir, services=services, instances=instances,
            setup_file=setup_file, log_level=log_level, warm=not self.smoke,
        )  # fmt: skip
        if not self.smoke:
            async with starting as system:
                if system.warm_up is not None:
                    self.say(describe(system.warm_up))
                yield system
            return
        key = (services, instances, setup_file, log_level)
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
