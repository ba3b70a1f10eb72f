from typing import Literal

from pydantic import Field

from orderflow_contracts.envelope import Event
from orderflow_contracts.order import OrderLine


class StockReceived(Event):
    sku: str
    location_id: str
    quantity: int = Field(gt=0)
    reference: str = Field(default="", description="the warehouse's document; dedupes re-sends")


class StockAdjusted(Event):
    """Units found or lost outside a count (damage, returns to stock, corrections)."""

    sku: str
    location_id: str
    delta: int
    reason: str
    reference: str = ""


class StockCounted(Event):
    """A cycle count: the absolute quantity on the shelf; the difference is recorded."""

    sku: str
    location_id: str
    counted: int = Field(ge=0)
    reference: str = ""


class WarehouseReported(Event):
    """A warehouse's news of one shipment. A 3PL accepts or rejects the pick task, may pick
    short (`lines`: those it could not pick), answers a new address (`address_changed`: it
    relabelled the parcel for it; a parcel that left answers nothing, its `shipped` says it), and
    receives returns, then restocks or writes them off; `reason` says why where it matters. Every report names its `location_id`: the
    topic is shared by all warehouses, so fulfillment refuses one that does not match the
    shipment's location. (Its default is empty so that such a report is kept with the reason
    rather than dead-lettered as malformed.)"""

    shipment_id: str
    order_id: str
    status: Literal[
        "accepted",
        "rejected",
        "short_picked",
        "picked",
        "packed",
        "shipped",
        "cancelled",
        "address_changed",
        "return_received",
        "restocked",
        "written_off",
    ]
    tracking_number: str = ""
    location_id: str = Field(
        default="",
        description="required: the reporting location, the shipment's own; a report without it"
        " (or from another location) is refused and kept with the reason",
    )
    reason: str = ""
    lines: tuple[OrderLine, ...] = ()
