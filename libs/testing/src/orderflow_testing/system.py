"""A namespace of the real broker and PostgreSQL for one test: its own topic prefix, its own
databases, the services it starts, stopped and dropped afterwards."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from orderflow_bus import TopicBus
from orderflow_contracts import Envelope, Event, MalformedEvent
from orderflow_contracts.topics import all_topics, topic_config
from orderflow_embedded import create_databases, create_topics, database_url, delete_topics
from orderflow_runtime import RunningService, ServiceSettings, ServiceSpec, start_service

from orderflow_testing.infrastructure import Infrastructure

T = TypeVar("T")
S = TypeVar("S", bound=ServiceSettings)


async def eventually(
    check: Callable[[], Awaitable[T]], timeout_s: float = 20.0, interval_s: float = 0.1
) -> T:
    """Poll until `check` returns something truthy; fail with its last answer otherwise."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not true after {timeout_s}s; last answer: {result!r}")
        await asyncio.sleep(interval_s)


@dataclass(frozen=True)
class Message:
    record: ConsumerRecord[bytes, bytes]
    envelope: Envelope | None
    event: Event | None

    def header(self, name: str) -> str:
        value: bytes = dict(self.record.headers).get(name, b"")
        return value.decode()


# A consumer that dies without leaving its group gives up its partitions within seconds.
FAST_GROUP_JOIN = {"session_timeout_ms": 3000, "heartbeat_interval_ms": 500}
# The relay's poll and the consumer's backoff, short for tests; a test may set its own.
_FAST_RETRIES = {"relay_poll_interval_s": 0.2, "retry_backoff_s": 0.05}


class TestSystem:
    __test__ = False

    def __init__(self, infrastructure: Infrastructure, partitions: int = 3) -> None:
        self.infrastructure = infrastructure
        self.namespace = f"t{uuid.uuid4().hex[:10]}"
        self.prefix = f"{self.namespace}."
        self.partitions = partitions
        self.services: list[RunningService] = []
        self._pools: dict[str, asyncpg.Pool] = {}
        self._buses: list[TopicBus] = []

    async def create_topics(self, locations: list[str]) -> None:
        await create_topics(
            self.infrastructure.bootstrap_servers,
            [self.prefix + t for t in all_topics(locations)],
            self.partitions,
            lambda physical: topic_config(physical.removeprefix(self.prefix)),
        )

    def database_name(self, service: str) -> str:
        return f"{self.namespace}_{service}"

    async def database_url(self, service: str) -> str:
        name = self.database_name(service)
        await create_databases(self.infrastructure.postgres_url, [name])
        return database_url(self.infrastructure.postgres_url, name)

    def settings(self, settings_type: type[S], database_url: str, **overrides: Any) -> S:
        return settings_type(
            kafka_bootstrap_servers=self.infrastructure.bootstrap_servers,
            database_url=database_url,
            topic_prefix=self.prefix,
            **{**FAST_GROUP_JOIN, **_FAST_RETRIES, **overrides},
        )

    async def start(
        self,
        name: str,
        create_spec: Callable[[S], ServiceSpec],
        settings_type: type[S],
        **overrides: Any,
    ) -> RunningService:
        settings = self.settings(settings_type, await self.database_url(name), **overrides)
        service = await start_service(create_spec(settings), settings)
        self.services.append(service)
        return service

    async def db(self, service: str) -> asyncpg.Pool:
        if service not in self._pools:
            pool = await asyncpg.create_pool(
                await self.database_url(service), min_size=1, max_size=2
            )
            assert pool is not None
            self._pools[service] = pool
        return self._pools[service]

    async def bus(self, source: str = "test") -> TopicBus:
        bus = TopicBus(
            self.infrastructure.bootstrap_servers, source, self.prefix, session_timeout_ms=3000
        )
        await bus.start()
        self._buses.append(bus)
        return bus

    async def read(
        self, topic: str, until: Callable[[list[Message]], bool], timeout_s: float = 20.0
    ) -> list[Message]:
        """Everything on a topic from its beginning, read until `until` holds (or fail)."""
        consumer = AIOKafkaConsumer(
            self.prefix + topic,
            bootstrap_servers=self.infrastructure.bootstrap_servers,
            group_id=f"reader-{uuid.uuid4().hex[:8]}",
            auto_offset_reset="earliest",
            fetch_max_wait_ms=10,
            **FAST_GROUP_JOIN,
        )
        await consumer.start()
        seen: list[Message] = []
        try:
            async with asyncio.timeout(timeout_s):
                while not until(seen):
                    for records in (await consumer.getmany(timeout_ms=200)).values():
                        seen.extend(_decode(record) for record in records)
        except TimeoutError:
            raise AssertionError(
                f"{topic}: condition not met after {timeout_s}s, saw {len(seen)} messages"
            ) from None
        finally:
            await consumer.stop()
        return seen

    async def close(self) -> None:
        for service in reversed(self.services):
            await service.stop()
        for bus in self._buses:
            await bus.stop()
        for pool in self._pools.values():
            await pool.close()
        await delete_topics(self.infrastructure.bootstrap_servers, self.prefix)
        conn = await asyncpg.connect(self.infrastructure.postgres_url)
        try:
            for row in await conn.fetch(
                "SELECT datname FROM pg_database WHERE datname LIKE $1", f"{self.namespace}_%"
            ):
                await conn.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
        finally:
            await conn.close()


def _decode(record: ConsumerRecord[bytes, bytes]) -> Message:
    try:
        envelope = Envelope.from_bytes(record.value)
    except MalformedEvent:
        return Message(record, None, None)
    try:
        return Message(record, envelope, envelope.event())
    except MalformedEvent:
        return Message(record, envelope, None)
