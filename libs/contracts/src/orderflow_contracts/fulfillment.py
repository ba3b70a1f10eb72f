from datetime import datetime
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
    CANCELLED = "cancelled"  # the warehouse stopped it before it shipped


class PickTaskIssued(Event):
    shipment_id: str
    order_id: str
    location_id: str
    carrier: str
    service: str
    ship_to: Address
    lines: tuple[OrderLine, ...]


class PickTaskCancelled(Event):
    """The order was cancelled: stop this shipment if it has not left. The warehouse answers
    with a `cancelled` report, or ships it anyway when it is too late."""

    shipment_id: str
    order_id: str
    location_id: str
    reason: str = ""


class PickTaskAddressChanged(Event):
    """The buyer's address changed after the pick task: label the parcel for this one."""

    shipment_id: str
    order_id: str
    location_id: str
    ship_to: Address


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


class ShipByEscalated(Event):
    """A shipment not shipped yet has used `level` percent (50, 80, 100) of the time its
    marketplace gives to ship, from the order's placement to its ship-by."""

    order_id: str
    shipment_id: str
    location_id: str
    channel: str
    level: int
    ship_by: datetime
