"""The embedded Apache Kafka keeps what it acknowledged: topics with their configs, records and
committed offsets survive a kill -9 and a restart on the same data folder."""

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from orderflow_contracts.topics import INVENTORY_LEVELS, ORDERS, topic_config
from orderflow_embedded import EmbeddedBroker, create_topics

pytestmark = pytest.mark.integration

RECORDS = 1_000
PARTITIONS = 3


async def produce(servers: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=servers, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for n in range(RECORDS):
            await producer.send(ORDERS, f"order-{n}".encode(), key=f"o{n % 17}".encode())
        await producer.send(INVENTORY_LEVELS, b"5", key=b"MUG-RED")
        await producer.flush()
    finally:
        await producer.stop()


async def consume(servers: str, count: int, *, commit: bool) -> list[bytes]:
    consumer = AIOKafkaConsumer(
        ORDERS,
        bootstrap_servers=servers,
        group_id="survivor",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    values: list[bytes] = []
    try:
        while len(values) < count:
            batches = await consumer.getmany(timeout_ms=1000, max_records=count - len(values))
            values += [record.value for records in batches.values() for record in records]
        if commit:
            await consumer.commit()
    finally:
        await consumer.stop()
    return values


async def end_offsets(servers: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=servers)
    await consumer.start()
    try:
        partitions = [TopicPartition(ORDERS, p) for p in range(PARTITIONS)]
        return sum((await consumer.end_offsets(partitions)).values())
    finally:
        await consumer.stop()


async def cleanup_policy(servers: str, topic: str) -> str:
    admin = AIOKafkaAdminClient(bootstrap_servers=servers)
    await admin.start()
    try:
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        [(_, _, _, _, entries)] = response.resources
        return next(value for name, value, *_ in entries if name == "cleanup.policy")
    finally:
        await admin.close()


async def test_records_topics_and_offsets_survive_kill_and_restart(tmp_path) -> None:
    broker = EmbeddedBroker(data_dir=tmp_path / "kafka").start()
    try:
        servers = broker.bootstrap_servers
        await create_topics(servers, [ORDERS, INVENTORY_LEVELS], PARTITIONS, topic_config)
        await produce(servers)
        first_half = await consume(servers, RECORDS // 2, commit=True)

        broker.kill()
        broker.start()

        assert await end_offsets(servers) == RECORDS
        assert await cleanup_policy(servers, INVENTORY_LEVELS) == "compact"
        second_half = await consume(servers, RECORDS - len(first_half), commit=False)
        assert sorted(first_half + second_half) == sorted(
            f"order-{n}".encode() for n in range(RECORDS)
        )
    finally:
        broker.stop()
