"""A thin Kafka client for the public topics, as an outside system uses them: publishes
envelopes (with their headers) and reads events, all under an optional topic prefix. The
simulated partners speak through it (`orderflow_simulators.bus.PartnerBus`), and so does a test
(`TestSystem.bus()`, under the test's prefix)."""

import re
import uuid
from collections.abc import AsyncIterator

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from orderflow_contracts import Envelope, Event, MalformedEvent
from orderflow_contracts.envelope import headers_as_bytes


class TopicBus:
    def __init__(
        self,
        bootstrap_servers: str,
        source: str,
        topic_prefix: str = "",
        session_timeout_ms: int = 10_000,
        fetch_max_wait_ms: int = 10,
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.source = source
        self.prefix = topic_prefix
        self.session_timeout_ms = session_timeout_ms
        self.fetch_max_wait_ms = fetch_max_wait_ms
        # Batches of up to 256 KiB, as the services' relays send (aiokafka's 16 KiB default, one
        # request in flight, took 0.45-0.67 s to publish the flash sale's 10,000 plans).
        self.producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap_servers,
            acks="all",
            enable_idempotence=True,
            linger_ms=2,
            max_batch_size=256 * 1024,
        )

    async def start(self) -> None:
        await self.producer.start()

    async def stop(self) -> None:
        await self.producer.stop()

    async def publish(
        self, topic: str, key: str, event: Event, correlation_id: str = ""
    ) -> Envelope:
        envelope = Envelope.wrap(
            event, source=self.source, correlation_id=correlation_id or str(uuid.uuid4())
        )
        await self.producer.send(
            self.prefix + topic,
            envelope.to_bytes(),
            key=key.encode(),
            headers=headers_as_bytes(envelope.headers()),
        )
        return envelope

    async def publish_raw(self, topic: str, key: str, value: bytes) -> None:
        await self.producer.send(self.prefix + topic, value, key=key.encode())

    async def flush(self) -> None:
        await self.producer.flush()

    async def events(
        self, group: str, *, topics: list[str] | None = None, pattern: str = ""
    ) -> AsyncIterator[tuple[Envelope, Event]]:
        """Every decodable event of the topics (or the pattern) from their start, in `group`."""
        consumer = AIOKafkaConsumer(
            *([self.prefix + t for t in topics] if topics else []),
            bootstrap_servers=self.bootstrap_servers,
            group_id=self.prefix + group,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=self.fetch_max_wait_ms,
            session_timeout_ms=self.session_timeout_ms,
            heartbeat_interval_ms=self.session_timeout_ms // 6,
            # A pattern subscriber learns of new topics (a location added, a broker rebuilt
            # without its data) only at a metadata refresh: every 10 s, not the default 5 min,
            # which left the simulated warehouse picking nothing for 5 min in the soak.
            metadata_max_age_ms=10_000 if pattern else 300_000,
        )
        if pattern:
            consumer.subscribe(pattern=f"^{re.escape(self.prefix)}{pattern}$")
        await consumer.start()
        try:
            async for record in consumer:
                try:
                    envelope = Envelope.from_bytes(record.value)
                    yield envelope, envelope.event()
                except MalformedEvent:
                    continue
        finally:
            await consumer.stop()
