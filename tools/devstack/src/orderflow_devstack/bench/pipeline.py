"""Case 2, order to pick task: marketplace orders published as fast as the system absorbs
them, all five services as processes on the embedded broker and PostgreSQL; the sustained
rate at which pick tasks come out, with CPU and memory of every process."""

import asyncio
from dataclasses import dataclass
from pathlib import Path

import psutil
from aiokafka import AIOKafkaConsumer
from orderflow_contracts import topics
from orderflow_contracts.setup import SellerSetup
from orderflow_simulators.bus import PartnerBus
from orderflow_simulators.partners import Marketplace, MarketplaceMix, Warehouse

from orderflow_devstack.processes import ServiceProcesses
from orderflow_devstack.stack import DEMO_SELLER_SETUP, EmbeddedStack


@dataclass
class PipelineFigures:
    orders_per_second: float
    messages_per_order: float
    cpu_seconds_per_1000_orders: float
    rss_mb: dict[str, float]


def _processes(stack: EmbeddedStack, services: ServiceProcesses) -> dict[str, psutil.Process]:
    found = {name: psutil.Process(p.pid) for name, p in services.processes.items()}
    found["broker"] = psutil.Process(stack.broker.pid)
    found["postgres"] = psutil.Process(stack.postgres.pid)
    return found


def _cpu_seconds(processes: dict[str, psutil.Process]) -> float:
    total = 0.0
    for process in processes.values():
        for member in [process, *process.children(recursive=True)]:
            times = member.cpu_times()
            total += times.user + times.system
    return total


async def _published(services: ServiceProcesses) -> int:
    reports = await asyncio.gather(
        *(asyncio.to_thread(services.health, name) for name in services.processes)
    )
    return sum(int(report.get("published", 0)) for report in reports)


async def _pick_task_times(bootstrap: str, expected: int, timeout_s: float) -> list[float]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id="bench-warehouse", auto_offset_reset="earliest",
        fetch_max_wait_ms=50, session_timeout_ms=3000, heartbeat_interval_ms=500,
    )  # fmt: skip
    consumer.subscribe(pattern=f"^{topics.PICK_TASKS_PATTERN}$")
    await consumer.start()
    times: list[float] = []
    try:
        async with asyncio.timeout(timeout_s):
            while len(times) < expected:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    times.extend(record.timestamp / 1000 for record in records)
    except TimeoutError:
        pass
    finally:
        await consumer.stop()
    return sorted(times)


def _steady_rate(times: list[float]) -> float:
    """Pick tasks per second between the 10th and 90th percentile: no warm-up, no tail."""
    low, high = int(len(times) * 0.1), int(len(times) * 0.9) - 1
    return (high - low) / max(times[high] - times[low], 1e-6)


async def order_to_pick_task(orders: int, partitions: int, log_dir: Path) -> PipelineFigures:
    setup = SellerSetup.load(DEMO_SELLER_SETUP)
    stack = EmbeddedStack(setup, partitions, log_dir)
    endpoints = await stack.start()
    services = ServiceProcesses(endpoints, DEMO_SELLER_SETUP, log_dir)
    bus = PartnerBus(endpoints.bootstrap_servers, "bench", session_timeout_ms=3000)
    try:
        services.start()
        await bus.start()
        if not_ready := await services.wait_until_ready():
            raise RuntimeError(f"services not ready: {not_ready}; see {log_dir}")
        await Warehouse(bus, setup).receive_stock(orders * 10)
        await asyncio.sleep(2)  # let the opening stock reach routing's replica
        processes = _processes(stack, services)
        cpu_before, published_before = _cpu_seconds(processes), await _published(services)
        clean = MarketplaceMix(malformed=0, unknown_sku=0, incomplete_address=0, cancelled=0)
        counting = asyncio.create_task(
            _pick_task_times(endpoints.bootstrap_servers, orders, orders / 5 + 60)
        )
        await Marketplace(bus, setup, rate=1e9, mix=clean).run(total=orders)
        times = await counting
        if len(times) < orders * 0.95:
            raise RuntimeError(f"only {len(times)} of {orders} pick tasks came out; see {log_dir}")
        await asyncio.sleep(1)  # the last relays' counters
        cpu = _cpu_seconds(processes) - cpu_before
        relayed = await _published(services) - published_before
        return PipelineFigures(
            orders_per_second=_steady_rate(times),
            messages_per_order=(relayed + orders) / orders,
            cpu_seconds_per_1000_orders=cpu / orders * 1000,
            rss_mb={name: round(p.memory_info().rss / 2**20, 1) for name, p in processes.items()},
        )
    finally:
        await bus.stop()
        services.stop()
        stack.stop()
