from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field

from orderflow_contracts.envelope import Event
from orderflow_contracts.order import Address, OrderLine


class ShipmentStatus(StrEnum):
    PICK_REQUESTED = "pick_requested"
    ACCEPTED = "accepted"  # the warehouse (a 3PL) took the pick task on
    PICKED = "picked"
    PACKED = "packed"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"  # the warehouse stopped it before it shipped
    REJECTED = "rejected"  # the warehouse refused the pick task; its lines are re-planned
    # The carrier's exceptions: the parcel left but its journey is not a straight line.
    EXCEPTION = "exception"
    CUSTOMS_HOLD = "customs_hold"
    FAILED_DELIVERY = "failed_delivery"
    RETURNED_TO_SENDER = "returned_to_sender"
    LOST = "lost"
    # A return: asked for, labelled, carried back, received, then restocked or written off.
    RETURN_REQUESTED = "return_requested"
    RETURN_LABEL_ISSUED = "return_label_issued"
    RETURN_IN_TRANSIT = "return_in_transit"
    RETURN_RECEIVED = "return_received"
    RESTOCKED = "restocked"
    WRITTEN_OFF = "written_off"


class PickTaskIssued(Event):
    shipment_id: str
    order_id: str
    location_id: str
    carrier: str
    service: str
    ship_to: Address
    lines: tuple[OrderLine, ...]
    currency: str = Field(default="", description="ISO 4217, of the lines' prices")


class PickTaskCancelled(Event):
    """The order was cancelled: stop this shipment if it has not left. The warehouse answers
    with a `cancelled` report, or ships it anyway when it is too late."""

    shipment_id: str
    order_id: str
    location_id: str
    reason: str = ""


class PickTaskAddressChanged(Event):
    """The buyer's address changed after the pick task: label the parcel for this one. The
    warehouse answers `address_changed` (`WarehouseReported`) once it has; a parcel shipped
    without that answer went to the old address."""

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
    reason: str = Field(
        default="", description="why, where there is one: a return's refund reason, a write-off's"
    )


class PickTaskRejected(Event):
    """The warehouse at `location_id` will not ship these lines of the shipment: it rejected
    the pick task (all its lines) or picked short (`short_pick`, the lines it could not pick).
    Inventory gives back their reservation there, then asks routing to re-plan them elsewhere
    (`RejectedLinesReleased`)."""

    order_id: str
    shipment_id: str
    location_id: str
    lines: tuple[OrderLine, ...]
    reason: str
    short_pick: bool = False


class ChangeSentToWarehouse(Event):
    """A change after the pick task sent to the shipment's warehouse, not answered yet
    (`request`: cancel, with `PickTaskCancelled`; address_change, with
    `PickTaskAddressChanged`; `status`: where the shipment was). Its answer follows: the
    shipment cancelled, or shipped and its return started, for a cancel;
    `AddressChangeApplied` or `AddressChangeTooLate` for an address. Intake shows it pending on
    the order until then."""

    order_id: str
    shipment_id: str
    location_id: str
    request: Literal["cancel", "address_change"]
    status: ShipmentStatus


class AddressChangeApplied(Event):
    """The warehouse relabelled the shipment for the buyer's new address before it left (its
    answer to `PickTaskAddressChanged`; `status`: where the shipment was). Intake records it
    on the order."""

    order_id: str
    shipment_id: str
    location_id: str
    status: ShipmentStatus


class AddressChangeTooLate(Event):
    """The buyer's new address came after the shipment left, or the warehouse shipped it before
    it answered that it relabelled it (`status`: where it was): it goes to the old address.
    Intake records it on the order."""

    order_id: str
    shipment_id: str
    location_id: str
    status: ShipmentStatus
    tracking_number: str = ""


class TrackingNumberAssigned(Event):
    """The tracking upload to the order's marketplace: one shipment's number, with the
    marketplace's own code for the carrier and the lines it carries. The marketplace answers
    with `TrackingUploadAnswered`; `attempt` counts the uploads of this shipment."""

    channel: str
    external_id: str
    order_id: str
    carrier: str
    tracking_number: str
    shipment_id: str = ""
    carrier_code: str = Field(default="", description="the marketplace's code for the carrier")
    lines: tuple[OrderLine, ...] = ()
    attempt: int = 1


class ShipByEscalated(Event):
    """A shipment not shipped yet has used `level` percent (50, 80, 100) of the time its
    marketplace gives to ship, from the order's placement to its ship-by."""

    order_id: str
    shipment_id: str
    location_id: str
    channel: str
    level: int
    ship_by: datetime
    ship_by_derived: bool = Field(
        default=False,
        description="the ship-by is the seller's handling time from the placement (the channel"
        " sent none, e.g. Shopify), not the marketplace's",
    )
