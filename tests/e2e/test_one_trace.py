"""One order is one trace across the five services: each exports over OTLP a span per message
it handled and per event it published, all in the trace the order's correlation id names, each
handled message a child of the span of the event that caused it."""

from typing import Any

import pytest
from orderflow_testing.system import TestSystem, eventually

from tests.conftest import SERVICES, publish_orders, run_to_pick_tasks
from tests.integration.runtime.test_tracing import Collector

pytestmark = pytest.mark.e2e


def spans_of_trace(collector: Collector, trace_id: bytes) -> list[tuple[str, Any]]:
    return [(service, span) for service, span in collector.spans if span.trace_id == trace_id]


async def test_one_order_is_one_trace_across_the_five_services(
    system: TestSystem, start, smtp
) -> None:
    collector = Collector()
    try:
        await run_to_pick_tasks(system, mug_red_at_ontario=5, otlp_endpoint=collector.url)
        await start(system, "notifications", smtp_port=smtp.port, otlp_endpoint=collector.url)
        await publish_orders(system, range(1, 2))

        async def accepted_span() -> bool:
            return bool(collector.named("intake emits OrderAccepted"))

        await eventually(accepted_span, timeout_s=30)
        [accepted] = collector.named("intake emits OrderAccepted")

        async def every_service_reported() -> bool:
            found = {service for service, _ in spans_of_trace(collector, accepted.trace_id)}
            return found == {f"orderflow-{name}" for name in SERVICES}

        await eventually(every_service_reported, timeout_s=40)
        trace = spans_of_trace(collector, accepted.trace_id)
        handled = [span for _, span in trace if span.name.endswith("handles OrderAccepted")]
    finally:
        collector.server.shutdown()

    # routing and notifications each handled intake's OrderAccepted: children of its span
    assert {span.name for span in handled} >= {
        "routing handles OrderAccepted",
        "notifications handles OrderAccepted",
    }
    assert all(span.parent_span_id == accepted.span_id for span in handled)
    names = {span.name for _, span in trace}
    assert {"routing emits ShipmentsPlanned", "inventory handles ShipmentsPlanned"} <= names
    assert any(name.startswith("fulfillment emits") for name in names)
