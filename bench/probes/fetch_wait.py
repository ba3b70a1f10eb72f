"""What a consumer's fetch wait costs and buys on the embedded Apache Kafka.

One consumer of 6 topics with 6 partitions each (about what a service reads) waits for news with
a given `fetch_max_wait_ms`; a producer sends one record every ~173 ms to one of them. For each
wait it prints how late the records were read (p50, max) and the broker's share of a core over
the same time: the price of polling an almost idle broker, and the delay it adds to each hop.

    .venv/bin/python bench/probes/fetch_wait.py [wait_ms ...]      (default: 10 50 100 250 500)
"""

import asyncio
import statistics
import sys
import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from orderflow_devstack.bench.meter import ProcessMeter, cpu_between
from orderflow_embedded import EmbeddedBroker, create_topics

TOPICS = 6
PARTITIONS = 6
RECORDS = 60
GAP_S = 0.173  # not a multiple of any wait tried


async def measure(broker: EmbeddedBroker, wait_ms: int) -> None:
    topics = [f"wait{wait_ms}-{n}" for n in range(TOPICS)]
    await create_topics(broker.bootstrap_servers, topics, PARTITIONS)
    consumer = AIOKafkaConsumer(
        *topics, bootstrap_servers=broker.bootstrap_servers, group_id=f"probe-{wait_ms}",
        fetch_max_wait_ms=wait_ms, auto_offset_reset="latest", enable_auto_commit=False,
    )  # fmt: skip
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap_servers, acks="all")
    await consumer.start()
    await producer.start()
    late_ms: list[float] = []

    async def read() -> None:
        while True:
            batch = await consumer.getmany(timeout_ms=1000)
            now = time.time()
            late_ms.extend(
                (now - float(record.value or b"0")) * 1000
                for records in batch.values()
                for record in records
            )

    try:
        await asyncio.sleep(6)  # the group join
        reading = asyncio.create_task(read())
        assert broker.pid is not None
        meter = ProcessMeter({"broker": broker.pid})
        before = meter.snapshot()
        for n in range(RECORDS):
            await asyncio.sleep(GAP_S)
            await producer.send_and_wait(topics[0], str(time.time()).encode(), key=str(n).encode())
        await asyncio.sleep(1)
        after = meter.snapshot()
        share = cpu_between(before, after).by_process["broker"] / (after.wall_s - before.wall_s)
        reading.cancel()
    finally:
        await consumer.stop()
        await producer.stop()
    print(
        f"fetch_max_wait_ms {wait_ms:4d}: read {statistics.median(late_ms):6.1f} ms late (p50),"
        f" {max(late_ms):6.1f} ms at most; broker {share:4.0%} of a core",
        flush=True,
    )


async def main(waits: list[int]) -> None:
    with EmbeddedBroker() as broker:
        for wait_ms in waits:
            await measure(broker, wait_ms)


if __name__ == "__main__":
    asyncio.run(main([int(arg) for arg in sys.argv[1:]] or [10, 50, 100, 250, 500]))
