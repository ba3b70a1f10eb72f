"""A case's system under test: the embedded broker and PostgreSQL, some services as processes
(one or more instances each), and the bench's own partner bus. Started fresh for every repeat,
so no run inherits another's backlog, bloat or broker memory."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from orderflow_contracts.setup import SellerSetup
from orderflow_simulators.bus import PartnerBus
from orderflow_simulators.partners import Warehouse

from orderflow_devstack.bench.meter import ProcessMeter
from orderflow_devstack.processes import ServiceProcesses
from orderflow_devstack.stack import DEMO_SELLER_SETUP, SERVICES, EmbeddedStack, Endpoints


@dataclass
class System:
    setup: SellerSetup
    stack: EmbeddedStack
    endpoints: Endpoints
    services: ServiceProcesses
    bus: PartnerBus
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

    async def relayed(self) -> int:
        """Messages every service's relay has published so far."""
        reports = await asyncio.gather(
            *(asyncio.to_thread(self.services.health, name) for name in self.services.processes)
        )
        return sum(int(report.get("published", 0)) for report in reports)

    async def settle(self, quiet_s: float = 1.5, limit_s: float = 60) -> None:
        """Until the services have handled nothing for `quiet_s`: what an earlier case left in
        flight on a kept system must not queue ahead of the next case's load."""
        loop = asyncio.get_running_loop()
        deadline, last, quiet_since = loop.time() + limit_s, -1, loop.time()
        while loop.time() < deadline:
            reports = await asyncio.gather(
                *(asyncio.to_thread(self.services.health, name) for name in self.services.processes)
            )
            handled = sum(int(r.get("processed", 0)) + int(r.get("published", 0)) for r in reports)
            if handled != last:
                last, quiet_since = handled, loop.time()
            elif loop.time() - quiet_since >= quiet_s:
                return
            await asyncio.sleep(0.3)

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
    fetch_max_wait_ms: int | None = None,
) -> AsyncIterator[System]:
    setup = SellerSetup.load(setup_file)
    stack, endpoints = await _start_stack(setup, partitions, log_dir)
    processes = ServiceProcesses(
        endpoints,
        setup_file,
        log_dir,
        instances=instances,
        log_format="json",
        fetch_max_wait_ms=fetch_max_wait_ms,
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
        system = System(setup, stack, endpoints, processes, bus)
        yield system
    finally:
        for close in system.closers if system else []:
            close()
        await bus.stop()
        processes.stop()
        stack.stop()
