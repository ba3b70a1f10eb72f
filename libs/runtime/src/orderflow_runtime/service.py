"""The lifecycle every service shares: pool, migrations, producer, relay, consumer, health,
and a graceful stop on SIGTERM/SIGINT. A service supplies only a ServiceSpec."""

import asyncio
import contextlib
import functools
import gc
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import asyncpg
import structlog
import uvloop
from aiokafka import AIOKafkaConsumer
from fastapi import APIRouter, FastAPI

from orderflow_runtime import access, inbox, outbox
from orderflow_runtime.catch_up import catch_up
from orderflow_runtime.consumer import ConsumerStats, EventConsumer, Subscriptions
from orderflow_runtime.db import apply_migrations, create_pool, transaction
from orderflow_runtime.http import ApiServer, build_api
from orderflow_runtime.kafka import (
    TopicNames,
    cluster_id,
    create_consumer,
    create_producer,
    seed_offsets,
    unhurried_group,
)
from orderflow_runtime.logs import configure_logging
from orderflow_runtime.metrics import ServiceMetrics, Snapshot
from orderflow_runtime.outbox import Relay
from orderflow_runtime.progress import OwnedPartitions
from orderflow_runtime.settings import ServiceSettings
from orderflow_runtime.tracing import Tracing
from orderflow_runtime.unit_of_work import UnitOfWork

log = structlog.get_logger()


@contextlib.asynccontextmanager
async def unit_of_work(
    pool: asyncpg.Pool, source: str, correlation: str = ""
) -> AsyncIterator[UnitOfWork]:
    """A transaction for work no message caused (API calls, timers); what it emits is
    written to the outbox when it commits."""
    async with transaction(pool) as conn:
        unit = UnitOfWork(conn=conn, source=source, correlation=correlation)
        yield unit
        await outbox.write(conn, unit.outgoing)


BackgroundTask = Callable[["RunningService"], Coroutine[Any, Any, None]]


def every(interval_s: float, work: Callable[[UnitOfWork], Awaitable[Any]]) -> BackgroundTask:
    """A background task doing `work` in its own unit of work every `interval_s`; a round the
    database fails is logged and the next one tries again. A count `work` returns (records it
    handled) is added, once committed, to /metrics' orderflow_periodic_work_items{work=...}."""

    async def in_unit(_service: "RunningService", uow: UnitOfWork) -> Any:
        return await work(uow)

    return every_with_service(interval_s, in_unit, name=getattr(work, "__name__", repr(work)))


def every_with_service(
    interval_s: float,
    work: Callable[["RunningService", UnitOfWork], Awaitable[Any]],
    name: str = "",
) -> BackgroundTask:
    """`every`, for work that asks the running service something first (such as how far its
    consumer has read a topic: `RunningService.owned_partitions`)."""
    name = name or getattr(work, "__name__", repr(work))

    async def run(service: "RunningService") -> None:
        while True:
            try:
                async with service.unit_of_work() as uow:
                    handled = await work(service, uow)
                if isinstance(handled, int) and not isinstance(handled, bool) and handled > 0:
                    service.metrics.periodic_items.labels(work=name).inc(handled)
            except (asyncpg.PostgresError, OSError) as error:
                log.error(
                    "service.periodic_work_failed",
                    service=service.spec.name,
                    work=name,
                    error=repr(error),
                )
            await asyncio.sleep(interval_s)

    return run


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    migrations_package: str
    subscriptions: Subscriptions
    on_start: Callable[["RunningService"], Awaitable[None]] | None = None
    background: tuple[BackgroundTask, ...] = ()
    api: Callable[["RunningService"], APIRouter] | None = None
    # Compacted topics this service keeps a replica of: read to their end before it consumes.
    replicas: tuple[str, ...] = ()
    # Subscribed topics whose news no order waits on for its pick task: read by a consumer of
    # their own (group `<group>.unhurried`) whose fetches wait for unhurried_fetch_min_bytes or
    # fetch_max_wait_ms, so that news wakes the service a batch at a time, not a record.
    unhurried: tuple[str, ...] = ()
    # Route prefixes that change the setup: only an admin's key may call them.
    admin_routes: tuple[str, ...] = ()
    # Route prefixes partners call without an operator's key (they prove themselves otherwise).
    public_routes: tuple[str, ...] = ()
    # The service's KPIs by name, read at each /metrics scrape (orderflow_kpi{kpi=...}).
    kpis: Callable[[asyncpg.Connection], Awaitable[Mapping[str, float | None]]] | None = None

    def __post_init__(self) -> None:
        if stray := set(self.unhurried) - self.subscriptions.topics:
            raise ValueError(f"{self.name}: unhurried topics it does not subscribe to: {stray}")
        if kept := set(self.unhurried) & set(self.replicas):
            raise ValueError(f"{self.name}: replicas are caught up in its own group: {kept}")


