from enum import StrEnum

from orderflow_contracts.envelope import Event
from orderflow_contracts.order import Address, OrderLine


class ShipmentStatus(StrEnum):
    PICK_REQUESTED = "pick_requested"
    PICKED = "picked"
    PACKED = "packed"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"


class PickTaskIssued(Event):
    shipment_id: str
    order_id: str
    location_id: str
    carrier: str
    service: str
    ship_to: Address
    lines: tuple[OrderLine, ...]


class ShipmentStatusChanged(Event):
    order_id: str
    shipment_id: str
    location_id: str
    status: ShipmentStatus
    carrier: str
    tracking_number: str = ""
    lines: tuple[OrderLine, ...] = ()


class TrackingNumberAssigned(Event):
    channel: str
    external_id: str
    order_id: str
    carrier: str
    tracking_number: str
