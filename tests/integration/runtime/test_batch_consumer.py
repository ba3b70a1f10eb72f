"""The services' consumer on the real broker, at the end of a burst: a partition with more news
than one fetch brings, read a batch at a time while the broker's other partitions are quiet.
aiokafka's own consumer fetches the quiet ones alone once the busy one's records have waited
0.1 s, the broker holds that fetch for fetch_max_wait_ms, and the rest of the burst waits for it;
the services' consumer (`create_consumer`, a BatchConsumer) fetches again only when its buffer
is empty, every partition together."""

import asyncio
import time
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from orderflow_embedded import create_topics
from orderflow_runtime import ServiceSettings
from orderflow_runtime.kafka import create_consumer
from orderflow_testing.system import TestSystem

pytestmark = pytest.mark.integration

RECORDS = 1_500
RECORD_BYTES = 2_000  # 1,500 of them are ~3 MiB: three fetches of 1 MiB a partition
BATCH = 200
WORK_S = 0.15  # a batch's transaction: longer than aiokafka's 0.1 s prefetch backoff
FETCH_WAIT_MS = 3_000


async def test_the_rest_of_a_burst_is_read_as_soon_as_the_buffer_is_taken(
    system: TestSystem,
) -> None:
    topic = await _burst_on_one_of_two_partitions(system)
    settings = system.settings(
        ServiceSettings, "unused", fetch_max_wait_ms=FETCH_WAIT_MS, max_batch=BATCH
    )

    seconds = await _read_all(create_consumer(settings, f"{topic}-reader", 1), topic)

    assert seconds < FETCH_WAIT_MS / 1000, f"{seconds:.2f} s: a fetch of quiet partitions held it"


async def test_aiokafkas_own_consumer_waits_on_the_quiet_partitions_fetch(
    system: TestSystem,
) -> None:
    """The behaviour BatchConsumer changes, so that an aiokafka upgrade that fixes it shows."""
    topic = await _burst_on_one_of_two_partitions(system)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=system.infrastructure.bootstrap_servers,
        group_id=f"{topic}-reader",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=FETCH_WAIT_MS,
        max_poll_records=BATCH,
    )

    seconds = await _read_all(consumer, topic)

    assert seconds > FETCH_WAIT_MS / 1000


async def _burst_on_one_of_two_partitions(system: TestSystem) -> str:
    servers = system.infrastructure.bootstrap_servers
    topic = f"{system.prefix}burst-{uuid.uuid4().hex[:6]}"
    await create_topics(servers, [topic], partitions=2)
    producer = AIOKafkaProducer(bootstrap_servers=servers, max_batch_size=256 * 1024)
    await producer.start()
    try:
        for _ in range(RECORDS):
            await producer.send(topic, b"x" * RECORD_BYTES, partition=0)
        await producer.flush()
    finally:
        await producer.stop()
    return topic


async def _read_all(consumer: AIOKafkaConsumer, topic: str) -> float:
    """Seconds from the first batch to the last, each batch followed by WORK_S of work."""
    consumer.subscribe([topic])
    await consumer.start()
    try:
        read, first = 0, None
        async with asyncio.timeout(60):
            while read < RECORDS:
                batch = await consumer.getmany(timeout_ms=FETCH_WAIT_MS * 2)
                if not batch:
                    continue
                first = first or time.monotonic()
                read += sum(len(records) for records in batch.values())
                await asyncio.sleep(WORK_S)
        return time.monotonic() - first - WORK_S
    finally:
        await consumer.stop()
