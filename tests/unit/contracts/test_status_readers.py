"""Which of fulfillment's statuses each of its readers reads (the rest it passes over before any
transaction)."""

from orderflow_contracts import Envelope, topics
from orderflow_contracts.fulfillment import ShipmentStatus, ShipmentStatusChanged
from orderflow_intake.handlers import subscriptions as intake
from orderflow_intake.screening import ScreeningRules
from orderflow_inventory.handlers import subscriptions as inventory
from orderflow_notifications.handlers import subscriptions as notifications
from orderflow_runtime import Subscriptions
from orderflow_runtime.consumer import read_delivery

S = ShipmentStatus
READ_BY_INTAKE = {  # a parcel on its way, its departure, its end, the answers to a cancellation
    S.PICK_REQUESTED, S.SHIPPED, S.DELIVERED, S.CANCELLED, S.REJECTED, S.LOST,
    S.RETURNED_TO_SENDER, S.RETURN_REQUESTED, S.RESTOCKED, S.WRITTEN_OFF,
}  # fmt: skip
READ_BY_INVENTORY = {  # the warehouse's steps, the departure, a stop or refusal, a restock
    S.PICK_REQUESTED, S.ACCEPTED, S.PICKED, S.PACKED, S.SHIPPED, S.CANCELLED, S.REJECTED,
    S.RESTOCKED,
}  # fmt: skip
READ_BY_NOTIFICATIONS = {  # what a customer hears of
    S.SHIPPED, S.OUT_FOR_DELIVERY, S.EXCEPTION, S.CUSTOMS_HOLD, S.FAILED_DELIVERY, S.DELIVERED,
    S.LOST, S.RETURNED_TO_SENDER, S.RETURN_RECEIVED,
}  # fmt: skip


def news(status: ShipmentStatus) -> bytes:
    event = ShipmentStatusChanged(
        order_id="o-1", shipment_id="s-1", location_id="de-3pl", status=status, carrier="dhl"
    )
    return Envelope.wrap(event, source="fulfillment", correlation_id="shop:1").to_bytes()


def read_by(subscriptions: Subscriptions) -> set[ShipmentStatus]:
    return {
        status
        for status in ShipmentStatus
        if read_delivery(subscriptions, topics.FULFILLMENT_STATUS, news(status)) is not None
    }


def test_inventory_reads_only_the_statuses_that_hold_or_move_stock():
    assert read_by(inventory) == READ_BY_INVENTORY


def test_notifications_reads_only_the_statuses_a_customer_hears_of():
    assert read_by(notifications()) == READ_BY_NOTIFICATIONS


def test_intake_reads_only_the_statuses_that_move_an_order():
    assert read_by(intake(ScreeningRules())) == READ_BY_INTAKE
