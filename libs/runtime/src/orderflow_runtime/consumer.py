"""The consumer every service runs: batches from Kafka, one database transaction per batch,
offsets committed only after it commits, bounded retries, and a dead-letter topic for what
can never succeed. Nothing blocks a partition forever; nothing is dropped silently."""

import asyncio
import contextlib
import functools
import itertools
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import asyncpg
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import IllegalStateError
from orderflow_contracts import Envelope, Event, MalformedEvent
from orderflow_contracts.envelope import decode, peek_type
from orderflow_contracts.topics import dead_letters

from orderflow_runtime import inbox, outbox
from orderflow_runtime.db import OpeningRefused, transaction, transaction_in_two_trips
from orderflow_runtime.errors import INFRASTRUCTURE_ERRORS, PoisonMessage
from orderflow_runtime.kafka import TopicNames
from orderflow_runtime.metrics import ServiceMetrics
from orderflow_runtime.offsets import OffsetCommits
from orderflow_runtime.progress import OwnedPartitions, ReadProgress
from orderflow_runtime.tracing import Tracing
from orderflow_runtime.unit_of_work import UnitOfWork, log_fields

log = structlog.get_logger()

E = TypeVar("E", bound=Event)
Handler = Callable[[UnitOfWork, Any], Awaitable[None]]


@dataclass(frozen=True)
class Item(Generic[E]):
    """One message of a batch: its event and its own unit of work (emits carry its causation)."""

    unit: UnitOfWork
    event: E


BatchHandler = Callable[[list[Item[Any]]], Awaitable[None]]


@dataclass(frozen=True)
class Route:
    model: type[Event]
    handle: BatchHandler
    use_case: str  # the handler's name, for docs/journey.md and its test
    only: Callable[[Any], bool] | None = None  # the events of `model` the handler acts on


def _name_of(handler: Callable[..., Any]) -> str:
    while isinstance(handler, functools.partial):
        handler = handler.func
    return getattr(handler, "__qualname__", repr(handler))


