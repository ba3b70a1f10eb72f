"""Outside systems on librdkafka (confluent-kafka here; kcat and most non-Java clients alike)
interoperate with orderflow: an order they produce is accepted, and the pick task it becomes
is read with its headers, without parsing JSON."""

import asyncio
import json
import re

import pytest
from aiokafka.partitioner import murmur2
from confluent_kafka import Consumer, Producer
from orderflow_contracts import Envelope, topics
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_simulators import payloads
from orderflow_testing.system import TestSystem

from tests.conftest import run_to_pick_tasks

pytestmark = pytest.mark.e2e


def produce_with_librdkafka(system: TestSystem, topic: str, key: str, envelope: Envelope) -> int:
    """Returns the partition the record landed on."""
    producer = Producer(
        {
            "bootstrap.servers": system.infrastructure.bootstrap_servers,
            "enable.idempotence": True,
            # librdkafka's default, consistent_random, hashes keys with CRC32: the same order
            # would land on another partition than aiokafka's and Java's murmur2 put it.
            "partitioner": "murmur2_random",
        }
    )
    delivered: list[int] = []
    producer.produce(
        system.prefix + topic,
        envelope.to_bytes(),
        key=key.encode(),
        headers=list(envelope.headers().items()),
        on_delivery=lambda error, record: delivered.append(-1 if error else record.partition()),
    )
    assert producer.flush(30) == 0
    return delivered[0]


def read_one_with_librdkafka(system: TestSystem, topic: str) -> tuple[dict[str, str], bytes]:
    consumer = Consumer(
        {
            "bootstrap.servers": system.infrastructure.bootstrap_servers,
            "group.id": f"{system.prefix}librdkafka-reader",
            "auto.offset.reset": "earliest",
        }
    )
    consumer.subscribe([system.prefix + topic])
    try:
        for _ in range(300):
            record = consumer.poll(0.1)
            if record is not None and record.error() is None:
                headers = {name: value.decode() for name, value in record.headers() or []}
                return headers, record.value()
        raise AssertionError(f"nothing on {topic} after 30 s")
    finally:
        consumer.close()


async def test_an_order_from_librdkafka_becomes_a_pick_task_it_can_read_with_headers(
    system: TestSystem,
) -> None:
    await run_to_pick_tasks(system, mug_red_at_ontario=5)

    order = payloads.shopify_order(7, [("MUG-RED", 1)], country="US")
    key = f"shopify:{order['id']}"
    published = Envelope.wrap(
        MarketplaceOrderPublished(channel="shopify", payload=order),
        source="storefront",
        correlation_id="storefront-7",
    )
    partition = await asyncio.to_thread(
        produce_with_librdkafka, system, topics.MARKETPLACE_ORDERS, key, published
    )
    assert partition == (murmur2(key.encode()) & 0x7FFFFFFF) % system.partitions

    headers, value = await asyncio.to_thread(
        read_one_with_librdkafka, system, topics.pick_tasks("us-ontario")
    )
    task = json.loads(value)
    assert headers["type"] == task["type"] == "PickTaskIssued"
    assert headers["version"] == "1"
    assert headers["source"] == "fulfillment"
    assert headers["correlation_id"] == task["correlation_id"] != ""
    assert headers["causation_id"] == task["causation_id"]
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", headers["traceparent"])
    assert [(line["sku"], line["quantity"]) for line in task["payload"]["lines"]] == [
        ("MUG-RED", 1)
    ]
