"""The partitions of a topic a replica owns: which keys' news it reads, and how far."""

from datetime import UTC, datetime, timedelta

from aiokafka.partitioner import murmur2
from orderflow_runtime import OwnedPartitions
from orderflow_runtime.kafka import partition_of

NOW = datetime(2026, 12, 6, tzinfo=UTC)


def test_a_key_goes_to_the_partition_the_producers_partitioner_picks() -> None:
    for key in ("o-1", "order-42", "shopify:1001"):
        assert partition_of(key, 6) == (murmur2(key.encode()) & 0x7FFFFFFF) % 6


def test_a_replica_owns_the_keys_of_its_partitions_only() -> None:
    owned = OwnedPartitions(6, {partition_of("o-1", 6): NOW})
    other = next(
        k for k in ("o-2", "o-3", "o-4", "o-5") if partition_of(k, 6) != partition_of("o-1", 6)
    )

    assert owned.owns("o-1")
    assert not owned.owns(other)


def test_its_news_is_read_up_to_its_partition_furthest_behind() -> None:
    assert OwnedPartitions(3, {0: NOW, 2: NOW - timedelta(hours=1)}).earliest == NOW - timedelta(
        hours=1
    )
    assert OwnedPartitions(3, {0: NOW, 2: None}).earliest is None  # one not known
    assert OwnedPartitions(3, {}).earliest is None
