"""A fresh broker is warmed before any case measures it.

HotSpot compiles the broker's own code while it runs. Measured on this machine
(2026-12-06, one broker under a steady 300 msg/s of produce, fetch and commit): its compiler
threads took 11 CPU s in its first 40 s and almost nothing after, and its request threads
spent 3.4 CPU s per 10 s at first and 1.1-1.3 once compiled. A case measured on a broker
started seconds before paid that start-up in its own window, about twice the broker's CPU
there; a production broker runs for weeks. So every system of a full run is warmed:
producers, a consumer group, fetches and commits on a topic of its own, until the
compiler threads fall quiet."""

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from orderflow_embedded import create_topics

TOPIC = "bench.warm-up"
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
    """Drive the request paths every service uses (idempotent produce with acks from all,
    fetches in a consumer group, offset commits) until the broker's compiler threads are
    quiet, AT_MOST_S at most; without its threads' names, for AT_LEAST_S * 2."""
    await create_topics(bootstrap_servers, [TOPIC], partitions)
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers, acks="all", enable_idempotence=True, linger_ms=2
    )
    consumer = AIOKafkaConsumer(
        TOPIC, bootstrap_servers=bootstrap_servers, group_id="bench-warm-up",
        enable_auto_commit=False, auto_offset_reset="earliest", fetch_max_wait_ms=20,
    )  # fmt: skip
    await producer.start()
    await consumer.start()
    load = [asyncio.create_task(_produce(producer)), asyncio.create_task(_consume(consumer))]
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
        await consumer.stop()
        await producer.stop()
    elapsed = time.monotonic() - started
    spent = sum(steps) if steps else None
    return WarmUp(elapsed, spent, settled(steps, elapsed))


async def _produce(producer: AIOKafkaProducer) -> None:
    """Small batches, each awaited: many produce requests, as the services' relays make."""
    value = b'{"warm-up": true, "padding": "' + b"x" * 500 + b'"}'
    sent = 0
    while True:
        acks = [await producer.send(TOPIC, value, key=str(sent + i).encode()) for i in range(10)]
        await asyncio.gather(*acks)
        sent += 10


async def _consume(consumer: AIOKafkaConsumer) -> None:
    while True:
        if await consumer.getmany(timeout_ms=200, max_records=100):
            await consumer.commit()
