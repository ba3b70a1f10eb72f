"""Case `ceiling`: a plain aiokafka relay (consume a batch, transform the JSON, produce
each message to another topic, wait for the acks, commit) on the embedded broker. Every
orderflow hop does at least this much, so it bounds what the whole system can do."""

import asyncio
import json
import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from orderflow_embedded import EmbeddedBroker, create_topics

from orderflow_bench.figures import CaseResult
from orderflow_bench.system import BenchSession
from orderflow_bench.warm import warm_broker

PAYLOAD = json.dumps(
    {"order_id": "0" * 36, "sku": "MUG-RED", "quantity": 1, "note": "x" * 200}
).encode()


async def _fill(bootstrap: str, topic: str, count: int) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_batch_size=256 * 1024
    )
    await producer.start()
    try:
        acks = [
            await producer.send(topic, PAYLOAD, key=str(i % 997).encode()) for i in range(count)
        ]
        await asyncio.gather(*acks)
    finally:
        await producer.stop()


async def _relay(bootstrap: str, source: str, target: str, seconds: float) -> tuple[int, float]:
    consumer = AIOKafkaConsumer(
        source, bootstrap_servers=bootstrap, group_id="ceiling", enable_auto_commit=False,
        auto_offset_reset="earliest", fetch_max_wait_ms=10, session_timeout_ms=3000, heartbeat_interval_ms=500,
    )  # fmt: skip
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=2, max_batch_size=256 * 1024
    )
    await consumer.start()
    await producer.start()
    relayed, started = 0, 0.0
    try:
        while not started or time.monotonic() - started < seconds:
            batch = await consumer.getmany(timeout_ms=1000, max_records=500)
            if not batch:
                break
            started = started or time.monotonic()
            acks = []
            for records in batch.values():
                for record in records:
                    body = json.loads(record.value)
                    body["relayed"] = True
                    acks.append(
                        await producer.send(target, json.dumps(body).encode(), key=record.key)
                    )
            await asyncio.gather(*acks)
            await consumer.commit({tp: records[-1].offset + 1 for tp, records in batch.items()})
            relayed += len(acks)
    finally:
        await consumer.stop()
        await producer.stop()
    return relayed, time.monotonic() - started


async def relay_limit(seconds: float, partitions: int, warm: bool) -> float:
    """Messages per second one relay process sustains for `seconds`, on a broker warmed
    first as every case's is (warm.py) unless `warm` is false."""
    with EmbeddedBroker() as broker:
        bootstrap = broker.bootstrap_servers
        if warm:
            await warm_broker(bootstrap, broker.pid, partitions)
        await create_topics(bootstrap, ["ceiling.in", "ceiling.out"], partitions)
        await _fill(bootstrap, "ceiling.in", int(seconds * 20_000))
        relayed, elapsed = await _relay(bootstrap, "ceiling.in", "ceiling.out", seconds)
    return relayed / elapsed


async def run(session: BenchSession) -> list[CaseResult]:
    seconds = 3.0 if session.smoke else 30.0
    session.say(f"ceiling: a plain relay for {seconds:.0f} s x {session.repeats}")
    rates = [
        await relay_limit(seconds, session.partitions, warm=not session.smoke)
        for _ in range(session.repeats)
    ]
    result = CaseResult("ceiling (relay limit)", "msg/s", rates, {"partitions": session.partitions})
    session.shared["relay_limit"] = result.median
    return [result]
