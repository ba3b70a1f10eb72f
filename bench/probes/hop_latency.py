"""Where an order's time goes on its way to a pick task when the machine is nearly idle.

For each rate (orders/s) the five services run on the embedded broker for 25 s of orders, logging
at debug level. Afterwards the probe reads every record from the start and each service's log,
and splits each service's hop at its `event.read` line (written as soon as a fetched record is
decoded):

- delivery: from the stamp of the record the service consumes (stamped when the previous
  service's relay sent it) to `event.read`: the producer's linger, the broker and the fetch;
- work: from `event.read` to the stamp of the record the service emits: the inbox, the handler,
  the commit and the relay.

It also prints received to pick task (p50 / p99) and the broker's share of a core.

    .venv/bin/python bench/probes/hop_latency.py [rate ...]      (default: 5 20)
"""

import asyncio
import json
import os
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from orderflow_contracts import topics
from orderflow_devstack.bench.latency import received_in
from orderflow_devstack.bench.load import UniqueBuyers, steady
from orderflow_devstack.bench.meter import cpu_between
from orderflow_devstack.bench.results import wide_console
from orderflow_devstack.bench.session import BenchSession
from orderflow_devstack.bench.stats import percentile
from orderflow_devstack.bench.watch import TopicWatch, wait_while_progressing
from orderflow_devstack.observer import HOP_ORDER, HOPS

LOG_DIR = Path(".orderflow/probe-logs")
WARMUP_S, MEASURE_S = 5.0, 25.0
# The record that ends each hop, by envelope type (a pick task by its topic), and the order's
# first record, which starts the first hop.
HOP_END = {"MarketplaceOrderPublished": "received", **HOPS}
CONSUMES = {  # what each service reads on the way
    "intake": "MarketplaceOrderPublished",
    "routing": "OrderAccepted",
    "inventory": "ShipmentsPlanned",
    "fulfillment": "StockReserved",
}
_PICK_TASKS = re.compile(topics.PICK_TASKS_PATTERN)


async def record_stamps(bootstrap_servers: str, orders: int) -> dict[str, dict[str, float]]:
    """correlation id -> hop -> the stamp (ms) of the first record that ended it, read from the
    start once the load is over (a watcher polling during it would cost the broker CPU), until
    every order has its pick task or the reading stalls."""
    stamps: dict[str, dict[str, float]] = {}

    def on_record(topic: str, body: dict[str, Any], timestamp_s: float) -> None:
        hop = "fulfillment" if _PICK_TASKS.fullmatch(topic) else HOP_END.get(body.get("type", ""))
        if hop and (correlation_id := body.get("correlation_id")):
            stamps.setdefault(correlation_id, {}).setdefault(hop, timestamp_s * 1000)

    def picked() -> int:
        return sum("fulfillment" in ends for ends in stamps.values())

    watch = TopicWatch(bootstrap_servers, on_record, pattern="[a-z].*")
    await watch.start()
    try:
        await wait_while_progressing(picked, orders, stall_s=10, limit_s=120)
    finally:
        await watch.stop()
    return stamps


def read_at(service: str) -> dict[str, float]:
    """correlation id -> when the service first read the event it handles on the way (epoch ms)."""
    first: dict[str, float] = {}
    for line in (LOG_DIR / f"{service}.log").read_text().splitlines():
        if '"event.read"' not in line:
            continue
        entry = json.loads(line)
        if entry["event_type"] == CONSUMES[service]:
            at = datetime.fromisoformat(entry["timestamp"].replace("Z", "+00:00"))
            first.setdefault(entry["correlation_id"], at.timestamp() * 1000)
    return first


def p50_p90(values: list[float]) -> str:
    return f"{percentile(values, 0.5):5.1f} / {percentile(values, 0.9):5.1f}"


async def probe(session: BenchSession, rate: float) -> None:
    async with session.system() as system:
        await system.receive_stock(1_000_000)
        meter = system.meter()
        before = meter.snapshot()
        marketplace = UniqueBuyers(system.bus, system.setup, rate)
        window = await steady(marketplace, WARMUP_S, MEASURE_S)
        broker_s = cpu_between(before, meter.snapshot()).by_process["broker"]
        stamps = await record_stamps(system.endpoints.bootstrap_servers, marketplace.published)
    read = {service: read_at(service) for service in HOP_ORDER}
    deliveries: dict[str, list[float]] = {hop: [] for hop in HOP_ORDER}
    work: dict[str, list[float]] = {hop: [] for hop in HOP_ORDER}
    totals = []
    journeys = [
        (ends["received"] / 1000, (correlation_id, ends))
        for correlation_id, ends in stamps.items()
        if "received" in ends and "fulfillment" in ends
    ]
    for correlation_id, ends in received_in(window, journeys):
        totals.append(ends["fulfillment"] - ends["received"])
        previous = ends["received"]
        for hop in HOP_ORDER:
            if hop not in ends or correlation_id not in read[hop]:
                break
            deliveries[hop].append(read[hop][correlation_id] - previous)
            work[hop].append(ends[hop] - read[hop][correlation_id])
            previous = ends[hop]
    seconds = WARMUP_S + MEASURE_S
    print(
        f"\n{rate:g} orders/s: {len(totals)} orders measured; received -> pick task"
        f" p50 {percentile(totals, 0.5):.0f} ms, p99 {percentile(totals, 0.99):.0f} ms;"
        f" broker {broker_s / seconds:.0%} of a core"
    )
    print(f"{'hop':<12} {'delivery p50 / p90 ms':>22} {'work p50 / p90 ms':>18}")
    for hop in HOP_ORDER:
        if deliveries[hop]:
            print(f"{hop:<12} {p50_p90(deliveries[hop]):>22} {p50_p90(work[hop]):>18}")


async def main(rates: list[float]) -> None:
    for service in HOP_ORDER:
        os.environ[f"{service.upper()}_LOG_LEVEL"] = "DEBUG"
    session = BenchSession(False, 1, 6, LOG_DIR, wide_console())
    for rate in rates:
        await probe(session, rate)


if __name__ == "__main__":
    asyncio.run(main([float(rate) for rate in sys.argv[1:]] or [5.0, 20.0]))
