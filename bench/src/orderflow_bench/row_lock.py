"""The flash sale's baseline: the way Saleor and Vendure allocate, one transaction per order
that locks the stock row (SELECT ... FOR UPDATE), checks it, then UPDATEs it. Bench-only, in
its own database on the same embedded PostgreSQL, in the bench process.

It consumes the very ShipmentsPlanned records the inventory service answered (from
routing.plans, in its own consumer group) and keeps the service's guarantees, so the two do
the same work apart from the locking strategy: per order, one transaction on one of 4
connections (the service's pool size) with an inbox insert, the locked read and update of each
line's stock row, a reservation row and an outbox row; per poll batch, the answers are
published to Kafka, marked sent, and the offsets committed. Per order that is BEGIN, inbox,
SELECT FOR UPDATE, UPDATE, INSERT reservation, INSERT outbox, COMMIT: 7 round trips for a
one-line order, what a straightforward implementation needs."""

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from orderflow_contracts import Envelope, topics
from orderflow_contracts.inventory import ReservationRejected, Shortage, StockReserved
from orderflow_contracts.routing import ShipmentsPlanned
from orderflow_embedded import create_databases, create_topics, database_url

from orderflow_bench.figures import steady_rate

DATABASE = "bench_row_lock"
ANSWERS_TOPIC = "bench.row-lock.reservations"
CONNECTIONS = 4

SCHEMA = """
CREATE TABLE IF NOT EXISTS stock (
    sku text NOT NULL, location_id text NOT NULL,
    on_hand int NOT NULL CHECK (on_hand >= 0), reserved int NOT NULL DEFAULT 0,
    PRIMARY KEY (sku, location_id), CHECK (reserved <= on_hand));
CREATE TABLE IF NOT EXISTS inbox (event_id uuid PRIMARY KEY);
CREATE TABLE IF NOT EXISTS reservations (order_id text PRIMARY KEY, plan jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, topic text NOT NULL, key text NOT NULL,
    value bytea NOT NULL, sent_at timestamptz);
"""


@dataclass
class RowLockFigures:
    per_second: float
    answers: dict[str, int]
    oversold_units: int
    details: dict[str, Any] = field(default_factory=dict)


Outcome = tuple[int, str, str, bytes]  # outbox id, answer type, order id, answer


async def _reserve_one(conn: asyncpg.Connection, envelope: Envelope) -> Outcome:
    """One order, one transaction."""
    planned = ShipmentsPlanned.model_validate(envelope.payload)
    lines = sorted(
        (line.sku, shipment.location_id, line.quantity)
        for shipment in planned.shipments
        for line in shipment.lines
    )
    async with conn.transaction():
        if not await conn.fetchval(
            "INSERT INTO inbox VALUES ($1) ON CONFLICT DO NOTHING RETURNING true",
            envelope.event_id,
        ):
            return 0, "duplicate", "", b""
        shortages = []
        for sku, location_id, quantity in lines:  # in key order: no deadlocks
            free = await conn.fetchval(
                "SELECT on_hand - reserved FROM stock WHERE sku = $1 AND location_id = $2"
                " FOR UPDATE",
                sku,
                location_id,
            )
            if (free or 0) < quantity:
                shortages.append(
                    Shortage(
                        sku=sku, location_id=location_id, requested=quantity, available=free or 0
                    )
                )
        if shortages:
            answer: Any = ReservationRejected(
                order_id=planned.order_id, attempt=planned.attempt, shortages=tuple(shortages)
            )
        else:
            for sku, location_id, quantity in lines:
                await conn.execute(
                    "UPDATE stock SET reserved = reserved + $3 WHERE sku = $1 AND location_id = $2",
                    sku,
                    location_id,
                    quantity,
                )
            await conn.execute(
                "INSERT INTO reservations VALUES ($1, $2)",
                planned.order_id,
                planned.model_dump_json(),
            )
            answer = StockReserved(plan=planned)
        value = Envelope.wrap(
            answer, source="row-lock", correlation_id=envelope.correlation_id,
            causation_id=envelope.event_id,
        ).to_bytes()  # fmt: skip
        outbox_id = await conn.fetchval(
            "INSERT INTO outbox (topic, key, value) VALUES ($1, $2, $3) RETURNING id",
            ANSWERS_TOPIC,
            planned.order_id,
            value,
        )
    return outbox_id, answer.event_type, planned.order_id, value


