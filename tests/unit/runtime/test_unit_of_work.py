import structlog
from orderflow_contracts import Envelope
from orderflow_contracts.warehouse import StockReceived
from orderflow_runtime import UnitOfWork


def test_a_units_logger_carries_its_messages_correlation_id_event_id_and_type():
    cause = Envelope.wrap(
        StockReceived(sku="MUG-RED", location_id="us-ontario", quantity=3),
        source="warehouse",
        correlation_id="order-7",
    )
    unit = UnitOfWork(conn=None, source="inventory", cause=cause)  # type: ignore[arg-type]
    with structlog.testing.capture_logs() as logs:
        unit.log.info("stock.received", units=3)
    assert logs == [
        {
            "event": "stock.received",
            "units": 3,
            "correlation_id": "order-7",
            "event_id": str(cause.event_id),
            "event_type": "StockReceived",
            "log_level": "info",
        }
    ]


def test_a_unit_no_message_caused_logs_and_emits_under_its_own_correlation_id():
    unit = UnitOfWork(conn=None, source="intake", correlation="request-9")  # type: ignore[arg-type]
    with structlog.testing.capture_logs() as logs:
        unit.log.info("order.edited")
    envelope = unit.emit("orders", "order-7", StockReceived(sku="MUG", location_id="x", quantity=1))
    assert logs == [{"event": "order.edited", "correlation_id": "request-9", "log_level": "info"}]
    assert envelope.correlation_id == "request-9" and envelope.causation_id is None
