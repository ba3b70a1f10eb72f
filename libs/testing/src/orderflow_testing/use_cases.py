"""A service's use cases driven without a broker: its own subscriptions, on its own migrated
database, inside a transaction the test rolls back.

Why real PostgreSQL and not an in-memory store: the stores' SQL holds the invariants (row
locks, `ON CONFLICT`, `CHECK (on_hand >= 0)`, advisory locks), so a fake store would test
another program. What makes these tests fast is leaving out Kafka (topics, group joins,
polls), not the database: the database is migrated once per session and each test's writes
are rolled back."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg
from orderflow_contracts import Envelope, Event
from orderflow_embedded import create_databases, database_url
from orderflow_runtime import ServiceSpec, Subscriptions, UnitOfWork
from orderflow_runtime.consumer import Delivery, handle_batch, read_delivery
from orderflow_runtime.db import apply_migrations
from orderflow_runtime.outbox import OutgoingMessage

Prepare = Callable[[asyncpg.Connection], Awaitable[None]]


@dataclass
class DrivenService:
    """One service's subscriptions on one connection. Each `deliver` is one consumer batch in
    one savepoint (a batch that fails leaves the test's earlier data as it was)."""

    conn: asyncpg.Connection
    source: str
    subscriptions: Subscriptions

    async def deliver(
        self, topic: str, *events: Event, correlation_id: str = "test-order"
    ) -> list[OutgoingMessage]:
        """`events` read from `topic` in one poll, each in a new envelope; returns what the
        batch emitted, in order."""
        envelopes = [
            Envelope.wrap(event, source="test", correlation_id=correlation_id) for event in events
        ]
        return await self.redeliver(topic, *envelopes)

    async def redeliver(self, topic: str, *envelopes: Envelope) -> list[OutgoingMessage]:
        """Envelopes as read, kept ids included: a second delivery of one is a duplicate."""
        routed = [self._routed(topic, envelope) for envelope in envelopes]
        deliveries = [delivery for delivery in routed if delivery is not None]
        if not deliveries:
            return []
        async with self.conn.transaction():
            outgoing, _ = await handle_batch(self.conn, self.source, deliveries)
        return outgoing

    @asynccontextmanager
    async def unit_of_work(self, correlation: str = "test-request") -> AsyncIterator[UnitOfWork]:
        """Work no message caused (an API call, a timer), in a savepoint."""
        async with self.conn.transaction():
            yield UnitOfWork(conn=self.conn, source=self.source, correlation=correlation)

    def _routed(self, topic: str, envelope: Envelope) -> Delivery | None:
        """Decoded from its bytes and routed as the consumer does a record: None for an event
        its subscription passes over (`only`)."""
        if self.subscriptions.route(topic, envelope.type) is None:
            raise LookupError(f"{self.source} does not consume {envelope.type} on {topic}")
        return read_delivery(self.subscriptions, topic, envelope.to_bytes())


class MigratedDatabases:
    """One database per service, migrated (and prepared) once per test session."""

    def __init__(self, postgres_url: str) -> None:
        self._postgres_url = postgres_url
        self._session = uuid.uuid4().hex[:8]
        self._urls: dict[str, str] = {}

    async def url(self, service: str, migrations_package: str, prepare: Prepare | None) -> str:
        if service not in self._urls:
            name = f"uc{self._session}_{service}"
            await create_databases(self._postgres_url, [name])
            url = database_url(self._postgres_url, name)
            pool = await asyncpg.create_pool(url, min_size=1, max_size=1)
            assert pool is not None
            try:
                await apply_migrations(pool, "orderflow_runtime", migrations_package)
                if prepare is not None:
                    async with pool.acquire() as conn:
                        await prepare(conn)
            finally:
                await pool.close()
            self._urls[service] = url
        return self._urls[service]


@asynccontextmanager
async def driven_service(
    databases: MigratedDatabases, spec: ServiceSpec, prepare: Prepare | None = None
) -> AsyncIterator[DrivenService]:
    """The service's subscriptions on its migrated database (`prepare` loads its reference
    data once per session), in a transaction rolled back after the test."""
    url = await databases.url(spec.name, spec.migrations_package, prepare)
    conn = await asyncpg.connect(url)
    test_transaction = conn.transaction()
    await test_transaction.start()
    try:
        yield DrivenService(conn, spec.name, spec.subscriptions)
    finally:
        await test_transaction.rollback()
        await conn.close()