@dataclass
class RunningService:
    spec: ServiceSpec
    settings: ServiceSettings
    pool: asyncpg.Pool
    names: TopicNames
    consumers: list[EventConsumer]
    relay: Relay
    metrics: ServiceMetrics = field(default_factory=ServiceMetrics)
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    closers: list[Callable[[], Awaitable[Any]]] = field(default_factory=list)
    api: FastAPI | None = None

    @property
    def stats(self) -> ConsumerStats:
        return sum((consumer.stats for consumer in self.consumers), ConsumerStats())

    @property
    def assigned_partitions(self) -> int:
        """0 until every consumer's group join completes: ready when positive."""
        assigned = [consumer.assigned_partitions for consumer in self.consumers]
        return sum(assigned) if all(assigned) else 0

    def consumer_of(self, topic: str) -> EventConsumer:
        return next(consumer for consumer in self.consumers if topic in consumer.topics)

    async def health(self) -> dict[str, Any]:
        stats = self.stats
        backlog = await outbox.backlog(self.pool, on_the_broker=self.relay.acked_unmarked)
        return {
            "service": self.spec.name,
            "status": "ok" if all(not t.done() for t in self.tasks) else "degraded",
            "assigned_partitions": self.assigned_partitions,
            "processed": stats.processed,
            "batches": stats.batches,
            "duplicates": stats.duplicates,
            "dead_lettered": stats.dead_lettered,
            "published": self.relay.published,
            "outbox_unsent": backlog.unsent,
            "outbox_refused": backlog.refused,
            "api_access": "keys" if self.settings.api_keys_file else "open",
        }

    async def prometheus_text(self) -> bytes:
        backlog = await outbox.backlog(self.pool, on_the_broker=self.relay.acked_unmarked)
        stats = self.stats
        kpis: Mapping[str, float | None] = {}
        if self.spec.kpis is not None:
            async with self.pool.acquire() as conn:
                kpis = await self.spec.kpis(conn)
        return self.metrics.render(
            Snapshot(
                processed=stats.processed,
                duplicates=stats.duplicates,
                dead_lettered=stats.dead_lettered,
                batches=stats.batches,
                published=self.relay.published,
                lag={k: v for consumer in self.consumers for k, v in consumer.lag().items()},
                assigned_partitions=self.assigned_partitions,
                outbox_unsent=backlog.unsent,
                outbox_oldest_unsent_s=backlog.oldest_unsent_s,
                outbox_refused=backlog.refused,
                kpis=kpis,
            )
        )

    async def owned_partitions(self, topic: str) -> OwnedPartitions | None:
        """`topic`'s partitions this replica owns, each with the time it has applied their news
        up to (at the end: when the last fetch was answered; else the last record applied; None
        where unknown); None where it owns none. With replicas sharing the consumer group, work
        that concludes from news not having come does so only for the keys it owns
        (`OwnedPartitions.owns`): news for the others may wait, unread, on another replica's
        lagging partition."""
        return await self.consumer_of(topic).owned_partitions(topic)

    def unit_of_work(
        self, correlation: str = ""
    ) -> contextlib.AbstractAsyncContextManager[UnitOfWork]:
        return unit_of_work(self.pool, self.spec.name, correlation)

    async def stop(self) -> None:
        await _cancel_all(self.tasks)
        for close in reversed(self.closers):
            with contextlib.suppress(Exception):  # TimeoutError too: shutdown must end
                async with asyncio.timeout(10):
                    await close()
        log.info("service.stopped", service=self.spec.name)


