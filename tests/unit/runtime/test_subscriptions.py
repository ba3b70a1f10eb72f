import pytest
from orderflow_contracts import Envelope
from orderflow_contracts.inventory import StockReserved
from orderflow_contracts.warehouse import StockReceived
from orderflow_runtime import Subscriptions
from orderflow_runtime.consumer import read_delivery


async def handle(unit, event) -> None:
    pass


def test_the_same_event_type_on_two_topics_has_a_route_on_each():
    subscriptions = Subscriptions()
    subscriptions.on("warehouse.stock", StockReceived)(handle)
    subscriptions.on("warehouse.stock.replayed", StockReceived)(handle)
    first = subscriptions.route("warehouse.stock", "StockReceived")
    second = subscriptions.route("warehouse.stock.replayed", "StockReceived")
    assert first is not None and second is not None and first is not second
    assert subscriptions.topics == {"warehouse.stock", "warehouse.stock.replayed"}


def test_a_type_is_routed_only_on_the_topics_it_was_subscribed_on():
    subscriptions = Subscriptions()
    subscriptions.on("warehouse.stock", StockReceived)(handle)
    assert subscriptions.route("orders", "StockReceived") is None
    assert subscriptions.models_on("warehouse.stock")("StockReceived") is StockReceived
    assert subscriptions.models_on("orders")("StockReceived") is None
    assert subscriptions.models_on("warehouse.stock")("StockReserved") is None


def test_a_second_handler_for_the_same_topic_and_type_is_refused():
    subscriptions = Subscriptions()
    subscriptions.on("inventory.reservations", StockReserved)(handle)
    with pytest.raises(ValueError, match="already has a handler"):
        subscriptions.on_batch("inventory.reservations", StockReserved)(handle)


def received(location_id: str) -> bytes:
    event = StockReceived(sku="sku-1", location_id=location_id, quantity=1)
    return Envelope.wrap(event, source="warehouse", correlation_id="sku-1").to_bytes()


def test_only_passes_over_the_events_its_handler_would_not_act_on():
    topic = "warehouse.stock"
    subscriptions = Subscriptions()
    subscriptions.on(topic, StockReceived, only=lambda event: event.location_id == "de-3pl")(handle)
    kept = read_delivery(subscriptions, topic, received("de-3pl"))
    assert kept is not None and kept.event.location_id == "de-3pl"
    assert read_delivery(subscriptions, topic, received("us-ontario")) is None