class Subscriptions:
    """Every event a service consumes and the handler for it, visible in one place.

    `on` handlers take one message at a time; `on_batch` handlers take every consecutive
    message of their type in a poll batch at once, for set-based statements. Either way the
    whole batch is one transaction, and messages are handled in the order they were read.
    `only` passes over, before any transaction, the events of the type its handler would not
    act on: a poll of nothing else costs no round trip."""

    def __init__(self) -> None:
        self.topics: set[str] = set()
        self._routes: dict[tuple[str, str], Route] = {}  # by (logical topic, event type)
        self._models: dict[str, dict[str, type[Event]]] = {}  # by topic, then event type

    def on(
        self, topic: str, model: type[E], only: Callable[[E], bool] | None = None
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            async def one_at_a_time(items: list[Item[Any]]) -> None:
                for item in items:
                    with _bound(item.unit):
                        await handler(item.unit, item.event)

            self._add(topic, Route(model, one_at_a_time, _name_of(handler), only))
            return handler

        return register

    def on_batch(
        self, topic: str, model: type[E], only: Callable[[E], bool] | None = None
    ) -> Callable[[BatchHandler], BatchHandler]:
        def register(handler: BatchHandler) -> BatchHandler:
            self._add(topic, Route(model, handler, _name_of(handler), only))
            return handler

        return register

    def _add(self, topic: str, route: Route) -> None:
        key = (topic, route.model.event_type)
        if key in self._routes:
            raise ValueError(f"{route.model.event_type} on {topic} already has a handler")
        self.topics.add(topic)
        self._routes[key] = route
        self._models.setdefault(topic, {})[route.model.event_type] = route.model

    def route(self, topic: str, event_type: str) -> Route | None:
        return self._routes.get((topic, event_type))

    def routes(self) -> list[tuple[str, str, str]]:
        """(topic, event type, use case) of every subscription, sorted."""
        return sorted(
            (topic, kind, route.use_case) for (topic, kind), route in self._routes.items()
        )

    def models_on(self, topic: str) -> Callable[[str], type[Event] | None]:
        """The event model of each type this service handles on `topic` (built once, at
        subscription: the consumer asks for it per record)."""
        return self._models.get(topic, {}).get


@dataclass(frozen=True)
class Delivery:
    """A decoded message and the route that handles it."""

    envelope: Envelope
    event: Event
    route: Route


def read_delivery(subscriptions: Subscriptions, topic: str, raw: bytes | None) -> Delivery | None:
    """A record's value decoded and routed by (topic, type); None when it is not this service's
    business. Raises MalformedEvent for what no handler could ever read."""
    ahead = peek_type(raw)
    if ahead is not None and subscriptions.route(topic, ahead) is None:
        return None  # not ours (routing passes over the few cancellations on orders)
    envelope, event = decode(raw, subscriptions.models_on(topic))
    route = subscriptions.route(topic, envelope.type)
    if route is None or event is None:
        return None  # tolerant reader: types this service does not handle are not its business
    if route.only is not None and not route.only(event):
        return None  # news its handler would not act on
    return Delivery(envelope, event, route)


@dataclass(frozen=True)
class HandlerRun:
    """One handler call: consecutive messages of one event type within a batch, and its time."""

    event_type: str
    messages: int
    seconds: float


async def handle_batch(
    conn: asyncpg.Connection,
    source: str,
    deliveries: list[Delivery],
    runs: list[HandlerRun] | None = None,
) -> tuple[list[outbox.OutgoingMessage], int]:
    """Handle `deliveries` in the caller's transaction as the consumer does with one poll: the
    inbox drops duplicates, consecutive messages of one route go to its handler together, and
    what they emit is written to the outbox. Returns what was emitted and how many were
    duplicates; each handler call is appended to `runs`, timed. Tests drive a service's use
    cases through this without a broker."""
    outgoing: list[outbox.OutgoingMessage] = []
    first_seen = await inbox.claim_all(conn, [d.envelope.event_id for d in deliveries])
    fresh: list[Delivery] = []
    for delivery in deliveries:
        if delivery.envelope.event_id in first_seen:
            first_seen.discard(delivery.envelope.event_id)  # a second copy is a duplicate
            fresh.append(delivery)
        else:
            log.info("event.duplicate_ignored", **log_fields(delivery.envelope))
    await run_handlers(conn, source, fresh, outgoing, runs)
    await outbox.write(conn, outgoing)
    return outgoing, len(deliveries) - len(fresh)


async def handle_unseen_batch(
    pool: asyncpg.Pool, source: str, deliveries: list[Delivery], runs: list[HandlerRun]
) -> bool:
    """What `transaction` plus `handle_batch` do, in two round trips fewer: the inbox claim
    travels with BEGIN and the outbox rows with COMMIT. Returns False, having done nothing,
    when an event was seen before: the caller then handles the batch with `handle_batch`.
    Measured with the latency case at 100 orders/s: four round trips of about six per batch
    besides the handlers' were BEGIN, the claim, the outbox insert and COMMIT."""
    claim = inbox.claim_unseen_statement([d.envelope.event_id for d in deliveries])
    try:
        async with transaction_in_two_trips(pool, claim) as (conn, closing):
            outgoing: list[outbox.OutgoingMessage] = []
            await run_handlers(conn, source, deliveries, outgoing, runs)
            statement = outbox.insert_statement(outgoing)
            if statement is None:
                await outbox.write(conn, outgoing)
            else:
                closing.statement = statement
    except OpeningRefused as refused:
        if isinstance(refused.error, asyncpg.UniqueViolationError):
            return False
        raise refused.error from None
    return True


async def run_handlers(
    conn: asyncpg.Connection,
    source: str,
    fresh: list[Delivery],
    outgoing: list[outbox.OutgoingMessage],
    runs: list[HandlerRun] | None,
) -> None:
    """Consecutive messages of one route to its handler together, in order; what they emit is
    appended to `outgoing`, and each call to `runs`, timed."""
    for route, run in itertools.groupby(fresh, key=lambda d: d.route):
        items: list[Item[Any]] = [
            Item(UnitOfWork(conn=conn, source=source, cause=d.envelope, outgoing=outgoing), d.event)
            for d in run
        ]
        started = time.perf_counter()
        await route.handle(items)
        if runs is not None:
            seconds = time.perf_counter() - started
            runs.append(HandlerRun(route.model.event_type, len(items), seconds))


@dataclass
class ConsumerStats:
    processed: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    batches: int = 0

    def __add__(self, other: "ConsumerStats") -> "ConsumerStats":
        return ConsumerStats(
            self.processed + other.processed,
            self.duplicates + other.duplicates,
            self.dead_lettered + other.dead_lettered,
            self.batches + other.batches,
        )


class EventConsumer:
    def __init__(
        self,
        *,
        source: str,
        consumer: AIOKafkaConsumer,
        producer: AIOKafkaProducer,
        pool: asyncpg.Pool,
        subscriptions: Subscriptions,
        topics: frozenset[str],
        names: TopicNames,
        group: str,
        max_batch: int,
        attempts: int,
        backoff_s: float,
        commit_interval_s: float,
        metrics: ServiceMetrics | None = None,
        tracing: Tracing | None = None,
    ) -> None:
        self._source = source
        self._consumer = consumer
        self._producer = producer
        self._pool = pool
        self._subscriptions = subscriptions
        self.topics = topics  # the subscriptions' topics this consumer reads
        self._names = names
        self._group = group
        self._max_batch = max_batch
        self._attempts = attempts
        self._backoff_s = backoff_s
        self._offsets = OffsetCommits(consumer, commit_interval_s)
        self._metrics = metrics
        self._tracing = tracing
        self._next: dict[TopicPartition, int] = {}  # the next offset to read, per partition
        self._progress = ReadProgress(consumer)
        self.stats = ConsumerStats()

    @property
    def assigned_partitions(self) -> int:
        """0 until the group join completes: a service is ready when this is positive."""
        return len(self._consumer.assignment())

    def lag(self) -> dict[tuple[str, int], int]:
        """Records behind the end of each assigned partition, as of the last fetch, by
        (logical topic, partition); a partition not read from yet is left out."""
        behind = {}
        for partition in self._consumer.assignment():
            end = self._consumer.highwater(partition)
            if end is not None and partition in self._next:
                topic = self._names.logical(partition.topic)
                behind[(topic, partition.partition)] = max(end - self._next[partition], 0)
        return behind

    async def owned_partitions(self, topic: str) -> OwnedPartitions | None:
        """`topic`'s partitions this consumer owns, each with the time its news is applied up
        to (see ReadProgress.owned)."""
        return await self._progress.owned(self._names.physical(topic))

    async def run(self) -> None:
        self._consumer.subscribe([self._names.physical(t) for t in sorted(self.topics)])
        try:
            while True:
                batch = await self._consumer.getmany(timeout_ms=1000, max_records=self._max_batch)
                if not batch:
                    await self._offsets.commit_due(now=True)
                    continue
                self._progress.applying(batch)
                try:
                    await self.process(batch)
                except INFRASTRUCTURE_ERRORS as error:
                    # Infrastructure failed mid-batch: nothing was committed, so read it again.
                    log.error("consumer.batch_failed", error=repr(error))
                    for partition, records in batch.items():
                        with contextlib.suppress(
                            IllegalStateError
                        ):  # revoked meanwhile: new owner reads it
                            self._consumer.seek(partition, records[0].offset)
                    self._progress.settled()
                    await asyncio.sleep(self._backoff_s)
                    continue
                self._progress.applied(batch)
                self._progress.settled()
                self._offsets.handled(batch)
                for partition, records in batch.items():
                    self._next[partition] = records[-1].offset + 1
                await self._offsets.commit_due()
        finally:
            await self._offsets.close()

    async def process(
        self, batch: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]
    ) -> None:
        read: list[tuple[ConsumerRecord[bytes, bytes], Delivery]] = []
        for records in batch.values():
            for record in records:
                delivery = await self._decode(record)
                if delivery is not None:
                    log.debug(
                        "event.read",
                        correlation_id=delivery.envelope.correlation_id,
                        event_type=delivery.envelope.type,
                        topic=record.topic,
                        offset=record.offset,
                    )
                    read.append((record, delivery))
        if not read:
            return
        deliveries = [delivery for _, delivery in read]
        started, started_ns = time.perf_counter(), time.time_ns()
        runs: list[HandlerRun] = []
        try:
            duplicates = await self._handle(deliveries, runs)
            self._count(deliveries, duplicates)
            self.stats.batches += 1  # handled in one transaction
            if self._metrics is not None:
                self._metrics.observe_batch(len(deliveries), time.perf_counter() - started)
                self._observe(runs)
            if self._tracing is not None:
                self._tracing.handled(
                    [(self._names.logical(r.topic), d.envelope) for r, d in read],
                    started_ns,
                    time.time_ns(),
                )
        except Exception as error:  # one bad message must not sink its batch: isolate it
            log.warning(
                "consumer.batch_retrying_one_by_one", error=repr(error), size=len(deliveries)
            )
            for record, delivery in read:
                await self._apply_alone(record, delivery)

    async def _handle(self, deliveries: list[Delivery], runs: list[HandlerRun]) -> int:
        """The batch in one transaction; returns how many were duplicates."""
        if await handle_unseen_batch(self._pool, self._source, deliveries, runs):
            return 0
        runs.clear()  # nothing of that attempt committed
        async with transaction(self._pool) as conn:
            _, duplicates = await handle_batch(conn, self._source, deliveries, runs)
        return duplicates

    async def _decode(self, record: ConsumerRecord[bytes, bytes]) -> Delivery | None:
        try:
            topic = self._names.logical(record.topic)
            return read_delivery(self._subscriptions, topic, record.value)
        except MalformedEvent as error:
            await self._dead_letter(record, str(error))
            return None

    def _observe(self, runs: list[HandlerRun]) -> None:
        """Handler times once their transaction committed: a rolled-back batch is retried one
        message at a time, and would count twice."""
        if self._metrics is not None:
            for run in runs:
                self._metrics.observe_handler(run.event_type, run.messages, run.seconds)

    def _count(self, deliveries: list[Delivery], duplicates: int) -> None:
        self.stats.processed += len(deliveries) - duplicates
        self.stats.duplicates += duplicates

    async def _apply_alone(self, record: ConsumerRecord[bytes, bytes], delivery: Delivery) -> None:
        for attempt in range(1, self._attempts + 1):
            runs: list[HandlerRun] = []
            try:
                async with transaction(self._pool) as conn:
                    _, duplicates = await handle_batch(conn, self._source, [delivery], runs)
                self._count([delivery], duplicates)
                self._observe(runs)
                return
            except PoisonMessage as error:
                await self._dead_letter(record, str(error))
                return
            except INFRASTRUCTURE_ERRORS:
                raise
            except Exception as error:
                if attempt == self._attempts:
                    await self._dead_letter(record, _describe(error))
                    return
                log.warning("event.retrying", attempt=attempt, error=repr(error))
                await asyncio.sleep(self._backoff_s * 2 ** (attempt - 1))

    async def _dead_letter(self, record: ConsumerRecord[bytes, bytes], reason: str) -> None:
        topic = self._names.logical(record.topic)
        headers = [
            *record.headers,  # the envelope's own (type, correlation_id, ...) when it had them
            ("dlq.error", reason.encode()[:4000]),
            ("dlq.source.topic", topic.encode()),
            ("dlq.source.partition", str(record.partition).encode()),
            ("dlq.source.offset", str(record.offset).encode()),
            ("dlq.consumer.group", self._group.encode()),
            ("dlq.failed_at", datetime.now(UTC).isoformat().encode()),
        ]
        await self._producer.send_and_wait(
            self._names.physical(dead_letters(topic)),
            record.value or b"",
            key=record.key,
            headers=headers,
        )
        self.stats.dead_lettered += 1
        log.error(
            "event.dead_lettered",
            topic=topic,
            partition=record.partition,
            offset=record.offset,
            reason=reason,
        )


def _bound(unit: UnitOfWork) -> contextlib.AbstractContextManager[Any]:
    assert unit.cause is not None
    return structlog.contextvars.bound_contextvars(**log_fields(unit.cause))


def _describe(error: Exception) -> str:
    return "".join(traceback.format_exception_only(error)).strip()
