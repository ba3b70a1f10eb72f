"""How the embedded broker's CPU grows while a consumer keeps up with a steady trickle.

One producer sends 600 small records a second (a few per 10 ms, so nearly every record is a
record batch of its own, as a relay's are at low rates); one consumer reads them as they come.
Every few seconds it prints the broker's share of a core: if fetching cost the same whatever a
partition holds, the figure would stay flat.

    .venv/bin/python bench/probes/broker_fetch_cost.py [seconds]
"""

import asyncio
import sys
import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from orderflow_devstack.bench.meter import ProcessMeter, cpu_between
from orderflow_embedded import EmbeddedBroker, create_topics

RECORDS_PER_TICK = 6
TICK_S = 0.01
STEP_S = 8


async def trickle(producer: AIOKafkaProducer) -> None:
    sent = 0
    while True:
        started = time.monotonic()
        for _ in range(RECORDS_PER_TICK):
            await producer.send("trickle", b"x" * 500, key=str(sent).encode())
            sent += 1
        await asyncio.sleep(max(0.0, TICK_S - (time.monotonic() - started)))


async def keep_up(consumer: AIOKafkaConsumer, counter: list[int]) -> None:
    while True:
        batch = await consumer.getmany(timeout_ms=1000)
        counter[0] += sum(len(records) for records in batch.values())


async def main(seconds: float) -> None:
    with EmbeddedBroker() as broker:
        assert broker.pid is not None
        servers = broker.bootstrap_servers
        await create_topics(servers, ["trickle"], partitions=2)
        consumer = AIOKafkaConsumer(
            "trickle",
            bootstrap_servers=servers,
            group_id="probe",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            fetch_max_wait_ms=10,
        )
        producer = AIOKafkaProducer(bootstrap_servers=servers, acks="all", linger_ms=2)
        await consumer.start()
        await producer.start()
        consumed = [0]
        tasks = [
            asyncio.create_task(trickle(producer)),
            asyncio.create_task(keep_up(consumer, consumed)),
        ]
        try:
            print("elapsed_s  records_stored  consumed_per_s  broker_share_of_a_core")
            elapsed = 0.0
            meter = ProcessMeter({"broker": broker.pid})
            while elapsed < seconds:
                before, read_before = meter.snapshot(), consumed[0]
                await asyncio.sleep(STEP_S)
                elapsed += STEP_S
                share = cpu_between(before, meter.snapshot()).by_process["broker"] / STEP_S
                rate = (consumed[0] - read_before) / STEP_S
                print(f"{elapsed:9.0f}  {consumed[0]:14,}  {rate:14.0f}  {share:22.0%}")
        finally:
            for task in tasks:
                task.cancel()
            await producer.stop()
            await consumer.stop()


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1]) if len(sys.argv) > 1 else 48))
