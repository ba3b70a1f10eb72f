"""decode: one parse when the type can be read ahead, the same answers as the two-step path."""

import json

import pytest
from orderflow_contracts import Envelope, MalformedEvent
from orderflow_contracts.envelope import decode, peek_type
from orderflow_contracts.intake import OrderCancelled
from orderflow_contracts.warehouse import StockReceived

KNOWN = {model.event_type: model for model in (OrderCancelled, StockReceived)}


def raw(event, **overrides) -> bytes:
    envelope = Envelope.wrap(event, source="test", correlation_id="c-1")
    document = json.loads(envelope.to_bytes())
    document.update(overrides)
    return json.dumps(document).encode()


CANCELLED = OrderCancelled(order_id="o-1", channel="shopify", external_id="1", reason="x")


def test_a_known_type_comes_back_typed_with_its_envelope() -> None:
    envelope, event = decode(raw(CANCELLED), KNOWN.get)
    assert event == CANCELLED
    assert (envelope.type, envelope.correlation_id, envelope.source) == (
        "OrderCancelled",
        "c-1",
        "test",
    )


def test_an_unknown_type_comes_back_without_an_event() -> None:
    envelope, event = decode(raw(CANCELLED), {}.get)
    assert (envelope.type, event) == ("OrderCancelled", None)


def test_a_payload_that_mentions_type_first_still_decodes_by_the_envelope() -> None:
    document = json.loads(raw(CANCELLED))
    reordered = {"payload": {**document.pop("payload"), "type": "StockReceived"}, **document}
    envelope, event = decode(json.dumps(reordered).encode(), KNOWN.get)
    assert envelope.type == "OrderCancelled" and event == CANCELLED


def test_a_payload_that_does_not_fit_its_type_names_the_field() -> None:
    bad = raw(CANCELLED, payload={"order_id": "o-1", "channel": "shopify"})
    with pytest.raises(MalformedEvent, match="OrderCancelled payload invalid: external_id"):
        decode(bad, KNOWN.get)


@pytest.mark.parametrize("value", [None, b"", b"not json", b'{"type": "OrderCancelled"}'])
def test_what_is_not_an_envelope_is_malformed(value) -> None:
    with pytest.raises(MalformedEvent):
        decode(value, KNOWN.get)


def test_the_type_is_read_ahead_of_any_parse() -> None:
    assert peek_type(raw(CANCELLED)) == "OrderCancelled"
    assert peek_type(b'{"type": "StockReceived", "payload": {') == "StockReceived"
    assert peek_type(b'{"type":"not a type name","x":{"type":"Inner"}}') == "Inner"


def test_a_type_that_may_be_the_payloads_own_is_not_trusted() -> None:
    payload_first = b'{"payload": {"type": "Inner"}, "type": "OrderCancelled"}'
    assert peek_type(payload_first) is None
    assert peek_type(b'{"payload":{"type":"Inner"},"type":"OrderCancelled"}') is None
    assert peek_type(b"not json") is None
    assert peek_type(None) is None