def _keys(service: str, settings: ServiceSettings) -> access.Keys | None:
    if settings.api_keys_file is None:
        log.warning(
            "service.api_open",
            service=service,
            detail="no API keys file: anyone who reaches the port may act, as whoever X-Actor"
            " names; set <SERVICE>_API_KEYS_FILE",
        )
        return None
    return access.Keys.load(settings.api_keys_file)


def _tracing(service: str, settings: ServiceSettings) -> Tracing | None:
    endpoint = settings.otlp_endpoint or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "")
    if not endpoint:
        return None
    log.info("service.tracing", service=service, endpoint=endpoint)
    return Tracing.over_otlp(service, endpoint)


async def start_service(spec: ServiceSpec, settings: ServiceSettings) -> RunningService:
    pool = await create_pool(settings.database_url, settings.db_pool_size)
    closers: list[Callable[[], Awaitable[Any]]] = [pool.close]
    await apply_migrations(pool, "orderflow_runtime", spec.migrations_package)
    names = TopicNames(settings.topic_prefix)
    producer = create_producer(settings.kafka_bootstrap_servers)
    await producer.start()
    closers.append(producer.stop)
    group = settings.consumer_group or names.physical(spec.name)
    kafka_consumers = await _kafka_consumers(spec, settings, names, group)
    for _, _, kafka_consumer in kafka_consumers:
        await kafka_consumer.start()
        closers.append(kafka_consumer.stop)
    metrics = ServiceMetrics()
    tracing = _tracing(spec.name, settings)
    if tracing is not None:
        closers.append(lambda: asyncio.to_thread(tracing.shutdown))
    service = RunningService(
        spec=spec,
        settings=settings,
        pool=pool,
        names=names,
        metrics=metrics,
        consumers=[
            EventConsumer(
                source=spec.name,
                consumer=kafka_consumer,
                producer=producer,
                pool=pool,
                subscriptions=spec.subscriptions,
                topics=topics,
                names=names,
                group=lane_group,
                max_batch=settings.max_batch,
                attempts=settings.handler_attempts,
                backoff_s=settings.retry_backoff_s,
                commit_interval_s=settings.offset_commit_interval_s,
                metrics=metrics,
                tracing=tracing,
            )
            for topics, lane_group, kafka_consumer in kafka_consumers
        ],
        relay=Relay(
            pool,
            settings.database_url,
            producer,
            names,
            batch=settings.relay_batch,
            poll_interval_s=settings.relay_poll_interval_s,
            retention=timedelta(hours=settings.outbox_retention_hours),
            cluster_id=functools.partial(cluster_id, settings.kafka_bootstrap_servers),
            cluster_check_interval_s=settings.cluster_check_interval_s,
            tracing=tracing,
        ),
        closers=closers,
    )
    if spec.on_start is not None:
        await spec.on_start(service)
    for topic in spec.replicas:
        await catch_up(
            topic,
            settings=settings,
            group=group,
            names=names,
            pool=pool,
            source=spec.name,
            subscriptions=spec.subscriptions,
        )
    retention = timedelta(hours=settings.inbox_retention_hours)
    workers: list[Coroutine[Any, Any, Any]] = [
        service.relay.run(),
        *(consumer.run() for consumer in service.consumers),
        _purge_inbox_forever(pool, retention),
        *(task(service) for task in spec.background),
    ]
    service.tasks = [asyncio.create_task(worker) for worker in workers]
    service.api = build_api(
        f"orderflow {spec.name}",
        service.health,
        spec.api(service) if spec.api else None,
        service.prometheus_text,
        metrics.http_seconds,
        access.guard(_keys(spec.name, settings), spec.admin_routes, spec.public_routes),
    )
    if settings.http_port:
        server = ApiServer(service.api, settings.http_port)
        await server.start()
        closers.append(server.stop)
    log.info(
        "service.started",
        service=spec.name,
        group=group,
        topics=sorted(spec.subscriptions.topics - set(spec.unhurried)),
        unhurried=sorted(spec.unhurried),
    )
    return service


