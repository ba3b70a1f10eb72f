"""How far a consumer has applied each topic's news, in time: a service whose periodic work
reasons from what has not happened yet (a parcel not delivered by now) asks this before it
concludes, so that news already on the topic but not read yet is not taken for silence."""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import IllegalStateError

from orderflow_runtime.kafka import partition_of

Batch = dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]


@dataclass(frozen=True)
class OwnedPartitions:
    """The partitions of a topic this process owns, each with the time its news is applied up
    to (None: not known), out of the topic's `count`. With replicas sharing a consumer group,
    news keyed `key` is read by the one owning `partition_of(key)`: only its owner can say
    whether that news has come."""

    count: int
    read_up_to: Mapping[int, datetime | None]

    def owns(self, key: str) -> bool:
        return partition_of(key, self.count) in self.read_up_to

    @property
    def earliest(self) -> datetime | None:
        """Up to when all of it is read: the earliest, None where one is not known."""
        times = list(self.read_up_to.values())
        if not times or any(time is None for time in times):
            return None
        return min(time for time in times if time is not None)


class ReadProgress:
    """Per partition: the batch being applied (its records are read but not committed) and
    the time of the last record applied (its Kafka timestamp: when it was published)."""

    def __init__(self, consumer: AIOKafkaConsumer) -> None:
        self._consumer = consumer
        self._applying: dict[TopicPartition, int] = {}  # the first offset of the batch
        self._applied_at: dict[TopicPartition, datetime] = {}

    def applying(self, batch: Batch) -> None:
        self._applying = {partition: records[0].offset for partition, records in batch.items()}

    def applied(self, batch: Batch) -> None:
        for partition, records in batch.items():
            self._applied_at[partition] = _published_at(records[-1])

    def settled(self) -> None:
        """The batch committed or failed (a failed one was sought back to its start)."""
        self._applying = {}

    async def owned(self, physical_topic: str) -> OwnedPartitions | None:
        """The topic's partitions assigned to this process, each with the time its news is
        applied up to: where it is applied to its end as of the last fetch, the time that fetch
        was answered (not now: a fetch waiting for fetch_min_bytes leaves what was published
        meanwhile at the broker); else the time of the last record applied on it; None for one
        not fetched yet, or behind with no record applied by this process yet. None where no
        partition of the topic is assigned or its size is not known."""
        partitions = [p for p in self._consumer.assignment() if p.topic == physical_topic]
        count = len(self._consumer.partitions_for_topic(physical_topic) or ())
        if not partitions or not count:
            return None
        read_up_to = {p.partition: await self._partition_read_up_to(p) for p in partitions}
        return OwnedPartitions(count, read_up_to)

    async def _partition_read_up_to(self, partition: TopicPartition) -> datetime | None:
        try:
            position = await asyncio.wait_for(self._consumer.position(partition), timeout=1)
            end = self._consumer.highwater(partition)
            fetched_at_ms = self._consumer.last_poll_timestamp(partition)
        except (IllegalStateError, AssertionError, TimeoutError):
            return None  # revoked meanwhile, or where to start reading is not known yet
        # Read after the await: a batch handed out meanwhile is not applied yet.
        position = self._applying.get(partition, position)
        if end is None or fetched_at_ms is None:
            return None
        if position >= end:
            return datetime.fromtimestamp(fetched_at_ms / 1000, UTC)
        return self._applied_at.get(partition)


def _published_at(record: ConsumerRecord[bytes, bytes]) -> datetime:
    return datetime.fromtimestamp(record.timestamp / 1000, UTC)
