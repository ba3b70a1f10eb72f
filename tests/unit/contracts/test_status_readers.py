"""Which of fulfillment's statuses each of its readers reads (the rest it passes over before any
transaction)."""

import pytest
from orderflow_contracts import Envelope, topics
from orderflow_contracts.fulfillment import ShipmentStatus, ShipmentStatusChanged
from orderflow_inventory.handlers import subscriptions as inventory
from orderflow_notifications.handlers import subscriptions as notifications
from orderflow_runtime.consumer import read_delivery

HOLDS_OR_MOVES_STOCK = {
    ShipmentStatus.PICK_REQUESTED,
    ShipmentStatus.ACCEPTED,
    ShipmentStatus.PICKED,
    ShipmentStatus.PACKED,
    ShipmentStatus.SHIPPED,
    ShipmentStatus.CANCELLED,
    ShipmentStatus.REJECTED,
    ShipmentStatus.RESTOCKED,
}


def news(status: ShipmentStatus) -> bytes:
    event = ShipmentStatusChanged(
        order_id="o-1", shipment_id="s-1", location_id="de-3pl", status=status, carrier="dhl"
    )
    return Envelope.wrap(event, source="fulfillment", correlation_id="shop:1").to_bytes()


@pytest.mark.parametrize("status", list(ShipmentStatus))
def test_inventory_reads_only_the_statuses_that_hold_or_move_stock(status: ShipmentStatus):
    delivery = read_delivery(inventory, topics.FULFILLMENT_STATUS, news(status))
    assert (delivery is not None) == (status in HOLDS_OR_MOVES_STOCK)


def test_notifications_reads_only_the_statuses_a_customer_hears_of():
    read = {
        status
        for status in ShipmentStatus
        if read_delivery(notifications(), topics.FULFILLMENT_STATUS, news(status))
    }
    assert ShipmentStatus.SHIPPED in read and ShipmentStatus.DELIVERED in read
    assert not read & {ShipmentStatus.PICK_REQUESTED, ShipmentStatus.PICKED, ShipmentStatus.PACKED}
