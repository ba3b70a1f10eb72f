"""Driving load and watching what comes out. Marketplace orders as fast as the system absorbs
them (a closed loop with a bounded number of orders in flight) or at a fixed rate, over a
warm-up and a measured window of wall-clock time (record timestamps are wall-clock too); a
`TopicWatch` reads topics from outside and hands each envelope, with its record timestamp,
to the case."""

import asyncio
import contextlib
import itertools
import json
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from orderflow_contracts import topics
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_contracts.setup import SellerSetup
from orderflow_simulators import payloads
from orderflow_simulators.bus import PartnerBus
from orderflow_simulators.partners import Marketplace, MarketplaceMix

CLEAN = MarketplaceMix(malformed=0, unknown_sku=0, incomplete_address=0, cancelled=0)


_ORDER_NUMBERS = itertools.count(1)


class UniqueBuyers(Marketplace):
    """Clean orders only, each from its own buyer: the simulator's shared e-mail addresses
    make intake hold most orders as probable duplicates (same buyer, same items), and a held
    order never reaches a pick task. Intake still runs its duplicate check on every order."""

    def __init__(
        self, bus: PartnerBus, setup: SellerSetup, rate: float = 1e9, emailed_only: bool = False
    ) -> None:
        """`emailed_only`: only channels whose orders carry the buyer's e-mail (some
        marketplaces mask it), for cases that end with the customer's e-mail."""
        super().__init__(bus, setup, rate, CLEAN)
        if emailed_only:
            self.listings = {c: s for c, s in self.listings.items() if _carries_email(c)}

    async def publish_one(self) -> None:
        self.published += 1
        number = next(_ORDER_NUMBERS)  # unique in the process: a kept system saw earlier ones
        channel, payload = payloads.random_order(self.rng, number, self.listings)
        _unique_buyer(payload, number)
        key = topics.channel_order_key(channel, payloads.external_id(channel, payload))
        published = MarketplaceOrderPublished(channel=channel, payload=payload)
        await self.bus.publish(topics.MARKETPLACE_ORDERS, key, published)


def _carries_email(channel: str) -> bool:
    builder = payloads.BUILDERS.get(channel)
    if builder is None:
        return False
    sample = builder(1, [("SKU", 1)])
    before = repr(sample)
    _unique_buyer(sample, 0)
    return repr(sample) != before


def _unique_buyer(document: Any, number: int) -> None:
    """Every e-mail address in a channel's payload, whatever its shape, made this buyer's."""
    items = document.items() if isinstance(document, dict) else enumerate(document)
    for key, value in list(items):
        if isinstance(value, dict | list):
            _unique_buyer(value, number)
        elif isinstance(value, str) and "@" in value and "mail" in str(key).lower():
            document[key] = f"buyer-{number}@{value.rsplit('@', 1)[1]}"


@dataclass(frozen=True)
class Duration:
    """Warm-up and measured window of a saturated case, and how many orders it keeps in flight."""

    warmup_s: float
    measure_s: float
    in_flight: int = 2000


@dataclass(frozen=True)
class Window:
    """A stretch of a run, in wall-clock seconds, and the orders published in it."""

    start_s: float
    end_s: float
    published: int

    @property
    def seconds(self) -> float:
        return self.end_s - self.start_s


async def flood(
    marketplace: Marketplace, done: Callable[[], int], seconds: float, in_flight: int
) -> Window:
    """Keep up to `in_flight` orders published but not `done` for `seconds`: enough to keep
    every stage busy, few enough that the backlog (and the broker's memory) stays bounded. The
    system's own pace sets the rate, so a window shows its sustained throughput. Call it again
    to go on without a gap (a warm-up, then the measured window)."""
    start = time.time()
    end = start + seconds
    published = marketplace.published
    while time.time() < end:
        burst = 0
        while marketplace.published - done() < in_flight and burst < 200:
            await marketplace.publish_one()
            burst += 1
        await asyncio.sleep(0.005 if burst else 0.02)  # the watch counts `done` meanwhile
    await marketplace.bus.flush()
    return Window(start, time.time(), marketplace.published - published)


