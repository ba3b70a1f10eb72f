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
}


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
    dead_lettered: int = 0
    latencies_ms: deque[float] = field(default_factory=lambda: deque(maxlen=20_000))
    _pick_task_times: deque[float] = field(default_factory=lambda: deque(maxlen=100_000))

    def percentile(self, share: float) -> float | None:
        if not self.latencies_ms:
            return None
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def pick_tasks_per_second(self, window_s: float = 5.0) -> float:
        horizon = time.monotonic() - window_s
        return sum(1 for at in self._pick_task_times if at >= horizon) / window_s


class Observer:
    def __init__(self, bootstrap_servers: str) -> None:
        self.journey = Journey()
        self._received_at: dict[str, float] = {}
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id="orderflow-observer",
            auto_offset_reset="earliest",
            # It watches every partition of every topic: polling it fast would cost the broker
            # more than all services together. Latency comes from record timestamps anyway.
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
            self._received_at[envelope.correlation_id] = envelope.occurred_at.timestamp()
        elif _PICK_TASKS.fullmatch(topic):
            self._pick_task(envelope.correlation_id, timestamp_ms)
        elif envelope.type == "ShipmentStatusChanged":
            status = envelope.payload.get("status")
            journey.shipped += status == ShipmentStatus.SHIPPED
            journey.delivered += status == ShipmentStatus.DELIVERED
        elif envelope.type in COUNTED:
            name = COUNTED[envelope.type]
            setattr(journey, name, getattr(journey, name) + 1)

    def _pick_task(self, correlation_id: str, timestamp_ms: int) -> None:
        self.journey.pick_tasks += 1
        self.journey._pick_task_times.append(time.monotonic())
        received = self._received_at.pop(correlation_id, None)
        if received is not None:
            self.journey.latencies_ms.append(timestamp_ms - received * 1000)
