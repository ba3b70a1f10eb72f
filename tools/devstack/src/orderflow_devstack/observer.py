"""Watches every topic from outside, like an operator's dashboard: counts each step of the
journey and measures order-received to pick-task latency by correlation id."""

import re
import time
from collections import deque
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer
from orderflow_contracts import Envelope, MalformedEvent, topics
from orderflow_contracts.fulfillment import ShipmentStatus

_PICK_TASKS = re.compile(topics.PICK_TASKS_PATTERN)

COUNTED = {
    "OrderAccepted": "accepted",
    "OrderHeld": "held",
    "OrderCancelled": "cancelled",
    "OrderUnroutable": "unroutable",
    "StockReserved": "reserved",
    "ReservationRejected": "rejected",
    "CustomerNotified": "notified",
    "CustomerUnreachable": "unreachable_customers",
}
# The record that ends each service's hop on the way to a pick task: the time from the hop
# before it is that service's fetch wait, its transaction and its relay.
HOPS = {
    "OrderAccepted": "intake",
    "ShipmentsPlanned": "routing",
    "StockReserved": "inventory",
}
HOP_ORDER = ("intake", "routing", "inventory", "fulfillment")


@dataclass
class Journey:
    received: int = 0
    accepted: int = 0
    held: int = 0
    cancelled: int = 0
    unroutable: int = 0
    reserved: int = 0
    rejected: int = 0
    pick_tasks: int = 0
    shipped: int = 0
    delivered: int = 0
    notified: int = 0
    unreachable_customers: int = 0
    dead_lettered: int = 0
    latencies_ms: deque[float] = field(default_factory=lambda: deque(maxlen=20_000))
    # (order received, epoch seconds; its latency, ms): lets a bench keep only a window's orders
    latency_samples: deque[tuple[float, float]] = field(
        default_factory=lambda: deque(maxlen=200_000)
    )
    _pick_task_times: deque[float] = field(default_factory=lambda: deque(maxlen=100_000))
    # (order received, epoch seconds; ms spent in each hop): where the latency goes
    hop_samples: deque[tuple[float, dict[str, float]]] = field(
        default_factory=lambda: deque(maxlen=200_000)
    )

    def percentile(self, share: float) -> float | None:
        if not self.latencies_ms:
            return None
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def pick_tasks_per_second(self, window_s: float = 5.0) -> float:
        horizon = time.monotonic() - window_s
        return sum(1 for at in self._pick_task_times if at >= horizon) / window_s


class Observer:
    def __init__(self, bootstrap_servers: str, received_at_record_time: bool = False) -> None:
        """`received_at_record_time`: an order is received when its marketplace.orders record
        was stamped (CreateTime: when the marketplace's producer sent it), not when the
        marketplace built its envelope (`occurred_at`, the default)."""
        self.journey = Journey()
        self._received_at_record_time = received_at_record_time
        self._received_at: dict[str, float] = {}
        self._hop_ends_ms: dict[str, dict[str, int]] = {}  # correlation id -> hop -> record time
        # A pick task read before its order (another topic's partition came first in a fetch)
        self._early_pick_tasks: dict[str, int] = {}
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id="orderflow-observer",
            auto_offset_reset="earliest",
            # It watches every partition of every topic: polling it fast would cost the broker
            # more than all services together. Latency comes from record timestamps anyway, so
            # each fetch waits for 64 KiB or a quarter second: answered at the first record, it
            # fetched as fast as it could parse, and took a fifth of the bench process's CPU
            # encoding and decoding those fetches at 100 orders/s.
            fetch_min_bytes=64 * 1024,
            fetch_max_wait_ms=250,
            session_timeout_ms=3000,
            heartbeat_interval_ms=500,
        )

    async def run(self) -> None:
        self._consumer.subscribe(pattern=r"^[a-z].*")
        await self._consumer.start()
        try:
            while True:
                for partition, records in (await self._consumer.getmany(timeout_ms=500)).items():
                    for record in records:
                        self._count(partition.topic, record.value, record.timestamp)
        finally:
            await self._consumer.stop()

    def _count(self, topic: str, value: bytes | None, timestamp_ms: int) -> None:
        journey = self.journey
        if topic.endswith(".dlq"):
            journey.dead_lettered += 1
            return
        try:
            envelope = Envelope.from_bytes(value)
        except MalformedEvent:
            journey.received += topic == topics.MARKETPLACE_ORDERS
            return
        if envelope.type == "MarketplaceOrderPublished":
            journey.received += 1
            self._received_at[envelope.correlation_id] = (
                timestamp_ms / 1000
                if self._received_at_record_time
                else envelope.occurred_at.timestamp()
            )
            if (early := self._early_pick_tasks.pop(envelope.correlation_id, None)) is not None:
                self._measure(envelope.correlation_id, early)
        elif _PICK_TASKS.fullmatch(topic):
            self._pick_task(envelope.correlation_id, timestamp_ms)
        elif envelope.type == "ShipmentStatusChanged":
            status = envelope.payload.get("status")
            journey.shipped += status == ShipmentStatus.SHIPPED
            journey.delivered += status == ShipmentStatus.DELIVERED
        elif envelope.type in COUNTED:
            name = COUNTED[envelope.type]
            setattr(journey, name, getattr(journey, name) + 1)
        if envelope.type in HOPS:
            self._hop_end(envelope.correlation_id, HOPS[envelope.type], timestamp_ms)

    def _hop_end(self, correlation_id: str, hop: str, timestamp_ms: int) -> None:
        """The first record of each hop counts (a re-plan's second plan does not)."""
        ends = self._hop_ends_ms.setdefault(correlation_id, {})
        ends.setdefault(hop, timestamp_ms)
        if len(self._hop_ends_ms) > 50_000:  # journeys that never end: oldest forgotten first
            del self._hop_ends_ms[next(iter(self._hop_ends_ms))]

    def _pick_task(self, correlation_id: str, timestamp_ms: int) -> None:
        self.journey.pick_tasks += 1
        self.journey._pick_task_times.append(time.monotonic())
        if correlation_id in self._received_at:
            self._measure(correlation_id, timestamp_ms)
        else:  # early, or a split order's second pick task: bounded, oldest forgotten first
            early = self._early_pick_tasks
            early[correlation_id] = min(early.get(correlation_id, timestamp_ms), timestamp_ms)
            if len(early) > 10_000:
                del early[next(iter(early))]

    def _measure(self, correlation_id: str, timestamp_ms: int) -> None:
        received = self._received_at.pop(correlation_id, None)
        if received is None:
            return
        latency_ms = timestamp_ms - received * 1000
        self.journey.latencies_ms.append(latency_ms)
        self.journey.latency_samples.append((received, latency_ms))
        ends = self._hop_ends_ms.pop(correlation_id, {})
        ends["fulfillment"] = timestamp_ms
        if all(hop in ends for hop in HOP_ORDER):
            previous, hops = received * 1000, {}
            for hop in HOP_ORDER:
                hops[hop], previous = ends[hop] - previous, ends[hop]
            self.journey.hop_samples.append((received, hops))
