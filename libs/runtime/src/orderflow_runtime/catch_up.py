"""Replicas caught up before a service decides anything: the records of a compacted topic,
from the group's committed offsets (the replica is current up to them) or its beginning, to
the end it had when the service started, handled by the service's own subscriptions before
the consumer reads any other topic. Routing planned against an empty stock replica in its
first seconds without this, holding orders as unroutable while inventory had stock."""

import asyncio
import time

import asyncpg
import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from orderflow_contracts import MalformedEvent

from orderflow_runtime.consumer import Delivery, Subscriptions, handle_batch, read_delivery
from orderflow_runtime.db import transaction
from orderflow_runtime.kafka import TopicNames, group_positions
from orderflow_runtime.settings import ServiceSettings

log = structlog.get_logger()


class CatchUpFailed(RuntimeError):
    pass


async def catch_up(
    topic: str,
    *,
    settings: ServiceSettings,
    group: str,
    names: TopicNames,
    pool: asyncpg.Pool,
    source: str,
    subscriptions: Subscriptions,
) -> int:
    """Handle `topic` up to its end offsets at the call; returns how many records were read.
    The inbox keeps what was handled here from being handled again when the consumer reads
    it; a malformed record is left for the consumer, which dead-letters it."""
    started = time.monotonic()
    physical = names.physical(topic)
    try:
        async with asyncio.timeout(settings.catch_up_timeout_s):
            positions = await group_positions(settings.kafka_bootstrap_servers, physical, group)
            if not positions:
                raise CatchUpFailed(f"topic {physical} does not exist")
            consumer = AIOKafkaConsumer(
                bootstrap_servers=settings.kafka_bootstrap_servers,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                fetch_max_wait_ms=50,
            )
            await consumer.start()
            try:
                read = await _read_to_end(
                    consumer, positions, topic, pool, source, subscriptions, settings.max_batch
                )
            finally:
                await consumer.stop()
    except TimeoutError:
        raise CatchUpFailed(
            f"{source} could not read {topic} to its end within {settings.catch_up_timeout_s}s"
        ) from None
    log.info(
        "replica.caught_up", topic=topic, records=read, seconds=round(time.monotonic() - started, 2)
    )
    return read


async def _read_to_end(
    consumer: AIOKafkaConsumer,
    positions: dict[TopicPartition, int | None],
    topic: str,
    pool: asyncpg.Pool,
    source: str,
    subscriptions: Subscriptions,
    max_batch: int,
) -> int:
    """From the group's positions (or the beginning) to the end offsets of now."""
    assigned = list(positions)
    consumer.assign(assigned)
    end = await consumer.end_offsets(assigned)
    behind = {p for p in assigned if (positions[p] or 0) < end[p]}
    if not behind:
        return 0
    for partition in behind:
        committed = positions[partition]
        if committed is None:
            await consumer.seek_to_beginning(partition)  # compaction may have moved it past 0
        else:
            consumer.seek(partition, committed)
    read = 0
    while behind:
        batch = await consumer.getmany(*behind, timeout_ms=1000, max_records=max_batch)
        deliveries: list[Delivery] = []
        for records in batch.values():
            read += len(records)
            for record in records:
                try:
                    delivery = read_delivery(subscriptions, topic, record.value)
                except MalformedEvent:
                    continue
                if delivery is not None:
                    deliveries.append(delivery)
        if deliveries:
            async with transaction(pool) as conn:
                await handle_batch(conn, source, deliveries)
        behind = {p for p in behind if await consumer.position(p) < end[p]}
    return read
