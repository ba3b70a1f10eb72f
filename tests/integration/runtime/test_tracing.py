"""One order is one trace across the services: each exports, over OTLP/HTTP, a span per message
it handled (a child of that event's span) and a span per event it published (with the span id
its record's traceparent gives it), all in the trace the order's correlation id names."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from orderflow_contracts import topics
from orderflow_contracts.envelope import span_id, traceparent
from orderflow_testing.system import TestSystem, eventually

from tests.integration.notifications.test_customer_emails import accepted, shipped

pytestmark = pytest.mark.integration


class Collector:
    """An OTLP/HTTP trace receiver on loopback, keeping every span it is sent."""

    def __init__(self) -> None:
        self.spans: list[tuple[str, Any]] = []  # (service name, span)
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                request = ExportTraceServiceRequest()
                request.ParseFromString(self.rfile.read(int(self.headers["Content-Length"])))
                for resource_spans in request.resource_spans:
                    service = next(
                        a.value.string_value
                        for a in resource_spans.resource.attributes
                        if a.key == "service.name"
                    )
                    for scope_spans in resource_spans.scope_spans:
                        collector.spans.extend((service, span) for span in scope_spans.spans)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def named(self, name: str) -> list[Any]:
        return [span for _, span in self.spans if span.name == name]


@pytest.fixture
def collector() -> Iterator[Collector]:
    receiver = Collector()
    yield receiver
    receiver.server.shutdown()


async def test_a_handled_message_and_a_published_event_are_spans_of_the_orders_trace(
    system: TestSystem, start, smtp, collector: Collector
) -> None:
    await system.create_topics([])
    await start(system, "notifications", smtp_port=smtp.port, otlp_endpoint=collector.url)
    bus = await system.bus("partners")
    await bus.publish(topics.ORDERS, "o-t", accepted("o-t", "en"), correlation_id="order-o-t")
    news = await bus.publish(
        topics.FULFILLMENT_STATUS, "o-t", shipped("o-t"), correlation_id="order-o-t"
    )
    await bus.flush()
    [told] = await system.read(topics.NOTIFICATIONS_SENT, until=lambda seen: len(seen) >= 1)
    await eventually(lambda: _has(collector, "notifications emits CustomerNotified"), timeout_s=15)
    await eventually(
        lambda: _has(collector, "notifications handles ShipmentStatusChanged"), timeout_s=15
    )

    _, trace, _, _ = traceparent("order-o-t", news.event_id).split("-")
    [handled] = collector.named("notifications handles ShipmentStatusChanged")
    assert handled.trace_id.hex() == trace
    assert handled.parent_span_id.hex() == span_id(news.event_id)  # the handled event's span
    assert handled.end_time_unix_nano >= handled.start_time_unix_nano
    [emitted] = collector.named("notifications emits CustomerNotified")
    assert emitted.trace_id.hex() == trace  # the same order, the same trace
    assert f"00-{trace}-{emitted.span_id.hex()}-01" == told.header("traceparent")
    assert {service for service, _ in collector.spans} == {"orderflow-notifications"}


async def _has(collector: Collector, name: str) -> bool:
    return bool(collector.named(name))
