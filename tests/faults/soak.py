"""A long run of faults drawn at random under a steady load: every fault the fault tests prove one
at a time, on the test's own broker and PostgreSQL, one after another with a pause between."""

import asyncio
import random
import signal
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import structlog
from orderflow_testing.system import eventually

from tests.conftest import SERVICES
from tests.faults.outage import Outage, cut_every_connection, timed
from tests.faults.relay import kill_relay
from tests.faults.stack import FaultStack
from tests.faults.test_rebalance_storm import storm

log = structlog.get_logger()

FAULT_TIMEOUT_S = 300  # a fault and the flow's return: a hang fails the soak, not the machine


class Load:
    """Orders at `rate` a second, each from its own buyer, until stopped; paused while the
    broker is replaced (what only a lost broker held, no outbox can send again)."""

    def __init__(self, stack: FaultStack, rate: float) -> None:
        self.stack = stack
        self.rate = rate
        self.flowing = asyncio.Event()
        self.flowing.set()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._place())

    async def _place(self) -> None:
        """Never cancelled mid-order: see outage.keep_placing."""
        while not self._stop.is_set():
            await self.flowing.wait()
            await self.stack.place(1)
            await asyncio.sleep(1 / self.rate)

    async def stop(self) -> None:
        self._stop.set()
        self.flowing.set()
        if self._task is not None:
            await self._task


@dataclass
class Soak:
    stack: FaultStack
    load: Load
    rng: random.Random
    outages: list[Outage] = field(default_factory=list)

    def menu(self) -> dict[str, Callable[[], Awaitable[object]]]:
        own = self.stack.own
        assert own is not None
        return {
            "service SIGKILL": lambda: self._signal(signal.SIGKILL),
            "service SIGTERM": lambda: self._signal(signal.SIGTERM),
            "relay killed before send": lambda: self._relay("before send"),
            "relay killed after send": lambda: self._relay("after send"),
            "rebalance 1 -> 3 -> 1": lambda: storm(self.stack, self._service()),
            "PostgreSQL connections cut": lambda: cut_every_connection(self.stack.system),
            "PostgreSQL immediate restart": own.restart_postgres,
            "broker SIGSTOP 5-30 s": lambda: own.freeze_broker(self.rng.uniform(5, 30)),
            "broker kill -9 and restart": own.restart_broker,
            "broker replaced by an empty one": self._replace_broker,
        }

    def _service(self) -> str:
        return self.rng.choice(SERVICES)

    async def _signal(self, signum: signal.Signals) -> None:
        processes = self.stack.processes
        assert processes is not None
        service = self._service()
        pid = processes.signal(service, signum)
        await processes.running_again(service, pid, timeout_s=90)

    async def _relay(self, point: str) -> None:
        await kill_relay(self.stack, self._service(), point, burst=10)

    async def _replace_broker(self) -> None:
        """The load pauses until intake has every order placed, as a marketplace whose orders
        intake had not read would have to send them again."""
        own = self.stack.own
        assert own is not None
        self.load.flowing.clear()
        try:
            placed = [order.order_id for order in self.stack.orders]
            intake = await self.stack.system.db("intake")
            await eventually(
                lambda: intake.fetchval(
                    "SELECT count(*) = $1 FROM orders WHERE order_id = ANY($2)",
                    len(placed),
                    placed,
                ),
                timeout_s=120,
            )
            await self.stack.replace_broker()
        finally:
            self.load.flowing.set()

    async def run(self, seconds: float, pause_s: tuple[float, float]) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        menu = self.menu()
        while loop.time() < deadline:
            await asyncio.sleep(self.rng.uniform(*pause_s))
            name = self.rng.choice(list(menu))
            log.info("soak.fault", fault=name, orders=len(self.stack.orders))
            await self.stack.reconnect()
            try:
                async with asyncio.timeout(FAULT_TIMEOUT_S):
                    self.outages.append(await timed(self.stack, name, menu[name]))
            except TimeoutError:
                raise AssertionError(f"{name}: not over after {FAULT_TIMEOUT_S} s") from None

    def table(self) -> str:
        by_fault: dict[str, list[Outage]] = defaultdict(list)
        for outage in self.outages:
            by_fault[outage.fault].append(outage)
        width = max([len(name) for name in by_fault] + [5])
        lines = [f"{'fault'.ljust(width)}  times  max lasted s  max resumed after s"]
        for name, outages in sorted(by_fault.items()):
            lasted = max(o.lasted_s for o in outages)
            resumed = max(o.resumed_after_s for o in outages)
            lines.append(
                f"{name.ljust(width)}  {len(outages):>5}  {lasted:>12.1f}  {resumed:>19.1f}"
            )
        return "\n".join(lines)
