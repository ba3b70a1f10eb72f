"""Prometheus metrics every service serves at /metrics: its consumer (records by outcome,
batches, their size and duration, handler time by event type, lag per partition), its outbox
and relay (backlog, age of the oldest unsent row, refused rows, published), and its HTTP API's
latency. Each service has a registry of its own: tests run several services in one process."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass(frozen=True)
class Snapshot:
    """What the service counts itself, read at each scrape."""

    processed: int
    duplicates: int
    dead_lettered: int
    batches: int
    published: int
    lag: dict[tuple[str, int], int]  # (topic, partition): records behind the partition's end
    assigned_partitions: int
    outbox_unsent: int
    outbox_oldest_unsent_s: float
    outbox_refused: int
    kpis: Mapping[str, float | None] = field(default_factory=dict)  # the service's own


class _SnapshotCollector(Collector):
    def __init__(self) -> None:
        self.snapshot: Snapshot | None = None

    def collect(self) -> Iterator[Metric]:
        s = self.snapshot
        if s is None:
            return
        records = CounterMetricFamily(
            "orderflow_consumer_records", "Records read, by outcome", labels=["outcome"]
        )
        for outcome, count in (
            ("processed", s.processed),
            ("duplicate", s.duplicates),
            ("dead_lettered", s.dead_lettered),
        ):
            records.add_metric([outcome], count)
        yield records
        yield CounterMetricFamily(
            "orderflow_consumer_batches", "Batches handled, one transaction each", s.batches
        )
        yield CounterMetricFamily("orderflow_relay_published", "Outbox rows published", s.published)
        lag = GaugeMetricFamily(
            "orderflow_consumer_lag",
            "Records behind the end of each assigned partition",
            labels=["topic", "partition"],
        )
        for (topic, partition), behind in sorted(s.lag.items()):
            lag.add_metric([topic, str(partition)], behind)
        yield lag
        for name, documentation, value in (
            (
                "orderflow_consumer_assigned_partitions",
                "Partitions assigned",
                s.assigned_partitions,
            ),
            ("orderflow_outbox_unsent", "Outbox rows waiting for the relay", s.outbox_unsent),
            (
                "orderflow_outbox_oldest_unsent_seconds",
                "Age of the oldest outbox row waiting; 0 when none",
                s.outbox_oldest_unsent_s,
            ),
            (
                "orderflow_outbox_refused",
                "Outbox rows the broker refused for good, set aside for an operator",
                s.outbox_refused,
            ),
        ):
            yield GaugeMetricFamily(name, documentation, value)
        kpis = GaugeMetricFamily(
            "orderflow_kpi", "The service's KPIs, as its /kpis answers by default", labels=["kpi"]
        )
        for kpi, figure in sorted(s.kpis.items()):
            if figure is not None:  # a ratio of nothing yet: no sample rather than a false 0
                kpis.add_metric([kpi], figure)
        yield kpis


class ServiceMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.batch_seconds = Histogram(
            "orderflow_consumer_batch_seconds",
            "One poll's batch, decoded and handled in its transaction",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )
        self.batch_records = Histogram(
            "orderflow_consumer_batch_records",
            "Records of a batch handled together",
            buckets=(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000),
            registry=self.registry,
        )
        # One handler call: the run of consecutive messages of one type in a batch (one
        # message for an `on` handler, several for an `on_batch` one). Timing each message
        # of a set-based handler is impossible; sum / messages is the mean per message.
        self.handler_seconds = Histogram(
            "orderflow_handler_seconds",
            "One handler call within a batch's transaction, by event type",
            ["event_type"],
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )
        self.handler_messages = Counter(
            "orderflow_handler_messages",
            "Messages handed to handlers, by event type (handler seconds' sum / this: the mean"
            " per message)",
            ["event_type"],
            registry=self.registry,
        )
        self._handlers: dict[str, tuple[Histogram, Counter]] = {}
        self.http_seconds = Histogram(
            "orderflow_http_request_seconds",
            "HTTP requests, by method, route and status",
            ["method", "route", "status"],
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
            registry=self.registry,
        )
        self.periodic_items = Counter(
            "orderflow_periodic_work_items",
            "Records each periodic task handled, by task (a retention purge: records erased)",
            ["work"],
            registry=self.registry,
        )
        self._snapshot = _SnapshotCollector()
        self.registry.register(self._snapshot)

    def observe_batch(self, records: int, seconds: float) -> None:
        self.batch_records.observe(records)
        self.batch_seconds.observe(seconds)

    def observe_handler(self, event_type: str, messages: int, seconds: float) -> None:
        children = self._handlers.get(event_type)
        if children is None:  # labels() takes a lock and builds a key: once per type
            children = self._handlers[event_type] = (
                self.handler_seconds.labels(event_type),
                self.handler_messages.labels(event_type),
            )
        children[0].observe(seconds)
        children[1].inc(messages)

    def render(self, snapshot: Snapshot) -> bytes:
        self._snapshot.snapshot = snapshot
        return generate_latest(self.registry)