async def _kafka_consumers(
    spec: ServiceSpec, settings: ServiceSettings, names: TopicNames, group: str
) -> list[tuple[frozenset[str], str, AIOKafkaConsumer]]:
    """(topics, group, consumer): one in the service's group for the topics on an order's way,
    answered at their first record, and one in `<group>.unhurried` for its unhurried topics,
    which on its first start goes on from where the service's group had read them."""
    hurried = frozenset(spec.subscriptions.topics - set(spec.unhurried))
    consumers = []
    if hurried:
        consumers.append(
            (hurried, group, create_consumer(settings, group, settings.fetch_min_bytes))
        )
    if spec.unhurried:
        lane_group = unhurried_group(group)
        physical = [names.physical(topic) for topic in spec.unhurried]
        await seed_offsets(settings.kafka_bootstrap_servers, physical, group, lane_group)
        consumer = create_consumer(settings, lane_group, settings.unhurried_fetch_min_bytes)
        consumers.append((frozenset(spec.unhurried), lane_group, consumer))
    return consumers


async def _cancel_all(tasks: list[asyncio.Task[Any]], attempts: int = 20) -> None:
    """Cancel until done: a library awaiting asyncio.wait_for on Python 3.11 can swallow one
    cancellation (the inner call finished at the same moment), so one cancel is not enough."""
    pending = {task for task in tasks if not task.done()}
    for _ in range(attempts):
        if not pending:
            return
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=0.5)
    log.error("service.tasks_would_not_stop", tasks=[task.get_name() for task in pending])


async def _purge_inbox_forever(pool: asyncpg.Pool, retention: timedelta) -> None:
    while True:
        await asyncio.sleep(600)
        with contextlib.suppress(asyncpg.PostgresError, OSError):
            await inbox.purge(pool, retention)


async def serve_until_signalled(spec: ServiceSpec, settings: ServiceSettings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    service = await start_service(spec, settings)
    collect_garbage_for_batches()
    stopped_by_signal = asyncio.create_task(stop.wait())
    await asyncio.wait([stopped_by_signal, *service.tasks], return_when=asyncio.FIRST_COMPLETED)
    for task in service.tasks:
        if task.done() and not task.cancelled() and task.exception():
            log.error("service.task_failed", error=repr(task.exception()))
    await service.stop()


def collect_garbage_for_batches() -> None:
    """What start-up built (modules, schemas, pools) lives as long as the process: frozen, the
    collector stops re-scanning it. A 500-message batch allocates tens of thousands of objects
    that live until it commits; at the default threshold (700) the collector ran ~500 times in
    the flash sale's 10,000 plans, re-scanning them, and took ~15% of inventory's time.
    Refcounting still frees everything without cycles at once."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def run(spec: ServiceSpec, settings: ServiceSettings) -> None:
    """The process entry point of every service, on uvloop: asyncio's own loop and socket
    transports took 10-30% of each service's Python time at 100 orders/s (bench/README.md,
    "uvloop, and notifications passing over the warehouse's steps")."""
    configure_logging(settings.log_format, settings.log_level)
    uvloop.run(serve_until_signalled(spec, settings))
