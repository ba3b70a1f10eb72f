import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from orderflow_contracts import Envelope, Event, MalformedEvent, event_model
from orderflow_contracts.carrier import TrackingUpdated
from orderflow_contracts.intake import OrderAccepted
from orderflow_contracts.order import Address, CanonicalOrder, Customer, OrderLine
from orderflow_contracts.warehouse import StockReceived

ORDER = CanonicalOrder(
    order_id="6d1b4f7e-0000-5000-8000-000000000001",
    channel="amazon",
    external_id="902-3159896-1390916",
    customer=Customer(name="Jane Doe", email="user@marketplace.amazon.com"),
    ship_to=Address(name="Jane Doe", line1="410 Terry Ave N", city="Seattle", country="US"),
    lines=(OrderLine(sku="MUG-RED", quantity=2, unit_price=Decimal("24.99")),),
    placed_at=datetime(2017, 1, 20, 19, 49, 35, tzinfo=UTC),
    ship_by=datetime(2017, 1, 25, 19, 49, 35, tzinfo=UTC),
)


def wrap(event: Event, **kwargs) -> Envelope:
    return Envelope.wrap(event, source="intake", correlation_id="corr-1", **kwargs)


def test_wrap_names_the_event_type_and_version():
    envelope = wrap(OrderAccepted(order=ORDER))
    assert (envelope.type, envelope.version) == ("OrderAccepted", 1)


def test_wrap_records_source_correlation_and_causation():
    cause = uuid.uuid4()
    envelope = wrap(
        StockReceived(sku="MUG-RED", location_id="us-ontario", quantity=3), causation_id=cause
    )
    assert (envelope.source, envelope.correlation_id, envelope.causation_id) == (
        "intake",
        "corr-1",
        cause,
    )


def test_wrap_serialises_payload_as_json_values():
    payload = wrap(OrderAccepted(order=ORDER)).payload
    assert payload["order"]["lines"][0]["unit_price"] == "24.99"
    assert payload["order"]["placed_at"] == "2017-01-20T19:49:35Z"
    json.dumps(payload)


def test_each_wrapped_event_gets_its_own_id():
    event = StockReceived(sku="MUG-RED", location_id="us-ontario", quantity=3)
    assert wrap(event).event_id != wrap(event).event_id


def test_occurred_at_is_now_in_utc():
    occurred_at = wrap(StockReceived(sku="A", location_id="b", quantity=1)).occurred_at
    assert occurred_at.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - occurred_at) < timedelta(seconds=5)


def test_envelope_survives_bytes_round_trip():
    envelope = wrap(OrderAccepted(order=ORDER), causation_id=uuid.uuid4())
    assert Envelope.from_bytes(envelope.to_bytes()) == envelope


def test_event_round_trips_with_decimal_and_utc_datetimes():
    received = Envelope.from_bytes(wrap(OrderAccepted(order=ORDER)).to_bytes()).event()
    assert received == OrderAccepted(order=ORDER)
    assert received.order.lines[0].unit_price == Decimal("24.99")
    assert received.order.ship_by == datetime(2017, 1, 25, 19, 49, 35, tzinfo=UTC)


def test_envelope_ignores_unknown_fields_from_newer_producers():
    raw = json.loads(wrap(StockReceived(sku="A", location_id="b", quantity=1)).to_bytes())
    raw["trace"] = {"span": "x"}
    assert Envelope.from_bytes(json.dumps(raw).encode()).type == "StockReceived"


def test_missing_message_value_is_malformed():
    with pytest.raises(MalformedEvent, match="message has no value"):
        Envelope.from_bytes(None)


@pytest.mark.parametrize("raw", [b"", b"not json", b"\xff\xfe\x00", b"[]", b"null", b"42"])
def test_bytes_that_are_not_json_objects_are_malformed(raw):
    with pytest.raises(MalformedEvent, match=r"^not an envelope: \(root\): "):
        Envelope.from_bytes(raw)


