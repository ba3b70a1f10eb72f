from types import SimpleNamespace

import pytest
from orderflow_contracts import Envelope
from orderflow_contracts.fulfillment import ShipmentStatus, ShipmentStatusChanged
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


def record_of(status: ShipmentStatus) -> SimpleNamespace:
    event = ShipmentStatusChanged(
        order_id="o-1", shipment_id="s-1", location_id="de-3pl", status=status, carrier="dhl"
    )
    envelope = Envelope.wrap(event, source="fulfillment", correlation_id="shop:1")
    return SimpleNamespace(value=envelope.to_bytes())


def test_only_passes_over_the_events_its_handler_would_not_act_on():
    subscriptions = Subscriptions()
    subscriptions.on_batch(
        "fulfillment.status",
        ShipmentStatusChanged,
        only=lambda event: event.status is ShipmentStatus.SHIPPED,
    )(handle)
    shipped = read_delivery(subscriptions, "fulfillment.status", record_of(ShipmentStatus.SHIPPED))
    assert shipped is not None and shipped.event.status is ShipmentStatus.SHIPPED
    packed = record_of(ShipmentStatus.PACKED)
    assert read_delivery(subscriptions, "fulfillment.status", packed) is None
