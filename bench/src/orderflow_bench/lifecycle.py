"""Case `lifecycle`, the full lifecycle: orders through pick task, shipment, tracking, delivery and the
customer's e-mail, with the simulated warehouse and carrier answering at once and the SMTP
sink as the customer's inbox. An order counts as delivered when notifications has sent (the
SMTP server accepted, then `notifications.sent` carried CustomerNotified) a "delivered"
notification for every shipment of its reserved plan: the customer has been told. Orders come
only from channels whose payloads carry the buyer's e-mail (Shopee and AliExpress mask it, so
their buyers cannot be told by e-mail and such orders would never count).

The customer's inbox runs in a process of its own: the stack's SMTP sink runs as a thread of
the bench process, where it shares the GIL with the drivers, the watches and the simulated
partners; every SMTP round trip then waits for the interpreter, and the sink, not the system,
sets the pace of the e-mails. Same sink, same port, own process, and it neither parses nor
keeps the mail (the case counts what notifications reports as sent)."""

import asyncio
import subprocess
import sys
from collections import Counter
from typing import Any

from orderflow_contracts import topics
from orderflow_embedded.children import die_with_parent, stop_child, wait_for_port
from orderflow_simulators.bus import PartnerBus
from orderflow_simulators.partners import Carrier, Warehouse

from orderflow_bench import figures
from orderflow_bench.figures import CaseResult
from orderflow_bench.pipeline import Completions, Throughput, saturate, throughput_result
from orderflow_bench.system import BenchSession, System

_SERVE_INBOX = (
    "import sys, threading\n"
    "from orderflow_embedded import SmtpSink\n"
    "SmtpSink(int(sys.argv[1]), keep=False).start()\n"
    "threading.Event().wait()\n"
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


def move_inbox_out(system: System) -> None:
    """Once per system: stop the in-process sink and serve its port from a child process."""
    if "smtp" in system.extra_pids:
        return
    port = system.endpoints.smtp_port
    system.stack.smtp.stop()
    child = subprocess.Popen(
        [sys.executable, "-c", _SERVE_INBOX, str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=die_with_parent,
    )
    system.closers.append(lambda: stop_child(child, 5))
    wait_for_port(port, 20, lambda: child.poll() is None)
    system.extra_pids["smtp"] = child.pid


async def stop_tasks(tasks: list[asyncio.Task[None]]) -> None:
    """Stop the partner tasks (simulated warehouse, carrier) a case ran beside its load."""
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


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
    counted = "orders with a sent 'delivered' notification per shipment"
    result = throughput_result(
        "full lifecycle (delivered, customer told)", runs, {"counted": counted}
    )
    result.verdicts = [figures.DELIVERED.check(result.median)]
    return [result]