class RowLockInventory:
    def __init__(self, bootstrap_servers: str, server_url: str, partitions: int) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.server_url = server_url
        self.partitions = partitions
        self.database_url = database_url(server_url, DATABASE)

    async def prepare(self, stock: dict[tuple[str, str], int]) -> None:
        await create_databases(self.server_url, [DATABASE])
        await create_topics(self.bootstrap_servers, [ANSWERS_TOPIC], self.partitions)
        conn = await asyncpg.connect(self.database_url)
        try:
            await conn.execute(SCHEMA)
            await conn.executemany(
                "INSERT INTO stock (sku, location_id, on_hand) VALUES ($1, $2, $3)",
                [(sku, location, units) for (sku, location), units in stock.items()],
            )
        finally:
            await conn.close()

    async def run(self, orders: int, timeout_s: float) -> RowLockFigures:
        """Answer `orders` plans from routing.plans; answers per second from the first batch
        read to the last commit (as the service's: all of the work, no percentile window)."""
        pool = await asyncpg.create_pool(
            self.database_url, min_size=CONNECTIONS, max_size=CONNECTIONS
        )
        consumer = AIOKafkaConsumer(
            topics.ROUTING_PLANS, bootstrap_servers=self.bootstrap_servers,
            group_id=f"bench-row-lock-{uuid.uuid4().hex[:6]}", enable_auto_commit=False,
            auto_offset_reset="earliest", fetch_max_wait_ms=10, max_poll_records=500,
            session_timeout_ms=3000, heartbeat_interval_ms=500,
        )  # fmt: skip
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap_servers, acks="all", linger_ms=2,
            max_batch_size=256 * 1024,
        )  # fmt: skip
        await consumer.start()
        await producer.start()
        done_at: list[float] = []
        kinds: dict[str, int] = {}
        started = 0.0
        try:
            async with asyncio.timeout(timeout_s):
                while len(done_at) < orders:
                    batch = await consumer.getmany(timeout_ms=500)
                    records = [record for part in batch.values() for record in part]
                    if not records:
                        continue
                    started = started or time.time()
                    answered = await self._answer(pool, producer, records, done_at)
                    for kind in answered:
                        kinds[kind] = kinds.get(kind, 0) + 1
                    await consumer.commit({tp: part[-1].offset + 1 for tp, part in batch.items()})
        finally:
            await consumer.stop()
            await producer.stop()
            await pool.close()
        return RowLockFigures(
            len(done_at) / (max(done_at) - started),
            kinds,
            await self.oversold(),
            {"steady_10_90_per_s": round(steady_rate(done_at))},
        )

    async def _answer(
        self,
        pool: asyncpg.Pool,
        producer: AIOKafkaProducer,
        records: list[Any],
        done_at: list[float],
    ) -> list[str]:
        envelopes = [Envelope.from_bytes(record.value) for record in records]
        lanes = [envelopes[lane::CONNECTIONS] for lane in range(CONNECTIONS)]

        async def work(lane: list[Envelope]) -> list[Outcome]:
            results = []
            async with pool.acquire() as conn:
                for envelope in lane:
                    results.append(await _reserve_one(conn, envelope))
                    done_at.append(time.time())
            return results

        outcomes = [
            o for lane in await asyncio.gather(*(work(lane) for lane in lanes)) for o in lane
        ]
        fresh = [o for o in outcomes if o[1] != "duplicate"]
        # The relay's part: publish, wait for every ack, mark sent.
        acks = [
            await producer.send(ANSWERS_TOPIC, value, key=order_id.encode())
            for _, _, order_id, value in fresh
        ]
        await asyncio.gather(*acks)
        await pool.execute(
            "UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])",
            [outbox_id for outbox_id, *_ in fresh],
        )
        return [kind for _, kind, _, _ in fresh]

    async def oversold(self) -> int:
        conn = await asyncpg.connect(self.database_url)
        try:
            return int(
                await conn.fetchval(
                    "SELECT coalesce(sum(greatest(reserved - on_hand, 0)), 0) FROM stock"
                )
            )
        finally:
            await conn.close()
