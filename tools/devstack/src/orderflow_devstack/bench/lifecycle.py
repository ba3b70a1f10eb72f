"""Case 3, full lifecycle: orders through pick task, shipment, tracking, delivery and the
customer's e-mail, with the simulated warehouse and carrier answering at once and the SMTP
sink as the customer's inbox. An order counts as delivered when notifications has sent (the
SMTP server accepted, then `notifications.sent` carried CustomerNotified) a "delivered"
notification for every shipment of its reserved plan: the customer has been told. Orders come
only from channels whose payloads carry the buyer's e-mail (Shopee and AliExpress mask it, so
their buyers cannot be told by e-mail and such orders would never count)."""

import asyncio
from collections import Counter
from typing import Any

from orderflow_contracts import topics
from orderflow_simulators.bus import PartnerBus
from orderflow_simulators.partners import Carrier, Warehouse

from orderflow_devstack.bench import targets
from orderflow_devstack.bench.inbox import move_inbox_out
from orderflow_devstack.bench.results import CaseResult
from orderflow_devstack.bench.session import BenchSession
from orderflow_devstack.bench.stats import median
from orderflow_devstack.bench.throughput import (
    Completions,
    Throughput,
    saturate,
    stop_tasks,
)


class DeliveredOrders:
    """Joins each order's reserved plan (how many shipments) with its delivered notices."""

    def __init__(self) -> None:
        self.completions = Completions()
        self.shipments: dict[str, int] = {}
        self.delivered: Counter[str] = Counter()
        self._last_notice: dict[str, float] = {}

    def on_record(self, topic: str, body: dict[str, Any], timestamp_s: float) -> None:
        payload = body.get("payload") or {}
        if body.get("type") == "StockReserved":
            order_id = payload["plan"]["order_id"]
            self.shipments[order_id] = len(payload["plan"]["shipments"])
        elif body.get("type") == "CustomerNotified" and payload.get("notification") == "delivered":
            order_id = payload["order_id"]
            self.delivered[order_id] += 1
            self._last_notice[order_id] = max(self._last_notice.get(order_id, 0), timestamp_s)
        else:
            return
        wanted = self.shipments.get(order_id)
        if wanted is not None and self.delivered[order_id] >= wanted:
            self.completions.finish(order_id, self._last_notice[order_id])


async def full_lifecycle(session: BenchSession) -> Throughput:
    orders = DeliveredOrders()
    async with session.system() as system:
        move_inbox_out(system)
        await system.receive_stock(1_000_000)
        bootstrap = system.endpoints.bootstrap_servers
        buses = [
            PartnerBus(bootstrap, f"sim.{name}", session_timeout_ms=3000, fetch_max_wait_ms=20)
            for name in ("warehouse", "carrier")
        ]
        partners: list[asyncio.Task[None]] = []
        try:
            for bus in buses:
                await bus.start()
            partners = [
                asyncio.create_task(Warehouse(buses[0], system.setup).run()),
                asyncio.create_task(Carrier(buses[1]).run()),
            ]
            return await saturate(
                system,
                session.duration,
                orders.on_record,
                orders.completions,
                topics=[topics.INVENTORY_RESERVATIONS, topics.NOTIFICATIONS_SENT],
                emailed_only=True,
            )
        finally:
            await stop_tasks(partners)
            for bus in buses:
                await bus.stop()


async def run(session: BenchSession) -> list[CaseResult]:
    duration = session.duration
    session.say(
        f"lifecycle: orders to the customer's delivered e-mail, {duration.measure_s:.0f} s"
        f" measured x {session.repeats}, simulated warehouse and carrier answering at once"
    )
    runs = [await full_lifecycle(session) for _ in range(session.repeats)]
    rates = [r.orders_per_second for r in runs]
    details = {"counted": "orders with a sent 'delivered' notification per shipment"}
    return [
        CaseResult(
            "full lifecycle (delivered, customer told)",
            "orders/s",
            rates,
            details | runs[-1].details(),
            [targets.DELIVERED.check(median(rates))],
        )
    ]