def test_envelope_missing_fields_is_malformed_naming_the_field():
    with pytest.raises(MalformedEvent, match=r"^not an envelope: type: Field required \(4 error"):
        Envelope.from_bytes(b"{}")


def test_envelope_with_bad_event_id_is_malformed():
    raw = json.loads(wrap(StockReceived(sku="A", location_id="b", quantity=1)).to_bytes())
    raw["event_id"] = "not-a-uuid"
    with pytest.raises(MalformedEvent, match="event_id"):
        Envelope.from_bytes(json.dumps(raw).encode())


def test_unknown_event_type_is_malformed():
    envelope = Envelope(type="OrderTeleported", correlation_id="c", source="s", payload={})
    with pytest.raises(MalformedEvent, match="unknown event type 'OrderTeleported'"):
        envelope.event()


def test_payload_not_fitting_its_type_is_malformed_naming_the_field():
    envelope = Envelope(
        type="TrackingUpdated",
        correlation_id="c",
        source="carrier",
        payload={"tracking_number": "1Z999", "carrier": "ups", "status": "teleported"},
    )
    with pytest.raises(MalformedEvent, match=r"^TrackingUpdated payload invalid: status: "):
        envelope.event()


def test_payload_missing_a_field_is_malformed():
    envelope = Envelope(type="StockReceived", correlation_id="c", source="s", payload={"sku": "A"})
    with pytest.raises(MalformedEvent, match=r"location_id: Field required \(2 error"):
        envelope.event()


def test_malformed_event_is_a_value_error():
    assert issubclass(MalformedEvent, ValueError)


@pytest.mark.parametrize(
    "name",
    [
        "MarketplaceOrderPublished",
        "OrderAccepted",
        "OrderHeld",
        "ShipmentsPlanned",
        "OrderUnroutable",
        "StockReserved",
        "ReservationRejected",
        "StockLevelChanged",
        "PickTaskIssued",
        "ShipmentStatusChanged",
        "TrackingNumberAssigned",
        "StockReceived",
        "WarehouseReported",
        "TrackingUpdated",
        "CustomerNotified",
    ],
)
def test_every_contract_event_is_registered_by_its_class_name(name):
    model = event_model(name)
    assert model is not None
    assert model.__name__ == name == model.event_type


def test_event_model_is_none_for_unknown_type():
    assert event_model("NoSuchEvent") is None


def test_events_are_immutable():
    event = TrackingUpdated(tracking_number="1Z999", carrier="ups", status="delivered")
    with pytest.raises(ValueError, match="frozen"):
        event.status = "in_transit"


def test_headers_name_the_event_and_its_journey_for_consumers_that_do_not_parse_json():
    cause = uuid.uuid4()
    envelope = wrap(OrderAccepted(order=ORDER), causation_id=cause)
    headers = envelope.headers()
    assert {k: headers[k] for k in ("type", "version", "correlation_id", "source")} == {
        "type": "OrderAccepted",
        "version": "1",
        "correlation_id": "corr-1",
        "source": "intake",
    }
    assert headers["causation_id"] == str(cause)
    assert wrap(OrderAccepted(order=ORDER)).headers()["causation_id"] == ""


def test_traceparent_is_one_trace_per_journey_and_one_span_per_event():
    first, second = wrap(OrderAccepted(order=ORDER)), wrap(OrderAccepted(order=ORDER))
    other_journey = Envelope.wrap(OrderAccepted(order=ORDER), source="x", correlation_id="corr-2")
    version, trace_id, span, flags = first.headers()["traceparent"].split("-")
    assert (version, flags, len(trace_id), len(span)) == ("00", "01", 32, 16)
    assert re.fullmatch("[0-9a-f]{32}", trace_id) and trace_id != "0" * 32
    assert span == first.event_id.hex[:16]
    assert second.headers()["traceparent"].split("-")[1] == trace_id
    assert second.headers()["traceparent"].split("-")[2] != span
    assert other_journey.headers()["traceparent"].split("-")[1] != trace_id
