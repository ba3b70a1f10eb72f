"""A fresh broker is warmed before any case measures it.

HotSpot compiles the broker's own code while it runs. Measured on this machine
(2026-12-06, one broker under a steady 300 msg/s of produce, fetch and commit): its compiler
threads took 11 CPU s in its first 40 s and almost nothing after, and its request threads
spent 3.4 CPU s per 10 s at first and 1.1-1.3 once compiled. A case measured on a broker
started seconds before paid that start-up in its own window, about twice the broker's CPU
there; a production broker runs for weeks. So every system of a full run is warmed, until
the compiler threads fall quiet, by traffic shaped as the services' is (a single producer and
consumer on one topic left the broker compiling through the measured windows: 2026-12-07, its
compiler threads took 4.6 CPU s over the pipeline case's 50 s of load and 40% of the broker's
CPU in the hops case; warmed this way, the hops case's broker took 17.4 and 13.5 CPU
ms an order against 24.5 and 24.5, two pairs)."""

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from orderflow_embedded import create_topics

TOPICS = tuple(f"bench.warm-up.{n}" for n in range(4))
PRODUCERS = 2
GROUPS = (TOPICS[:2], TOPICS[1:], (TOPICS[0], TOPICS[3]))  # each reads several topics
AT_LEAST_S = 15.0
AT_MOST_S = 90.0
STEP_S = 5.0
# Compiler threads' CPU per step below which the broker counts as compiled (5% of a core;
# while it compiles they take 60-80% of one).
QUIET_CPU_S = 0.25


@dataclass(frozen=True)
class WarmUp:
    seconds: float
    compiler_cpu_s: float | None  # None where /proc does not name the JVM's threads
    settled: bool


def describe(warm_up: WarmUp) -> str:
    compiling = (
        "its compiler threads' CPU unknown"
        if warm_up.compiler_cpu_s is None
        else f"its compiler threads took {warm_up.compiler_cpu_s:.1f} CPU s"
    )
    ending = "" if warm_up.settled else ", not yet quiet"
    return f"broker warmed for {warm_up.seconds:.0f} s: {compiling}{ending}"


def compiler_cpu_s(pid: int, proc: Path = Path("/proc")) -> float | None:
    """CPU seconds the JVM `pid`'s JIT compiler threads have used, or None where unknown."""
    total, found = 0, False
    try:
        tasks = list((proc / str(pid) / "task").iterdir())
    except OSError:
        return None
    for task in tasks:
        try:
            name = (task / "comm").read_text()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the thread ended meanwhile
        if "CompilerThre" in name:
            found = True
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / 100 if found else None


def settled(steps: list[float], elapsed_s: float) -> bool:
    """Warm once at least AT_LEAST_S have passed and the last step's compiling was quiet."""
    return elapsed_s >= AT_LEAST_S and bool(steps) and steps[-1] < QUIET_CPU_S


async def warm_broker(bootstrap_servers: str, pid: int | None, partitions: int) -> WarmUp:
    """Drive the request paths the services use until the broker's compiler threads are
    quiet, AT_MOST_S at most; without its threads' names, for AT_LEAST_S * 2. Their shapes,
    not only their kinds: several topics in one fetch and one commit, records with headers
    from more than one idempotent producer, consumer groups of their own, and a watcher that
    subscribes by pattern and waits for bytes (the bench's observer)."""
    await create_topics(bootstrap_servers, list(TOPICS), partitions)
    producers = [
        AIOKafkaProducer(
            bootstrap_servers=bootstrap_servers, acks="all", enable_idempotence=True, linger_ms=2
        )
        for _ in range(PRODUCERS)
    ]
    consumers = [
        AIOKafkaConsumer(
            *subscribed,
            bootstrap_servers=bootstrap_servers,
            group_id=f"bench-warm-up-{n}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=20,
        )
        for n, subscribed in enumerate(GROUPS)
    ]
    watcher = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id="bench-warm-up-watcher",
        auto_offset_reset="earliest",
        fetch_min_bytes=64 * 1024,
        fetch_max_wait_ms=250,
    )
    watcher.subscribe(pattern=r"^bench\.warm-up\..*")
    clients: list[AIOKafkaProducer | AIOKafkaConsumer] = [*producers, *consumers, watcher]
    for client in clients:
        await client.start()
    load = [
        *(
            asyncio.create_task(_produce(producer, first_topic=n))
            for n, producer in enumerate(producers)
        ),
        *(asyncio.create_task(_consume(consumer)) for consumer in consumers),
        asyncio.create_task(_consume(watcher, commit=False)),
    ]
    started = time.monotonic()
    steps: list[float] = []
    try:
        last = compiler_cpu_s(pid) if pid is not None else None
        while (elapsed := time.monotonic() - started) < AT_MOST_S:
            if last is None and elapsed >= AT_LEAST_S * 2:
                break
            if last is not None and settled(steps, elapsed):
                break
            await asyncio.sleep(STEP_S)
            now = compiler_cpu_s(pid) if pid is not None else None
            if now is not None and last is not None:
                steps.append(now - last)
            last = now
    finally:
        for task in load:
            task.cancel()
        await asyncio.gather(*load, return_exceptions=True)
        for client in clients:
            await client.stop()
    elapsed = time.monotonic() - started
    spent = sum(steps) if steps else None
    return WarmUp(elapsed, spent, settled(steps, elapsed))


async def _produce(producer: AIOKafkaProducer, first_topic: int) -> None:
    """Small batches, each awaited, over every topic, with headers: as a service's relay."""
    value = b'{"warm-up": true, "padding": "' + b"x" * 500 + b'"}'
    headers = [("type", b"WarmUp"), ("correlation_id", b"0" * 36), ("source", b"bench")]
    sent = 0
    while True:
        batch = 1 + (sent // 10) % 10
        acks = [
            await producer.send(
                TOPICS[(first_topic + sent + i) % len(TOPICS)],
                value,
                key=str(sent + i).encode(),
                headers=headers,
            )
            for i in range(batch)
        ]
        await asyncio.gather(*acks)
        sent += batch


async def _consume(consumer: AIOKafkaConsumer, commit: bool = True) -> None:
    while True:
        if await consumer.getmany(timeout_ms=200, max_records=100) and commit:
            await consumer.commit()
