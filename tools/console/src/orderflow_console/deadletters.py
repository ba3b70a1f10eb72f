"""Dead letters: every `<topic>.dlq` record with the headers the consumer put on it
(dlq.error, dlq.source.topic/partition/offset, dlq.consumer.group, dlq.failed_at), and their
replay by id (`<dlq topic>:<partition>:<offset>`): the record's key, value and own headers
published again to its source topic, with `dlq.replayed_from` naming the dead letter and
`dlq.replayed_by` the operator who replayed it (their key's name). A
replayed message that still cannot be handled is dead-lettered again, with a new id."""

from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

PREVIEW_CHARS = 2000


class DeadLetterNotFound(LookupError):
    pass


@dataclass(frozen=True)
class LetterId:
    topic: str
    partition: int
    offset: int

    @classmethod
    def parse(cls, text: str) -> "LetterId":
        topic, partition, offset = text.rsplit(":", 2)
        if not topic.endswith(".dlq"):
            raise ValueError(f"{topic!r} is not a dead-letter topic")
        return cls(topic, int(partition), int(offset))

    def __str__(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"


def _view(record: Any) -> dict[str, Any]:
    headers = {name: value.decode(errors="replace") for name, value in record.headers}
    value = (record.value or b"").decode(errors="replace")
    return {
        "id": str(LetterId(record.topic, record.partition, record.offset)),
        "key": (record.key or b"").decode(errors="replace"),
        "error": headers.get("dlq.error", ""),
        "source_topic": headers.get("dlq.source.topic", ""),
        "source_partition": headers.get("dlq.source.partition", ""),
        "source_offset": headers.get("dlq.source.offset", ""),
        "consumer_group": headers.get("dlq.consumer.group", ""),
        "failed_at": headers.get("dlq.failed_at", ""),
        "replayed_from": headers.get("dlq.replayed_from", ""),  # a replay that failed again
        "replayed_by": headers.get("dlq.replayed_by", ""),
        "headers": headers,
        "value": value[:PREVIEW_CHARS],
        "value_bytes": len(record.value or b""),
    }


class DeadLetters:
    def __init__(self, bootstrap_servers: str) -> None:
        self.bootstrap_servers = bootstrap_servers

    def _consumer(self) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )

    async def listed(self, limit: int = 200) -> list[dict[str, Any]]:
        """The newest `limit` dead letters of every `.dlq` topic, newest first."""
        partitions = await self._dead_letter_partitions()
        consumer = self._consumer()
        await consumer.start()
        try:
            records = await _read_to_end(consumer, partitions)
        finally:
            await consumer.stop()
        views = [_view(record) for record in records]
        views.sort(key=lambda view: view["failed_at"], reverse=True)
        return views[:limit]

    async def _dead_letter_partitions(self) -> list[TopicPartition]:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap_servers)
        await admin.start()
        try:
            described = await admin.describe_topics()
        finally:
            await admin.close()
        return sorted(
            TopicPartition(topic["topic"], partition["partition"])
            for topic in described
            if topic["topic"].endswith(".dlq")
            for partition in topic["partitions"]
        )

    async def replay(self, letter: LetterId, actor: str) -> dict[str, Any]:
        """Publish the dead letter to its source topic on `actor`'s behalf; where it went."""
        record = await self._one(letter)
        headers = [(n, v) for n, v in record.headers if not n.startswith("dlq.")]
        headers.append(("dlq.replayed_from", str(letter).encode()))
        headers.append(("dlq.replayed_by", actor.encode()))
        source = dict(record.headers).get("dlq.source.topic", b"").decode()
        if not source:
            raise DeadLetterNotFound(f"{letter} names no source topic (no dlq.source.topic)")
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap_servers, acks="all")
        await producer.start()
        try:
            sent = await producer.send_and_wait(
                source, record.value, key=record.key, headers=headers
            )
        finally:
            await producer.stop()
        return {
            "replayed": str(letter),
            "replayed_by": actor,
            "topic": sent.topic,
            "partition": sent.partition,
            "offset": sent.offset,
        }

    async def _one(self, letter: LetterId) -> Any:
        consumer = self._consumer()
        await consumer.start()
        try:
            partition = TopicPartition(letter.topic, letter.partition)
            if partition not in await self._dead_letter_partitions():
                raise DeadLetterNotFound(f"no partition {letter.partition} of {letter.topic}")
            consumer.assign([partition])
            consumer.seek(partition, letter.offset)
            batch = await consumer.getmany(partition, timeout_ms=5000, max_records=1)
        finally:
            await consumer.stop()
        found = [r for r in batch.get(partition, []) if r.offset == letter.offset]
        if not found:
            raise DeadLetterNotFound(f"no dead letter {letter}")
        return found[0]


async def _read_to_end(consumer: AIOKafkaConsumer, partitions: list[TopicPartition]) -> list[Any]:
    if not partitions:
        return []
    consumer.assign(partitions)
    ends = await consumer.end_offsets(partitions)
    await consumer.seek_to_beginning(*partitions)
    waiting = {tp for tp in partitions if ends[tp] > 0}
    records: list[Any] = []
    while waiting:
        batches = await consumer.getmany(*waiting, timeout_ms=2000)
        if not batches:
            break  # nothing more arrives (e.g. the start of the log was deleted by retention)
        for tp, batch in batches.items():
            records.extend(batch)
            if await consumer.position(tp) >= ends[tp]:
                waiting.discard(tp)
    return records
