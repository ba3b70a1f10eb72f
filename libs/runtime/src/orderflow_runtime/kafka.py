"""aiokafka clients configured for orderflow's guarantees, and the topic namespace."""

import asyncio
import functools
from dataclasses import dataclass

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.structs import OffsetAndMetadata

from orderflow_runtime.settings import ServiceSettings

log = structlog.get_logger()


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
    # No linger: the relay appends its whole batch before it waits for the acks (aiokafka's send
    # yields only when a partition's batch is full), so the sender finds every record queued
    # and a linger only held each hop's records back by its length.
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        linger_ms=0,
        max_batch_size=256 * 1024,
    )


@functools.lru_cache(maxsize=1 << 16)
def partition_of(key: str, partitions: int) -> int:
    """The partition of a topic of `partitions` that the relay's producer sends a record keyed
    `key` to: its default partitioner, murmur2 of the UTF-8 key (as the Java client). Cached:
    periodic work asks again for the same keys, and each costs some 10 us."""
    return int(DefaultPartitioner()(key.encode(), list(range(partitions)), []))


UNHURRIED_SUFFIX = ".unhurried"


def unhurried_group(group: str) -> str:
    """The group reading a service's unhurried topics (ServiceSpec.unhurried) beside `group`."""
    return group + UNHURRIED_SUFFIX


# Far longer than any batch takes: see BatchConsumer.
_HOLD_FETCHES_WHILE_BUFFERED_S = 3600.0


class BatchConsumer(AIOKafkaConsumer):  # type: ignore[misc]  # aiokafka is untyped
    """An AIOKafkaConsumer that fetches again only once the consumer has taken everything it
    buffered from the broker, and then every partition at once.

    aiokafka fetches one request at a time from a broker. Once a partition's records have
    waited 0.1 s in its buffer (a consumer taking max_batch at a time, a batch taking longer
    than that), it fetches the broker's other partitions without it; when those have no news,
    the broker holds that fetch for up to fetch_max_wait_ms, and the buffered partition, drained
    meanwhile, cannot be fetched until it is answered. Measured in the flash sale: the burst's
    last few hundred plans waited 273-280 ms in 2 of 5 runs. Held, the next fetch asks for every
    partition, and the broker answers it at once with the rest of the burst."""

    async def start(self) -> None:
        await super().start()
        self._fetcher._prefetch_backoff = _HOLD_FETCHES_WHILE_BUFFERED_S


def create_consumer(
    settings: ServiceSettings, group_id: str, fetch_min_bytes: int
) -> AIOKafkaConsumer:
    # Offsets are committed by hand after the database transaction commits; a new group
    # starts from the earliest record, so nothing published before it joined is skipped.
    return BatchConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
        fetch_min_bytes=fetch_min_bytes,
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
        return await _positions(admin, await _partitions(admin, [topic]), group)
    finally:
        await admin.close()


async def _partitions(admin: AIOKafkaAdminClient, topics: list[str]) -> list[TopicPartition]:
    """The partitions of those of `topics` that exist."""
    return [
        TopicPartition(entry["topic"], partition["partition"])
        for entry in await admin.describe_topics(topics)
        if entry["topic"] in topics and not entry["error_code"]
        for partition in entry["partitions"]
    ]


async def _positions(
    admin: AIOKafkaAdminClient, partitions: list[TopicPartition], group: str
) -> dict[TopicPartition, int | None]:
    if not partitions:
        return {}
    committed = await _committed_offsets(admin, group, partitions)
    return {
        partition: committed[partition].offset
        if partition in committed and committed[partition].offset >= 0
        else None
        for partition in partitions
    }


async def seed_offsets(
    bootstrap_servers: str, topics: list[str], from_group: str, to_group: str
) -> int:
    """Give `to_group` the offsets `from_group` committed on `topics`' partitions where it has
    none of its own: a group that takes over some topics from another goes on where that one
    was, not from the topics' beginning. Returns how many partitions were seeded: none once
    `to_group` has committed its own, or while it has members (one of them seeded it)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        partitions = await _partitions(admin, topics)
        ours = await _positions(admin, partitions, to_group)
        unread = [partition for partition, offset in ours.items() if offset is None]
        theirs = await _positions(admin, unread, from_group)
    finally:
        await admin.close()
    seeds = {partition: offset for partition, offset in theirs.items() if offset is not None}
    if not seeds:
        return 0
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, group_id=to_group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(list(seeds))
        await consumer.commit(seeds)
    except KafkaError as error:  # the group has members: they seeded it
        log.info("consumer.offsets_not_seeded", group=to_group, error=repr(error))
        return 0
    finally:
        await consumer.stop()
    log.info(
        "consumer.offsets_seeded", group=to_group, from_group=from_group, partitions=len(seeds)
    )
    return len(seeds)


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
