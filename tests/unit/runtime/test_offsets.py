"""Offsets are committed in the background, at most every interval, and only for partitions the
consumer still owns; stopping commits what is left."""

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiokafka import TopicPartition
from orderflow_runtime.offsets import OffsetCommits

P0, P1 = TopicPartition("orders", 0), TopicPartition("orders", 1)


@dataclass
class Record:
    offset: int


@dataclass
class RecordingConsumer:
    """Stands in for aiokafka's consumer: the class under test only asks these two things."""

    owned: set[TopicPartition] = field(default_factory=lambda: {P0, P1})
    commits: list[dict[TopicPartition, int]] = field(default_factory=list)

    def assignment(self) -> set[TopicPartition]:
        return self.owned

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        await asyncio.sleep(0)
        self.commits.append(offsets)


def batch(partition: TopicPartition, *offsets: int) -> dict[Any, list[Any]]:
    return {partition: [Record(offset) for offset in offsets]}


async def settled() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


async def test_offsets_are_committed_at_most_every_interval_and_at_once_when_idle() -> None:
    consumer = RecordingConsumer()
    offsets = OffsetCommits(consumer, interval_s=60)  # type: ignore[arg-type]
    offsets.handled(batch(P0, 0, 1))
    await offsets.commit_due()
    await settled()
    offsets.handled(batch(P0, 2))
    offsets.handled(batch(P1, 7))
    await offsets.commit_due()
    await settled()
    assert consumer.commits == [{P0: 2}]  # the second batch waits for the interval
    await offsets.commit_due(now=True)
    await settled()
    assert consumer.commits == [{P0: 2}, {P0: 3, P1: 8}]


async def test_stopping_commits_what_is_left() -> None:
    consumer = RecordingConsumer()
    offsets = OffsetCommits(consumer, interval_s=60)  # type: ignore[arg-type]
    offsets.handled(batch(P0, 0))
    await offsets.commit_due()
    offsets.handled(batch(P0, 1))
    await offsets.close()
    assert consumer.commits == [{P0: 1}, {P0: 2}]


async def test_a_revoked_partition_is_left_to_its_new_owner() -> None:
    consumer = RecordingConsumer(owned={P1})
    offsets = OffsetCommits(consumer, interval_s=0)  # type: ignore[arg-type]
    offsets.handled(batch(P0, 4) | batch(P1, 9))
    await offsets.commit_due()
    await offsets.close()
    assert consumer.commits == [{P1: 10}]
