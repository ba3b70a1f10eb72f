"""Traces: one trace per order across the five services, exported over OTLP/HTTP when an
endpoint is configured, off by default.

No tracing context needs carrying besides the envelope: every record already carries a W3C
`traceparent` whose trace id is derived from the order's correlation id and whose span id is
its event's (`orderflow_contracts.envelope.traceparent`). So each service reports, after the
fact and off the event loop (the SDK's batch processor exports from its own thread):
- per event its relay published, a span with the event's own id, a child of its cause's, from
  when it was written to the outbox to the broker's ack;
- per message it handled, a span from its batch's start to the commit, a child of the handled
  event's span.
Spans are built here rather than by a tracer because their ids are given by the events."""

import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.trace import SpanContext, SpanKind, TraceFlags
from orderflow_contracts import Envelope
from orderflow_contracts.envelope import span_id, traceparent

SAMPLED = TraceFlags(TraceFlags.SAMPLED)


def trace_ids(correlation_id: str, event_id: uuid.UUID) -> tuple[int, int]:
    """(trace id, span id) of an event's span, as its record's traceparent says."""
    _, trace, span, _ = traceparent(correlation_id, event_id).split("-")
    return int(trace, 16), int(span, 16)


class Tracing:
    def __init__(self, service: str, exporter: SpanExporter) -> None:
        self._service = service
        self._resource = Resource.create({"service.name": f"orderflow-{service}"})
        self._processor = BatchSpanProcessor(exporter, schedule_delay_millis=1000)
        self._ids = RandomIdGenerator()

    @classmethod
    def over_otlp(cls, service: str, endpoint: str) -> "Tracing":
        """`endpoint`: the collector's base URL, e.g. http://127.0.0.1:4318."""
        return cls(service, OTLPSpanExporter(endpoint=f"{endpoint.rstrip('/')}/v1/traces"))

    def handled(
        self, causes: Sequence[tuple[str, Envelope]], started_ns: int, ended_ns: int
    ) -> None:
        """Messages (topic, envelope) handled in one transaction from `started_ns` to
        `ended_ns`, epoch nanoseconds."""
        for topic, cause in causes:
            trace, parent = trace_ids(cause.correlation_id, cause.event_id)
            own = SpanContext(trace, self._ids.generate_span_id(), False, SAMPLED)
            self._export(
                f"{self._service} handles {cause.type}",
                own,
                SpanContext(trace, parent, True, SAMPLED),
                SpanKind.CONSUMER,
                started_ns,
                ended_ns,
                {
                    "messaging.system": "kafka",
                    "messaging.destination.name": topic,
                    "messaging.message.id": str(cause.event_id),
                    "orderflow.correlation_id": cause.correlation_id,
                },
            )

    def published(self, events: Iterable[tuple[str, dict[str, str], datetime]]) -> None:
        """Events (topic, record headers, written to the outbox at) the broker acked now."""
        ended_ns = time.time_ns()
        for topic, headers, written_at in events:
            _, trace, span, _ = headers["traceparent"].split("-")
            cause = headers.get("causation_id")
            parent = (
                SpanContext(int(trace, 16), int(span_id(uuid.UUID(cause)), 16), True, SAMPLED)
                if cause
                else None
            )
            self._export(
                f"{headers['source']} emits {headers['type']}",
                SpanContext(int(trace, 16), int(span, 16), False, SAMPLED),
                parent,
                SpanKind.PRODUCER,
                int(written_at.timestamp() * 1e9),
                ended_ns,
                {
                    "messaging.system": "kafka",
                    "messaging.destination.name": topic,
                    "orderflow.correlation_id": headers["correlation_id"],
                },
            )

    def shutdown(self) -> None:
        """Exports what is queued, then stops."""
        self._processor.shutdown()  # type: ignore[no-untyped-call]

    def _export(
        self,
        name: str,
        context: SpanContext,
        parent: SpanContext | None,
        kind: SpanKind,
        start_ns: int,
        end_ns: int,
        attributes: dict[str, str],
    ) -> None:
        self._processor.on_end(
            ReadableSpan(
                name,
                context=context,
                parent=parent,
                resource=self._resource,
                attributes=attributes,
                kind=kind,
                start_time=start_ns,
                end_time=max(end_ns, start_ns),
            )
        )
