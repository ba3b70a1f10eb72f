"""aiokafka clients configured for orderflow's guarantees, and the topic namespace."""

import asyncio
import functools
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.structs import OffsetAndMetadata

from orderflow_runtime.settings import ServiceSettings


@dataclass(frozen=True)
class TopicNames:
    """Maps logical topic names to physical ones: a prefix lets tests and tenants share a
    cluster without seeing each other's messages."""

    prefix: str = ""

    def physical(self, topic: str) -> str:
        return f"{self.prefix}{topic}"

    def logical(self, topic: str) -> str:
        return topic.removeprefix(self.prefix)


def create_producer(bootstrap_servers: str) -> AIOKafkaProducer:
    # Idempotence makes the broker drop a batch the producer retried after a lost ack, and
    # keeps each partition in send order through those retries. The outbox still re-sends
    # whatever a relay published without marking it sent (a crash between the two), as a new
    # send the broker cannot recognise: consumers' inboxes deduplicate those on event_id.
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        max_batch_size=256 * 1024,
    )


@functools.lru_cache(maxsize=1 << 16)
def partition_of(key: str, partitions: int) -> int:
    """The partition of a topic of `partitions` that the relay's producer sends a record keyed
    `key` to: its default partitioner, murmur2 of the UTF-8 key (as the Java client). Cached:
    periodic work asks again for the same keys, and each costs some 10 us."""
    return int(DefaultPartitioner()(key.encode(), list(range(partitions)), []))


def create_consumer(settings: ServiceSettings, group_id: str) -> AIOKafkaConsumer:
    # Offsets are committed by hand after the database transaction commits; a new group
    # starts from the earliest record, so nothing published before it joined is skipped.
    return AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
        fetch_min_bytes=settings.fetch_min_bytes,
        max_poll_records=settings.max_batch,
        session_timeout_ms=settings.session_timeout_ms,
        heartbeat_interval_ms=settings.heartbeat_interval_ms,
    )


async def cluster_id(bootstrap_servers: str) -> str:
    """The id of the cluster behind these servers: a broker formatted anew has another."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        return str((await admin.describe_cluster())["cluster_id"])
    finally:
        await admin.close()


async def group_positions(
    bootstrap_servers: str, topic: str, group: str
) -> dict[TopicPartition, int | None]:
    """Each partition of `topic` and the offset `group` has committed on it (None: nothing
    yet); empty if the topic does not exist. One admin client, two requests."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
        partitions = [
            TopicPartition(topic, partition["partition"])
            for entry in described
            if entry["topic"] == topic and not entry["error_code"]
            for partition in entry["partitions"]
        ]
        if not partitions:
            return {}
        committed = await _committed_offsets(admin, group, partitions)
    finally:
        await admin.close()
    return {
        partition: committed[partition].offset
        if partition in committed and committed[partition].offset >= 0
        else None
        for partition in partitions
    }


async def _committed_offsets(
    admin: AIOKafkaAdminClient, group: str, partitions: list[TopicPartition]
) -> dict[TopicPartition, OffsetAndMetadata]:
    """Retried while the group's coordinator is being elected (a fresh broker's first groups),
    which the admin client, unlike a consumer, does not wait out; callers bound the wait."""
    while True:
        try:
            committed: dict[
                TopicPartition, OffsetAndMetadata
            ] = await admin.list_consumer_group_offsets(group, partitions=partitions)
            return committed
        except KafkaError as error:
            if not error.retriable:
                raise
            await asyncio.sleep(0.2)