async def steady(
    marketplace: Marketplace,
    warmup_s: float,
    measure_s: float,
    halfway: Callable[[], Coroutine[Any, Any, None]] | None = None,
) -> Window:
    """Publish at a fresh marketplace's fixed rate through a warm-up and a measured window;
    returns the window. `halfway` starts halfway through the warm-up, beside the load: the
    window starts on time whatever it takes (a smoke run's kept system has big tables to
    analyze), or the publishing, which stops at a fixed count, would end inside it."""
    total = round(marketplace.rate * (warmup_s + measure_s))
    publishing = asyncio.create_task(marketplace.run(total=total))
    await asyncio.sleep(warmup_s / 2)
    step = asyncio.create_task(halfway()) if halfway is not None else None
    await asyncio.sleep(warmup_s / 2)
    start, published = time.time(), marketplace.published
    await publishing
    if step is not None:
        await step
    return Window(start, time.time(), marketplace.published - published)


OnRecord = Callable[[str, dict[str, Any], float], None]

# A watch reads record timestamps, so it may read late: each of its fetches waits at the
# broker for 64 KiB or a quarter second. Answered at the first record (as the services' are),
# it fetched as fast as it could parse, costing the broker and the bench process CPU the
# system under test then lacked.
WATCH_FETCH_MIN_BYTES = 64 * 1024
WATCH_FETCH_MAX_WAIT_MS = 250


class TopicWatch:
    def __init__(
        self,
        bootstrap_servers: str,
        on_record: OnRecord,
        *,
        topics: list[str] | None = None,
        pattern: str = "",
    ) -> None:
        self._on_record = on_record
        self._topics = topics or []
        self._pattern = pattern
        self.latest_s = 0.0  # the newest record timestamp seen
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers, group_id=f"bench-watch-{uuid.uuid4().hex[:8]}",
            auto_offset_reset="earliest", enable_auto_commit=False,
            fetch_min_bytes=WATCH_FETCH_MIN_BYTES, fetch_max_wait_ms=WATCH_FETCH_MAX_WAIT_MS,
            session_timeout_ms=3000, heartbeat_interval_ms=500, max_poll_records=2000,
        )  # fmt: skip
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._pattern:
            self._consumer.subscribe(pattern=f"^{self._pattern}$")
        else:
            self._consumer.subscribe(self._topics)
        await self._consumer.start()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()

    async def _run(self) -> None:
        while True:
            batch = await self._consumer.getmany(timeout_ms=500)
            for partition, records in batch.items():
                for record in records:
                    timestamp_s = record.timestamp / 1000
                    self.latest_s = max(self.latest_s, timestamp_s)
                    try:
                        body = json.loads(record.value or b"")
                    except ValueError:
                        continue
                    if isinstance(body, dict):
                        self._on_record(partition.topic, body, timestamp_s)

    async def caught_up(self, wall_s: float, timeout_s: float = 10.0) -> bool:
        """Wait until a record stamped at or after `wall_s` was seen (or time runs out)."""
        return await wait_for(lambda: self.latest_s >= wall_s, timeout_s)


async def records_by_topic(bootstrap_servers: str) -> dict[str, int]:
    """How many records each topic holds so far (the sum of its partitions' end offsets);
    the difference of two calls is what was published between them, partners' records too."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False)
    await admin.start()
    await consumer.start()
    try:
        partitions = [
            TopicPartition(topic["topic"], partition["partition"])
            for topic in await admin.describe_topics()
            if not topic["topic"].startswith("__")
            for partition in topic["partitions"]
        ]
        ends = await consumer.end_offsets(partitions)
    finally:
        await consumer.stop()
        await admin.close()
    counts: dict[str, int] = {}
    for partition, end in ends.items():
        counts[partition.topic] = counts.get(partition.topic, 0) + end
    return counts


async def wait_for(
    condition: Callable[[], bool], timeout_s: float, interval_s: float = 0.1
) -> bool:
    """Poll `condition` until it holds; False if `timeout_s` passes first."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(interval_s)
    return True


async def wait_while_progressing(
    count: Callable[[], int], target: int, stall_s: float, limit_s: float
) -> bool:
    """Wait until `count()` reaches `target`, as long as it grew in the last `stall_s` (a slow
    system may drain a backlog for a while) and at most `limit_s`."""
    started = last_change = time.monotonic()
    seen = count()
    while seen < target:
        now = time.monotonic()
        if now - last_change > stall_s or now - started > limit_s:
            return False
        await asyncio.sleep(0.2)
        if (current := count()) != seen:
            seen, last_change = current, time.monotonic()
    return True
